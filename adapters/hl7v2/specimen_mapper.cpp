// SPM → Specimen, following the HL7 v2-to-FHIR IG's SPM[Specimen] map where R4 has an element.
//
// Decisions:
// - SPM-2 (EIP): the placer's and the filler's specimen numbers are two identifiers, typed PGN
//   and FGN as the IG does for EIP.
// - SPM-3 parent (EIP, repeating): one Specimen reference per repetition. A Reference holds one
//   identifier, so it is the filler's number (the one the lab knows the parent by), else the
//   placer's; a placer number sent beside a filler number is left to the unused-input report.
// - SPM-11 role: R4 Specimen has no role. `P` (patient, the default) says what subject already
//   says and is consumed; any other role (QC, calibrator, ...) is reported.
// - SPM-17 (DR): collectedPeriod when the range has an end, else collectedDateTime (as the IG).
// - SPM-20 availability Y/N → status available/unavailable. SPM-21 reject reasons make the
//   status `unsatisfactory` (R4: "cannot be used because of a quality issue") and are kept, with
//   SPM-24's conditions, in Specimen.condition: R4 has no reject-reason element, and both
//   describe the state the specimen arrived in.
// - SPM-6 additive (first repetition) and SPM-27 container type make one container; Specimen
//   holds one additive per container, so further SPM-6 repetitions are reported.
// - No R4 element, so reported when sent: type modifier (SPM-5), source-site modifier (-9),
//   collection site (-10), grouped count (-13), handling (-15), risk (-16), expiration (-19),
//   quality (-22), appropriateness (-23), current quantity (-25), container count (-26), container
//   condition (-28), child role (-29). The shipment id (-32) names the shipment, not the
//   specimen, and is reported too.

#include "adapters/hl7v2/specimen_mapper.hpp"

#include "adapters/hl7v2/clinical_helpers.hpp"
#include "adapters/hl7v2/order_fields.hpp"
#include "adapters/hl7v2/v2_types.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;

constexpr std::string_view kPlacer = "specimen-placer";
constexpr std::string_view kFiller = "specimen-filler";

std::optional<model::Reference> parent_reference(MappingContext& ctx, const FieldRef& eip) {
  const bool has_filler = !raw_value(eip.segment, ctx.delimiters(), eip.at(2, 1)).empty();
  auto id = has_filler ? detail::to_entity_identifier(ctx, eip, 2, "FGN", kFiller)
                       : detail::to_entity_identifier(ctx, eip, 1, "PGN", kPlacer);
  if (!id) return std::nullopt;
  model::Reference ref;
  ref.type = "Specimen";
  ref.identifier = *id;
  return ref;
}

void read_identifiers(MappingContext& ctx, const Segment& spm, model::Specimen& s) {
  const FieldRef specimen_id{spm, 2};
  if (auto placer = detail::to_entity_identifier(ctx, specimen_id, 1, "PGN", kPlacer))
    s.identifier.push_back(*placer);
  if (auto filler = detail::to_entity_identifier(ctx, specimen_id, 2, "FGN", kFiller))
    s.identifier.push_back(*filler);
  for (std::size_t r = 1; r <= ctx.repetitions(spm, 31); ++r)  // other specimen ids (v2.7+)
    if (auto other = to_identifier(ctx, FieldRef{spm, 31, r})) s.identifier.push_back(*other);
  // Accession id (v2.7+): Specimen has one; further repetitions are reported.
  if (auto accession = to_identifier(ctx, FieldRef{spm, 30})) s.accession_identifier = *accession;
  for (std::size_t r = 1; r <= ctx.repetitions(spm, 3); ++r)
    if (auto parent = parent_reference(ctx, FieldRef{spm, 3, r})) s.parent.push_back(*parent);
}

