#pragma once
// Writing JSON by hand in tests: a string value with its quotes and escapes.

#include <string>

namespace hie::testing {

/// `text` as a JSON string: quoted, with `"`, `\`, CR and LF escaped (enough for HL7 v2 payloads).
inline std::string json_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '"' || c == '\\') out += std::string("\\") + c;
    else out += c;
  }
  return out + "\"";
}

}  // namespace hie::testing
