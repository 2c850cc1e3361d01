#include "adapters/hl7v2/hl7v2_adapter.hpp"

#include "adapters/hl7v2/batch.hpp"
#include "adapters/hl7v2/events.hpp"
#include "adapters/hl7v2/mapping_context.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"
#include "adapters/hl7v2/text.hpp"
#include "adapters/sniff.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;

bool is_visit_event(std::string_view event) {
  for (std::string_view e : {"A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A11", "A13"})
    if (event == e) return true;
  return false;
}

bool is_patient_event(std::string_view event) {
  for (std::string_view e : {"A28", "A31", "A40", "A39", "A47", "A34", "A18"})
    if (event == e) return true;
  return false;
}

}  // namespace

void translate_message(const Message& message, const Context& context, Translation& out) {
  MappingContext ctx(message, context, out);
  // The envelope (sender, receiver, times, control id) is kept with the message in the journal.
  ctx.use_segment(message.msh());
  if (const Segment* evn = message.find("EVN")) ctx.use_segment(*evn);
  for (const auto& note : message.notes()) ctx.issue(Severity::warning, "structure", note.location, note.message);

  const std::string patient = map_patient(ctx);
  const std::string_view code = message.message_code();
  const std::string_view event = message.trigger_event();
  bool mapped = true;
  if (code == "ADT" && (is_visit_event(event) || is_patient_event(event))) {
    if (is_visit_event(event)) map_encounter(ctx, patient);
    map_observations(ctx, patient);
  } else if (code == "ORU" && event == "R01") {
    map_results(ctx, patient);
  } else if ((code == "ORM" && event == "O01") || (code == "OML" && event == "O21")) {
    map_orders(ctx, patient);
  } else if (code == "VXU" && event == "V04") {
    map_immunizations(ctx, patient);
  } else if (code == "MDM") {
    map_documents(ctx, patient);
  } else if (code == "PPR" && event == "PC1") {
    map_problems(ctx, patient);
  } else {
    mapped = false;
  }
  // Allergies, diagnoses and procedures travel in many message types.
  map_allergies(ctx, patient);
  map_conditions(ctx, patient);
  map_procedures(ctx, patient);

  if (!mapped) {
    std::string type = code.empty() ? std::string("(empty MSH-9)") : std::string(code) + "^" + std::string(event);
    ctx.issue(Severity::warning, "not-supported", "MSH-9",
              "message type " + type + " is not mapped: only its patient (and any AL1/DG1/PR1) is translated");
  }
  if (patient.empty())
    ctx.issue(Severity::warning, "required", "PID", "the message has no PID segment: no patient");
  else if (auto kind = declared_event_kind(code, event))
    out.events.push_back({*kind, patient.substr(std::string_view("Patient/").size())});
  ctx.report_unused();
}

Result<Translation> Hl7v2Adapter::to_model(std::string_view bytes, const Context& context) const {
  auto split = split_messages(bytes);
  if (!split) return split.error();
  Translation out;
  std::size_t read = 0;
  std::optional<Error> first_error;
  const bool several = split->messages.size() > 1;
  for (std::size_t i = 0; i < split->messages.size(); ++i) {
    auto message = Message::parse(split->messages[i]);
    if (!message) {
      Error e = several ? message.error().within("message " + std::to_string(i + 1) + ": ") : message.error();
      if (!first_error) first_error = e;
      out.issues.push_back({Severity::error, "structure", to_valid_utf8(e.location()), to_valid_utf8(e.message())});
      continue;
    }
    ++read;
    const std::size_t before = out.issues.size();
    translate_message(*message, context, out);
    if (several)
      for (std::size_t k = before; k < out.issues.size(); ++k)
        out.issues[k].location = "message " + std::to_string(i + 1) + ": " + out.issues[k].location;
  }
  if (read == 0) return *first_error;
  if (split->declared_count != 0 && split->declared_count != split->messages.size())
    out.issues.push_back({Severity::warning, "structure", "BTS-1",
                          "the batch declares " + std::to_string(split->declared_count) + " messages but holds " +
                              std::to_string(split->messages.size())});
  return out;
}

bool Hl7v2Adapter::sniff(std::string_view head) const {
  head = skip_preamble(head);
  return head.starts_with("MSH") || head.starts_with("FHS") || head.starts_with("BHS");
}

bool Hl7v2Adapter::writes_event(model::EventKind kind) const { return writes_event_kind(kind); }

Result<std::string> Hl7v2Adapter::write_event(model::EventKind kind, const std::vector<model::Resource>& resources,
                                              const EventWriteOptions& options) const {
  return write_event_message(kind, resources, options);
}

}  // namespace hie::adapters::hl7v2
