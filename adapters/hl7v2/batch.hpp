#pragma once
// Splits a file or stream that holds several HL7 v2 messages (an FHS/BHS batch, or plain
// back-to-back messages) into one view per message.

#include <string_view>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::adapters::hl7v2 {

struct SplitMessages {
  std::vector<std::string_view> messages;  ///< each starts at its MSH
  std::size_t declared_count = 0;          ///< BTS-1 message counts added up, 0 when absent
  bool had_batch_envelope = false;         ///< FHS/BHS/BTS/FTS seen
};

/// Views into `bytes`, one per MSH. Batch envelope segments are removed. An input with no MSH
/// is an error.
Result<SplitMessages> split_messages(std::string_view bytes);

}  // namespace hie::adapters::hl7v2
