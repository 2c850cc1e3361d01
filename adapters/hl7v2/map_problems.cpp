// PPR^PC1 (problem added): PRB (+ NTE) → Condition on the problem list (category
// problem-list-item).
//
// Decisions (PRB as in HL7 v2.5.1 §12.4.2, Condition as in R4):
// - PRB-3 problem id (CE) is what the problem is: Condition.code. PRB-4 problem instance id (EI)
//   identifies this problem on the list: Condition.identifier.
// - PRB-2 action date/time (when the problem was added: PRB-1 AD) → recordedDate.
// - PRB-16 date of onset → onsetDateTime; PRB-17 onset text → onsetString when PRB-16 is empty.
// - PRB-7 established date/time is "when the problem was first identified by the caregiver":
//   neither the onset nor the record's date. R4 holds it only in the condition-assertedDate
//   extension, which the model does not hold, so it is reported.
// - PRB-13 confirmation status and PRB-14 life cycle status come from user-defined tables; a
//   code (or, without one, a text) that is a FHIR condition-ver-status / condition-clinical code
//   (case-insensitive: ACTIVE → active) is mapped, anything else is reported: both elements are
//   bound to those codes (required).
// - PRB-9 actual resolution date → abatementDateTime only with a clinical status of inactive,
//   remission or resolved (con-4); otherwise it is reported. A verificationStatus of
//   entered-in-error keeps no clinicalStatus (con-5).
// - PRB-26 severity (v2.6+) → severity.
// - PRB-1 DE (delete) writes no Condition: the PRB is reported. Other actions (AD, UP, CO, ...)
//   send the problem as it now stands.

#include <array>
#include <span>
#include <vector>

#include "adapters/hl7v2/clinical_helpers.hpp"
#include "adapters/hl7v2/obx_mapper.hpp"
#include "adapters/hl7v2/order_fields.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;
using namespace clinical;

struct StatusCode {
  std::string_view code;
  std::string_view display;
};

constexpr std::string_view kVerificationSystem =
    "http://terminology.hl7.org/CodeSystem/condition-ver-status";
constexpr std::array kVerificationCodes = {
    StatusCode{"unconfirmed", "Unconfirmed"},   StatusCode{"provisional", "Provisional"},
    StatusCode{"differential", "Differential"}, StatusCode{"confirmed", "Confirmed"},
    StatusCode{"refuted", "Refuted"},           StatusCode{"entered-in-error", "Entered in Error"}};

constexpr std::string_view kClinicalSystem =
    "http://terminology.hl7.org/CodeSystem/condition-clinical";
constexpr std::array kClinicalCodes = {
    StatusCode{"active", "Active"},       StatusCode{"recurrence", "Recurrence"},
    StatusCode{"relapse", "Relapse"},     StatusCode{"inactive", "Inactive"},
    StatusCode{"remission", "Remission"}, StatusCode{"resolved", "Resolved"}};

/// A PRB status field (CE) as a CodeableConcept of `system`, when its code (else its text) is one
/// of `codes`; otherwise a warning and nothing.
std::optional<model::CodeableConcept> status_concept(MappingContext& ctx, const Segment& prb,
                                                     std::size_t field, std::string_view system,
                                                     std::span<const StatusCode> codes,
                                                     std::string_view what) {
  const FieldRef ce{prb, field};
  const std::string code = ctx.text(prb, ce.at(1));
  const std::string text = ctx.text(prb, ce.at(2));
  ctx.text(prb, ce.at(3));  // the sender's table name: the code itself is matched
  const std::string sent = code.empty() ? text : code;
  if (sent.empty()) return std::nullopt;
  for (const auto& c : codes) {
    if (c.code != lower(sent)) continue;
    model::CodeableConcept cc =
        concept_of(coding(std::string(system), std::string(c.code), std::string(c.display)));
    cc.text = text;
    return cc;
  }
  ctx.issue(Severity::warning, "code-invalid", ctx.location(prb, {prb.id(), field}),
            std::string(what) + " '" + sent + "' is not a code of " + std::string(system) +
                ": not mapped");
  return std::nullopt;
}

