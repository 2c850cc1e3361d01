#pragma once
// What every adapter's sniff() skips before looking: a UTF-8 byte order mark, white space, and
// the MLLP start byte, so "looks like" does not depend on how the bytes were framed or saved.

#include <string_view>

namespace hie::adapters {

inline std::string_view skip_preamble(std::string_view head) {
  for (;;) {
    if (head.starts_with("\xEF\xBB\xBF")) {
      head.remove_prefix(3);
    } else if (!head.empty() && (head.front() == ' ' || head.front() == '\t' || head.front() == '\r' ||
                                 head.front() == '\n' || head.front() == '\x0B')) {
      head.remove_prefix(1);
    } else {
      return head;
    }
  }
}

}  // namespace hie::adapters
