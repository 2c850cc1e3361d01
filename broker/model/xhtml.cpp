// The narrative div check: a small scanner over tags and attributes, not an XML parser. It
// accepts what FHIR's narrative rules need and refuses what a browser would run.

#include <cctype>

#include "broker/model/formats.hpp"

namespace hie::model {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

struct XhtmlScan {
  bool xmlns = false;    ///< the outer div declares the XHTML namespace
  bool content = false;  ///< some non-blank text or an image inside the outer div
};

// Scans one tag's attributes from pos (just after the tag name) to its '>'. False when an
// attribute is an event handler (on...) or the tag does not end.
bool scan_attributes(std::string_view s, std::size_t& pos, bool outer, XhtmlScan& scan) {
  while (true) {
    while (pos < s.size() && space(s[pos])) ++pos;
    if (pos >= s.size()) return false;
    if (s[pos] == '>') {
      ++pos;
      return true;
    }
    if (s[pos] == '/') {
      ++pos;
      continue;
    }
    std::size_t start = pos;
    while (pos < s.size() && !space(s[pos]) && s[pos] != '=' && s[pos] != '>' && s[pos] != '/') {
      ++pos;
    }
    std::string_view name = s.substr(start, pos - start);
    if (starts_with_nocase(name, "on")) return false;
    std::string_view value;
    while (pos < s.size() && space(s[pos])) ++pos;
    if (pos < s.size() && s[pos] == '=') {
      ++pos;
      while (pos < s.size() && space(s[pos])) ++pos;
      if (pos >= s.size()) return false;
      if (s[pos] == '"' || s[pos] == '\'') {
        std::size_t end = s.find(s[pos], pos + 1);
        if (end == std::string_view::npos) return false;
        value = s.substr(pos + 1, end - pos - 1);
        pos = end + 1;
      } else {
        start = pos;
        while (pos < s.size() && !space(s[pos]) && s[pos] != '>') ++pos;
        value = s.substr(start, pos - start);
      }
    }
    if (outer && name == "xmlns" && value == "http://www.w3.org/1999/xhtml") scan.xmlns = true;
  }
}

// Scans the div without its closing tag: tags, comments and text. False on <script or on...=.
bool scan_xhtml(std::string_view s, XhtmlScan& scan) {
  std::size_t pos = 0;
  bool outer = true;
  while (pos < s.size()) {
    if (s[pos] != '<') {
      if (!outer && !space(s[pos])) scan.content = true;
      ++pos;
      continue;
    }
    if (s.substr(pos).starts_with("<!--")) {
      std::size_t end = s.find("-->", pos + 4);
      if (end == std::string_view::npos) return false;
      pos = end + 3;
      continue;
    }
    ++pos;
    if (pos < s.size() && (s[pos] == '/' || s[pos] == '!' || s[pos] == '?')) ++pos;
    std::size_t start = pos;
    while (pos < s.size() && !space(s[pos]) && s[pos] != '>' && s[pos] != '/') ++pos;
    std::string_view name = s.substr(start, pos - start);
    if (starts_with_nocase(name, "script")) return false;
    if (!outer && starts_with_nocase(name, "img")) scan.content = true;
    if (!scan_attributes(s, pos, outer, scan)) return false;
    outer = false;
  }
  return true;
}

}  // namespace

bool is_xhtml_div(std::string_view s) {
  constexpr std::string_view close = "</div>";
  if (!is_utf8(s) || s.size() < 5 + close.size() || !s.starts_with("<div") ||
      !(s[4] == '>' || space(s[4])) || !s.ends_with(close)) {
    return false;
  }
  XhtmlScan scan;
  if (!scan_xhtml(s.substr(0, s.size() - close.size()), scan)) return false;
  return scan.xmlns && scan.content;
}

}  // namespace hie::model
