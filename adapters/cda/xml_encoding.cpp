#include "adapters/cda/xml_encoding.hpp"

#include "adapters/text_encoding.hpp"
#include "broker/model/formats.hpp"

namespace hie::adapters::cda {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

Result<std::string> utf16_to_utf8(std::string_view bytes, bool big_endian) {
  if (bytes.size() % 2 != 0)
    return make_error(Errc::unsupported, "UTF-16 text with an odd number of bytes");
  std::string out;
  out.reserve(bytes.size() / 2);
  auto unit = [&](std::size_t i) -> char32_t {
    const auto a = static_cast<unsigned char>(bytes[i]),
               b = static_cast<unsigned char>(bytes[i + 1]);
    return big_endian ? (a << 8 | b) : (b << 8 | a);
  };
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    char32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 3 >= bytes.size() || unit(i + 2) < 0xDC00 || unit(i + 2) > 0xDFFF)
        return make_error(Errc::unsupported,
                          "UTF-16 text with an unpaired surrogate at byte " + std::to_string(i));
      u = 0x10000 + ((u - 0xD800) << 10) + (unit(i + 2) - 0xDC00);
      i += 2;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return make_error(Errc::unsupported,
                        "UTF-16 text with an unpaired surrogate at byte " + std::to_string(i));
    }
    append_utf8(out, u);
  }
  return out;
}

}  // namespace

std::string_view declared_encoding(std::string_view text) {
  if (!text.starts_with("<?xml") || text.size() < 6 ||
      (text[5] != ' ' && text[5] != '\t' && text[5] != '\r' && text[5] != '\n'))
    return {};
  const std::size_t end = text.find("?>");
  if (end == std::string_view::npos) return {};
  std::string_view decl = text.substr(0, end);
  std::size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return {};
  at += 8;
  while (at < decl.size() &&
         (decl[at] == ' ' || decl[at] == '\t' || decl[at] == '\r' || decl[at] == '\n'))
    ++at;
  if (at >= decl.size() || decl[at] != '=') return {};
  ++at;
  while (at < decl.size() &&
         (decl[at] == ' ' || decl[at] == '\t' || decl[at] == '\r' || decl[at] == '\n'))
    ++at;
  if (at >= decl.size() || (decl[at] != '"' && decl[at] != '\'')) return {};
  const char quote = decl[at++];
  const std::size_t close = decl.find(quote, at);
  if (close == std::string_view::npos) return {};
  return decl.substr(at, close - at);
}

Result<Utf8Xml> to_utf8_xml(std::string_view bytes) {
  Utf8Xml out;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
  } else if (bytes.starts_with(std::string_view("\x00\x00\xFE\xFF", 4)) ||
             bytes.starts_with(std::string_view("\xFF\xFE\x00\x00", 4))) {
    return make_error(Errc::unsupported, "UTF-32 documents are not supported");
  } else if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    auto text = utf16_to_utf8(bytes.substr(2), bytes[0] == '\xFE');
    if (!text) return text.error();
    out.text = std::move(*text);
    return out;
  } else if (bytes.size() >= 4 && (bytes.starts_with(std::string_view("<\0?\0", 4)) ||
                                   bytes.starts_with(std::string_view("\0<\0?", 4)))) {
    auto text = utf16_to_utf8(bytes, bytes[0] == '\0');  // UTF-16 without a byte order mark
    if (!text) return text.error();
    out.text = std::move(*text);
    return out;
  }
  const std::string encoding = lower(declared_encoding(bytes));
  if (encoding == "iso-8859-1" || encoding == "iso_8859-1" || encoding == "iso8859-1" ||
      encoding == "latin1" || encoding == "latin-1" || encoding == "l1" ||
      encoding == "iso-latin-1") {
    out.text = latin1_to_utf8(bytes);
    return out;
  }
  if (encoding == "windows-1252" || encoding == "cp1252") {
    out.text = windows1252_to_utf8(bytes);
    return out;
  }
  if (!encoding.empty() && encoding != "utf-8" && encoding != "utf8" && encoding != "us-ascii" &&
      encoding != "ascii" && encoding != "utf-16")
    return make_error(Errc::unsupported, "XML encoding '" + to_valid_utf8(encoding.substr(0, 40)) +
                                             "' is not supported (UTF-8, UTF-16, ISO-8859-1 and "
                                             "windows-1252 are)");
  if (model::is_utf8(bytes)) {
    out.text = std::string(bytes);
  } else {
    out.text = to_valid_utf8(bytes);
    out.notes.push_back("bytes that are not UTF-8 were replaced by U+FFFD");
  }
  if (encoding == "utf-16")
    out.notes.push_back("declared UTF-16 but saved as 8-bit text: read as UTF-8");
  return out;
}

}  // namespace hie::adapters::cda
