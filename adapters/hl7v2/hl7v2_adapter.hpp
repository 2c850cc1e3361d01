#pragma once
// The HL7 v2 adapter: one message, a batch, or back-to-back messages → model resources.

#include "adapters/adapter.hpp"
#include "adapters/hl7v2/message.hpp"

namespace hie::adapters::hl7v2 {

/// Translates one parsed message into `out`: its patient, the resources its type implies, and
/// an issue for everything it carries that was not mapped.
void translate_message(const Message& message, const Context& context, Translation& out);

class Hl7v2Adapter final : public Adapter {
 public:
  std::string_view format() const override { return "hl7v2"; }
  /// An error when no message can be read; a batch where only some messages are malformed
  /// translates the others and reports each bad one as an error issue.
  Result<Translation> to_model(std::string_view bytes, const Context& context) const override;
  /// MSH, or a batch header (FHS, BHS), after an optional BOM, MLLP start byte or blank lines.
  bool sniff(std::string_view head) const override;
};

}  // namespace hie::adapters::hl7v2
