#include "adapters/csv/text_encoding.hpp"

#include <cctype>

#include "adapters/text_encoding.hpp"

namespace hie::adapters::csv {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<Encoding> encoding_named(std::string_view name) {
  const std::string n = lower(name);
  if (n == "utf-8" || n == "utf8") return Encoding::utf8;
  if (n == "latin1" || n == "latin-1" || n == "iso-8859-1") return Encoding::latin1;
  if (n == "windows-1252" || n == "cp1252") return Encoding::windows1252;
  return std::nullopt;
}

std::string to_utf8(std::string_view bytes, Encoding encoding) {
  switch (encoding) {
    case Encoding::latin1: return latin1_to_utf8(bytes);
    case Encoding::windows1252: return windows1252_to_utf8(bytes);
    case Encoding::utf8: break;
  }
  return std::string(bytes);
}

}  // namespace hie::adapters::csv
