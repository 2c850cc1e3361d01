#pragma once
// What hie-sim mllp sends and how it reads the answers: the HL7 v2 messages of the given files
// (batches split), each round after the first with its own control ids, and MSA of an ACK.

#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::sim {

struct OutgoingMessage {
  std::string file;        ///< basename of the file it came from, for messages
  std::string control_id;  ///< MSH-10 as sent
  std::string text;        ///< the message as in the file (its segment terminators kept)
};

/// `message` with `suffix` appended to MSH-10. Error when the message cannot be parsed or MSH-10
/// is empty.
Result<std::string> with_control_id_suffix(std::string_view message, std::string_view suffix);

/// The messages of `files` (name, contents), split with the HL7 v2 batch splitter, for `repeat`
/// rounds: round 1 as written, round R > 1 with "-R<R>" appended to every MSH-10. The error
/// names the file.
Result<std::vector<OutgoingMessage>> mllp_messages(
    const std::vector<std::pair<std::string, std::string>>& files, unsigned repeat);

/// Reads `paths` and calls mllp_messages; the error names the file that cannot be read.
Result<std::vector<OutgoingMessage>> load_mllp_messages(const std::vector<std::string>& paths,
                                                        unsigned repeat);

/// MSA-1 (acknowledgement code) and MSA-2 (control id answered) of an ACK.
struct AckFields {
  std::string code;
  std::string control_id;
};
Result<AckFields> read_ack(std::string_view ack);

/// AA or CA: the message was taken.
inline bool is_accepted(std::string_view code) { return code == "AA" || code == "CA"; }

}  // namespace hie::sim