bool has_code(const std::optional<model::CodeableConcept>& cc,
              std::span<const std::string_view> codes) {
  if (!cc) return false;
  for (const auto& c : cc->coding)
    for (auto code : codes)
      if (c.code == code) return true;
  return false;
}

/// PRB-9 as the abatement, when the clinical status allows one (con-4).
void read_abatement(MappingContext& ctx, const Segment& prb, model::Condition& c) {
  const Address resolved_at{prb.id(), 9};
  if (raw_value(prb, ctx.delimiters(), resolved_at).empty()) return;
  static constexpr std::array<std::string_view, 3> kAbated = {"inactive", "remission", "resolved"};
  if (!has_code(c.clinical_status, kAbated)) {
    ctx.issue(
        Severity::warning, "business-rule", ctx.location(prb, resolved_at),
        "resolution date without a life cycle status of inactive, remission or resolved (PRB-14): "
        "abatement not set (con-4)");
    return;
  }
  if (auto when = to_fhir_datetime(ctx, FieldRef{prb, 9})) c.abatement = model::DateTime{*when};
}

std::optional<model::Condition> map_prb(MappingContext& ctx, const Segment& prb,
                                        const std::string& patient_ref) {
  const Address action_at{prb.id(), 1};
  if (upper(raw_value(prb, ctx.delimiters(), action_at)) == "DE") {
    ctx.issue(Severity::warning, "not-supported", ctx.location(prb, action_at),
              "problem deleted (PRB-1 DE): no Condition written");
    return std::nullopt;
  }
  ctx.raw(prb, action_at);
  model::Condition c;
  c.id = ctx.stable_id("Condition", prb);
  c.meta = ctx.meta();
  c.subject.reference = patient_ref;
  c.category.push_back(concept_of(coding("http://terminology.hl7.org/CodeSystem/condition-category",
                                         "problem-list-item", "Problem List Item")));
  c.code = to_codeable_concept(ctx, FieldRef{prb, 3});
  if (auto id = detail::to_entity_identifier(ctx, FieldRef{prb, 4}, 0, "", "problem"))
    c.identifier.push_back(*id);
  if (auto recorded = to_fhir_datetime(ctx, FieldRef{prb, 2})) c.recorded_date = *recorded;
  if (auto onset = to_fhir_datetime(ctx, FieldRef{prb, 16}))
    c.onset = model::DateTime{*onset};
  else if (auto text = ctx.text(prb, {prb.id(), 17}); !text.empty())
    c.onset = text;

  c.verification_status = status_concept(ctx, prb, 13, kVerificationSystem, kVerificationCodes,
                                         "problem confirmation status");
  auto life_cycle =
      status_concept(ctx, prb, 14, kClinicalSystem, kClinicalCodes, "problem life cycle status");
  static constexpr std::array<std::string_view, 1> kError = {"entered-in-error"};
  if (life_cycle && has_code(c.verification_status, kError))
    ctx.issue(Severity::warning, "business-rule", ctx.location(prb, {prb.id(), 14}),
              "problem confirmed as entered in error (PRB-13): life cycle status not kept (con-5)");
  else
    c.clinical_status = life_cycle;
  read_abatement(ctx, prb, c);
  c.severity = to_codeable_concept(ctx, FieldRef{prb, 26});
  return c;
}

}  // namespace

void map_problems(MappingContext& ctx, const std::string& patient_ref) {
  std::vector<model::Condition> problems;
  bool after_prb = false;
  for (const auto& segment : ctx.message().segments()) {
    if (segment.id() == "PRB") {
      auto c = map_prb(ctx, segment, patient_ref);
      after_prb = c.has_value();
      if (c) problems.push_back(std::move(*c));
    } else if (segment.id() == "NTE" && after_prb) {
      add_nte_note(ctx, segment, problems.back());
    } else {
      after_prb = false;
    }
  }
  for (auto& c : problems) ctx.out().resources.emplace_back(std::move(c));
}

}  // namespace hie::adapters::hl7v2