void read_collection(MappingContext& ctx, const Segment& spm, model::Specimen& s) {
  model::SpecimenCollection c;
  c.method = to_codeable_concept(ctx, FieldRef{spm, 7});
  c.body_site = to_codeable_concept(ctx, FieldRef{spm, 8});
  c.quantity = to_quantity(ctx, FieldRef{spm, 12});
  auto start = to_fhir_datetime(ctx, FieldRef{spm, 17}, 1);
  auto end = to_fhir_datetime(ctx, FieldRef{spm, 17}, 2);
  if (end)
    c.collected = model::Period{start.value_or(""), *end};
  else if (start)
    c.collected = model::DateTime{*start};
  if (c != model::SpecimenCollection{}) s.collection = std::move(c);
}

void read_status(MappingContext& ctx, const Segment& spm, model::Specimen& s) {
  bool rejected = false;
  for (std::size_t r = 1; r <= ctx.repetitions(spm, 21); ++r) {
    if (auto reason = to_codeable_concept(ctx, FieldRef{spm, 21, r})) {
      s.condition.push_back(*reason);
      rejected = true;
    }
  }
  for (std::size_t r = 1; r <= ctx.repetitions(spm, 24); ++r)
    if (auto condition = to_codeable_concept(ctx, FieldRef{spm, 24, r}))
      s.condition.push_back(*condition);

  const Address availability_at{spm.id(), 20};
  const std::string availability = clinical::upper(ctx.text(spm, availability_at));
  if (rejected)
    s.status = "unsatisfactory";
  else if (availability == "Y")
    s.status = "available";
  else if (availability == "N")
    s.status = "unavailable";
  else if (!availability.empty())
    ctx.issue(Severity::warning, "code-invalid", ctx.location(spm, availability_at),
              "specimen availability '" + availability + "' is not Y or N: status not set");
}

void read_role(MappingContext& ctx, const Segment& spm) {
  const Address role_at{spm.id(), 11, 1, 1};
  const std::string_view role = raw_value(spm, ctx.delimiters(), role_at);
  if (role.empty()) return;
  if (ctx.repetitions(spm, 11) == 1 && clinical::upper(role) == "P") {
    ctx.use_field(spm, 11);
    return;
  }
  ctx.issue(Severity::warning, "not-supported", ctx.location(spm, {spm.id(), 11}),
            "specimen role '" + std::string(role) +
                "' has no R4 Specimen element (only P, patient, is implied): not mapped");
}

void read_container(MappingContext& ctx, const Segment& spm, model::Specimen& s) {
  model::SpecimenContainer container;
  container.type = to_codeable_concept(ctx, FieldRef{spm, 27});
  if (auto additive = to_codeable_concept(ctx, FieldRef{spm, 6})) container.additive = *additive;
  if (container != model::SpecimenContainer{}) s.container.push_back(std::move(container));
}

}  // namespace

model::Specimen map_spm(MappingContext& ctx, const Segment& spm, const std::string& patient_ref) {
  model::Specimen s;
  s.id = ctx.stable_id("Specimen", spm);
  s.meta = ctx.meta();
  ctx.raw(spm, {spm.id(), 1});  // set id: position only
  if (!patient_ref.empty()) s.subject = model::Reference{patient_ref, "", {}, ""};
  read_identifiers(ctx, spm, s);
  s.type = to_codeable_concept(ctx, FieldRef{spm, 4});
  read_collection(ctx, spm, s);
  if (auto received = to_fhir_datetime(ctx, FieldRef{spm, 18})) s.received_time = *received;
  read_status(ctx, spm, s);
  read_role(ctx, spm);
  read_container(ctx, spm, s);
  for (std::size_t r = 1; r <= ctx.repetitions(spm, 14); ++r) {
    model::Annotation note;
    note.text = ctx.text(spm, FieldRef{spm, 14, r}.at());
    if (!note.text.empty()) s.note.push_back(std::move(note));
  }
  return s;
}

void set_collector(MappingContext& ctx, const Segment& obr,
                   std::vector<model::Specimen>& specimens) {
  if (specimens.empty()) return;
  auto collector = detail::to_person_reference(ctx, FieldRef{obr, 10});
  if (!collector) return;
  for (auto& s : specimens) {
    if (!s.collection) s.collection.emplace();
    s.collection->collector = *collector;
  }
}

}  // namespace hie::adapters::hl7v2
