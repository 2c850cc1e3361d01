// libFuzzer target: any bytes as an MLLP receiver's reply to a message the broker sent
// (broker/peers/mllp_reply). Invariants: no crash, no hang, no sanitizer report; an error has a
// one-line reason; a reply has a known MSA-1 code, the expected MSA-2, and a one-line text of at
// most kMaxReplyText bytes.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "broker/peers/mllp_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hie::peers;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto reply = read_mllp_reply(bytes, "MSG-1");
  if (!reply) {
    if (reply.error().describe().find_first_of("\r\n") != std::string::npos) std::abort();
    return 0;
  }
  static constexpr std::array<std::string_view, 6> kCodes{"AA", "AE", "AR", "CA", "CE", "CR"};
  if (std::ranges::find(kCodes, reply->code) == kCodes.end()) std::abort();
  if (reply->control_id != "MSG-1") std::abort();
  if (reply->text.size() > kMaxReplyText) std::abort();
  for (char c : reply->text)
    if (static_cast<unsigned char>(c) < 0x20) std::abort();
  return 0;
}
