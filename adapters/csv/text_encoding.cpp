#include "adapters/csv/text_encoding.hpp"

#include <array>
#include <cctype>

namespace hie::adapters::csv {
namespace {

// Windows-1252 0x80-0x9F. The five bytes it leaves undefined become U+FFFD.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

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
  if (encoding == Encoding::utf8) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (unsigned char c : bytes) {
    if (encoding == Encoding::windows1252 && c >= 0x80 && c < 0xA0)
      append_utf8(out, kCp1252High[c - 0x80]);
    else
      append_utf8(out, c);
  }
  return out;
}

}  // namespace hie::adapters::csv
