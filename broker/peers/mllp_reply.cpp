#include "broker/peers/mllp_reply.hpp"

#include <algorithm>
#include <array>

#include "adapters/hl7v2/message.hpp"
#include "adapters/hl7v2/text.hpp"

namespace hie::peers {
namespace {

namespace v2 = adapters::hl7v2;

constexpr std::array<std::string_view, 6> kAckCodes{"AA", "AE", "AR", "CA", "CE", "CR"};

/// A control id fit for an error message: printable ASCII, at most 40 bytes.
std::string shown_id(std::string_view id) {
  std::string out(id.substr(0, 40));
  std::ranges::replace_if(
      out, [](unsigned char c) { return c < 0x20 || c > 0x7e; }, '?');
  return "'" + out + "'";
}

/// `text` on one line and at most kMaxReplyText bytes, not cut inside a UTF-8 sequence.
std::string one_line(std::string text) {
  std::ranges::replace_if(
      text, [](unsigned char c) { return c < 0x20 || c == 0x7f; }, ' ');
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  text.erase(0, first);
  text.erase(text.find_last_not_of(' ') + 1);
  if (text.size() > kMaxReplyText) {
    std::size_t end = kMaxReplyText;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text.resize(end);
  }
  return text;
}

}  // namespace

Result<MllpReply> read_mllp_reply(std::string_view payload, std::string_view expected_control_id) {
  auto message = v2::Message::parse(payload);
  if (!message)
    return make_error(Errc::parse_error,
                      "the reply is not an HL7 v2 message: " + message.error().describe());
  const v2::Segment* msa = message->find("MSA");
  if (!msa) return make_error(Errc::parse_error, "the reply has no MSA segment: not an HL7 ACK");
  MllpReply reply;
  reply.code = std::string(msa->field(1));
  if (std::ranges::find(kAckCodes, reply.code) == kAckCodes.end())
    return make_error(Errc::parse_error, "MSA-1 is not an acknowledgement code (AA AE AR CA CE CR)",
                      "MSA-1");
  reply.control_id = std::string(msa->field(2));
  if (reply.control_id != expected_control_id)
    return make_error(Errc::validation_error,
                      "the ACK answers another message: MSA-2 " + shown_id(reply.control_id) +
                          ", the message's MSH-10 " + shown_id(expected_control_id),
                      "MSA-2");
  std::string_view raw_text = msa->field(3);
  if (raw_text.empty())
    if (const v2::Segment* err = message->find("ERR")) raw_text = err->field(8);
  reply.text = one_line(v2::decode_text(raw_text, message->delimiters(), message->charset()));
  return reply;
}

}  // namespace hie::peers
