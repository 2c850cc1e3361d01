#pragma once
// The HL7 v2 adapter: one message, a batch, or back-to-back messages → model resources.

#include "adapters/adapter.hpp"
#include "adapters/hl7v2/message.hpp"

namespace hie::adapters::hl7v2 {

/// Translates one parsed message into `out`: its patient, the resources its type implies, the
/// event its type declares (events.hpp), and an issue for everything it carries that was not mapped.
void translate_message(const Message& message, const Context& context, Translation& out);

class Hl7v2Adapter final : public Adapter {
 public:
  std::string_view format() const override { return "hl7v2"; }
  /// An error when no message can be read; a batch where only some messages are malformed
  /// translates the others and reports each bad one as an error issue.
  Result<Translation> to_model(std::string_view bytes, const Context& context) const override;
  /// MSH, or a batch header (FHS, BHS), after an optional BOM, MLLP start byte or blank lines.
  bool sniff(std::string_view head) const override;
  /// admission, transfer, discharge, demographics-update, new-result (events.hpp).
  bool writes_event(model::EventKind kind) const override;
  /// ADT^A01/A02/A03/A08 or ORU^R01 (write_event_message in events.hpp).
  Result<std::string> write_event(model::EventKind kind, const std::vector<model::Resource>& resources,
                                  const EventWriteOptions& options) const override;
};

}  // namespace hie::adapters::hl7v2
