// VXU^V04: RXA (+ the RXR after it, + ORC-3 of the order group) → Immunization.
//
// Status: RXA-20 CP/empty completed; PA (partially administered) completed with
// isSubpotent = true; RE (refused) and NA (not administered) not-done, statusReason from RXA-18
// (refusal reason) when given; RXA-21 D (delete) entered-in-error. RXA-6 999 means "amount
// unknown" and gives no doseQuantity. RXA-9 00 (new record) primarySource = true, 01..08
// (historical sources) primarySource = false and reportOrigin. The OBX of the order group
// (funding, VIS) are not mapped here and are reported by report_unused().

#include "adapters/hl7v2/clinical_helpers.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"
#include "broker/model/resource.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;
using namespace clinical;

}  // namespace

void map_immunizations(MappingContext& ctx, const std::string& patient_ref) {
  const auto& segments = ctx.message().segments();
  const Segment* orc = nullptr;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = segments[i];
    if (s.id() == "ORC") orc = &s;
    if (s.id() != "RXA") continue;
    const Segment* rxr = nullptr;
    for (std::size_t j = i + 1; j < segments.size(); ++j) {
      const auto id = segments[j].id();
      if (id == "RXA" || id == "ORC") break;
      if (id == "RXR") {
        rxr = &segments[j];
        break;
      }
    }

    model::Immunization im;
    im.id = ctx.stable_id("Immunization", s);
    im.meta = ctx.meta();
    ctx.raw(s, {"RXA", 1});  // give sub-id counter (always 0)
    ctx.raw(s, {"RXA", 2});  // administration sub-id counter
    im.patient.reference = patient_ref;

    if (orc != nullptr) {
      if (auto id = ei_identifier(ctx, *orc, 3)) {
        id->type = concept_of(coding("http://terminology.hl7.org/CodeSystem/v2-0203", "FILL", "Filler Identifier"));
        im.identifier.push_back(std::move(*id));
      }
      orc = nullptr;  // one order group, one RXA identifier
    }

    if (auto vaccine = to_codeable_concept(ctx, {s, 5})) im.vaccine_code = *vaccine;
    else im.vaccine_code = concept_of(coding("http://hl7.org/fhir/sid/cvx", "999", "unknown"));
    if (auto when = to_fhir_datetime(ctx, {s, 3})) im.occurrence = model::DateTime{*when};
    else {
      im.occurrence = std::string("unknown");
      ctx.issue(Severity::warning, "required", ctx.location(s, {"RXA", 3}),
                "no administration date: occurrenceString 'unknown'");
    }

    // Dose RXA-6 / RXA-7.
    std::string amount = ctx.text(s, {"RXA", 6});
    std::string unit_code = ctx.text(s, {"RXA", 7, 1, 1});
    std::string unit_text = ctx.text(s, {"RXA", 7, 1, 2});
    std::string unit_system = ctx.text(s, {"RXA", 7, 1, 3});
    ctx.raw(s, {"RXA", 7});
    if (!amount.empty() && amount != "999") {
      if (auto value = model::Decimal::parse(amount)) {
        model::Quantity q;
        q.value = *value;
        q.unit = unit_text.empty() ? unit_code : unit_text;
        if (!unit_code.empty() && upper(unit_system) == "UCUM") {
          q.system = "http://unitsofmeasure.org";
          q.code = unit_code;
        }
        im.dose_quantity = q;
      } else {
        ctx.issue(Severity::warning, "value", ctx.location(s, {"RXA", 6}), "administered amount is not a number: dropped");
      }
    }

    // RXA-9 administration notes: information source (NIP001).
    for (std::size_t r = 1; r <= ctx.repetitions(s, 9); ++r) {
      std::string code = ctx.text(s, {"RXA", 9, r, 1});
      std::string system = upper(ctx.text(s, {"RXA", 9, r, 3}));
      if (code == "00" && (system.empty() || system == "NIP001")) {
        im.primary_source = true;
        ctx.raw(s, {"RXA", 9, r});
      } else if (code.size() == 2 && code[0] == '0' && (system.empty() || system == "NIP001")) {
        im.primary_source = false;
        im.report_origin = to_codeable_concept(ctx, {s, 9, r});
      } else if (auto note = to_codeable_concept(ctx, {s, 9, r})) {
        std::string text = note->text.empty() && !note->coding.empty() ? note->coding.front().display : note->text;
        if (text.empty() && !note->coding.empty()) text = note->coding.front().code;
        im.note.push_back({{}, {}, text});
      }
    }

    if (auto performer = xcn_reference(ctx, {s, 10})) {
      model::ImmunizationPerformer p;
      p.function = concept_of(coding("http://terminology.hl7.org/CodeSystem/v2-0443", "AP", "Administering Provider"));
      p.actor = *performer;
      im.performer.push_back(std::move(p));
    }

    im.lot_number = ctx.text(s, {"RXA", 15});
    if (auto exp = to_fhir_date(ctx, {s, 16})) im.expiration_date = *exp;

    {  // RXA-17 manufacturer (MVX).
      std::string code = ctx.text(s, {"RXA", 17, 1, 1});
      std::string name = ctx.text(s, {"RXA", 17, 1, 2});
      std::string system = ctx.text(s, {"RXA", 17, 1, 3});
      if (!code.empty() || !name.empty()) {
        model::Reference m;
        m.display = name.empty() ? code : name;
        if (!code.empty()) {
          model::Identifier id;
          id.system = coding_system_uri(system.empty() ? "MVX" : system);
          id.value = code;
          m.identifier = id;
        }
        im.manufacturer = m;
      }
    }

    std::string completion = upper(ctx.text(s, {"RXA", 20}));
    std::string action = upper(ctx.text(s, {"RXA", 21}));
    if (completion.empty() || completion == "CP") im.status = "completed";
    else if (completion == "PA") im.status = "completed", im.is_subpotent = true;
    else if (completion == "RE" || completion == "NA") {
      im.status = "not-done";
      if (auto reason = to_codeable_concept(ctx, {s, 18})) im.status_reason = *reason;
      else if (completion == "RE")
        im.status_reason = concept_of(coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "PATOBJ", "patient objection"));
    } else {
      im.status = "completed";
      ctx.issue(Severity::warning, "code-invalid", ctx.location(s, {"RXA", 20}),
                "completion status '" + completion + "' unknown: status 'completed' assumed");
    }
    if (action == "D") im.status = "entered-in-error";

    if (rxr != nullptr) {
      im.route = to_codeable_concept(ctx, {*rxr, 1});
      im.site = to_codeable_concept(ctx, {*rxr, 2});
    }
    ctx.out().resources.emplace_back(std::move(im));
  }
}

}  // namespace hie::adapters::hl7v2
