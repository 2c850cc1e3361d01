#pragma once
// Finding segment terminators fast. string_view::find_first_of("\r\n") tests every byte against
// the set through char_traits, several times slower than this plain loop.

#include <string_view>

namespace hie::adapters::hl7v2 {

/// Position of the first CR or LF at or after `from`, or text.size().
inline std::size_t find_line_end(std::string_view text, std::size_t from) {
  const char* p = text.data() + from;
  const char* end = text.data() + text.size();
  while (p != end && *p != '\r' && *p != '\n') ++p;
  return static_cast<std::size_t>(p - text.data());
}

}  // namespace hie::adapters::hl7v2
