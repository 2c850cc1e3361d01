#include "adapters/hl7v2/batch.hpp"

#include <charconv>

#include "adapters/hl7v2/line_end.hpp"

namespace hie::adapters::hl7v2 {
namespace {

bool is_envelope(std::string_view line) {
  std::string_view id = line.substr(0, 3);
  return id == "FHS" || id == "BHS" || id == "BTS" || id == "FTS";
}

/// Position just after the line ending at `end` (CR, LF or CRLF).
std::size_t skip_terminator(std::string_view text, std::size_t end) {
  if (end < text.size() && text[end] == '\r') ++end;
  if (end < text.size() && text[end] == '\n') ++end;
  return end;
}

}  // namespace

Result<SplitMessages> split_messages(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  SplitMessages out;
  std::size_t message_start = std::string_view::npos;
  std::size_t pos = 0;
  auto close_message = [&](std::size_t end) {
    if (message_start != std::string_view::npos) out.messages.push_back(bytes.substr(message_start, end - message_start));
    message_start = std::string_view::npos;
  };
  while (pos < bytes.size()) {
    std::size_t end = find_line_end(bytes, pos);
    std::string_view line = bytes.substr(pos, end - pos);
    std::size_t lead = line.find_first_not_of(" \t");
    std::string_view content = lead == std::string_view::npos ? std::string_view{} : line.substr(lead);
    if (content.substr(0, 3) == "MSH") {
      close_message(pos);
      message_start = pos + lead;
    } else if (is_envelope(content)) {
      close_message(pos);
      out.had_batch_envelope = true;
      if (content.substr(0, 3) == "BTS" && content.size() > 4) {
        std::string_view count = content.substr(4, content.find(content[3], 4) - 4);
        std::size_t n = 0;
        if (std::from_chars(count.data(), count.data() + count.size(), n).ec == std::errc{}) out.declared_count += n;
      }
    }
    pos = skip_terminator(bytes, end);
    if (pos == end) ++pos;  // a lone terminator character we did not consume
  }
  close_message(bytes.size());
  if (out.messages.empty()) return make_error(Errc::parse_error, "no MSH segment: not an HL7 v2 message", "segment 1");
  return out;
}

}  // namespace hie::adapters::hl7v2
