// PID (+ PD1, NK1, MRG) → Patient.

#include "adapters/hl7v2/segment_mappers.hpp"
#include "adapters/hl7v2/v2_types.hpp"
#include "broker/model/patient.hpp"

namespace hie::adapters::hl7v2 {
namespace {


using model::Severity;

std::string_view gender_of(std::string_view code) {
  if (code == "M") return "male";
  if (code == "F") return "female";
  if (code == "O" || code == "A") return "other";
  if (code == "U" || code == "N") return "unknown";
  return {};
}

/// XCN / XON as a display-only reference with the identifier when one is given.
model::Reference person_or_org_reference(MappingContext& ctx, const FieldRef& ref, bool organization) {
  model::Reference r;
  if (organization) {
    r.display = ctx.text(ref.segment, ref.at(1));
    std::string id = ctx.text(ref.segment, ref.at(10));
    if (id.empty()) id = ctx.text(ref.segment, ref.at(3));
    if (!id.empty()) {
      model::Identifier identifier;
      identifier.value = id;
      identifier.system = "urn:hiebroker:" + urn_safe(ctx.context().exchange_id) + ":organization";
      r.identifier = identifier;
    }
    r.type = "Organization";
  } else {
    std::string id = ctx.text(ref.segment, ref.at(1));
    std::string family = ctx.text(ref.segment, ref.at(2, 1));
    ctx.raw(ref.segment, ref.at(2));
    std::string given = ctx.text(ref.segment, ref.at(3));
    std::string prefix = ctx.text(ref.segment, ref.at(6));
    std::string authority = ctx.text(ref.segment, ref.at(9, 1));
    ctx.raw(ref.segment, ref.at(9));
    for (const auto& part : {prefix, given, family})
      if (!part.empty()) r.display += (r.display.empty() ? "" : " ") + part;
    if (!id.empty()) {
      model::Identifier identifier;
      identifier.value = id;
      identifier.system = "urn:hiebroker:" + urn_safe(ctx.context().exchange_id) + ":practitioner" +
                          (authority.empty() ? "" : ":" + urn_safe(authority));
      r.identifier = identifier;
    }
    r.type = "Practitioner";
  }
  return r;
}

void map_identifiers(MappingContext& ctx, const Segment& pid, model::Patient& p) {
  for (std::size_t field : {3u, 2u, 4u}) {
    for (std::size_t rep = 1; rep <= ctx.repetitions(pid, field); ++rep)
      if (auto id = to_identifier(ctx, {pid, field, rep})) p.identifier.push_back(*id);
  }
  if (p.identifier.empty())
    ctx.issue(Severity::warning, "required", ctx.location(pid, {pid.id(), 3}), "the patient has no identifier");
}

void map_demographics(MappingContext& ctx, const Segment& pid, model::Patient& p) {
  for (std::size_t rep = 1; rep <= ctx.repetitions(pid, 5); ++rep)
    if (auto name = to_human_name(ctx, {pid, 5, rep})) p.name.push_back(*name);
  if (auto birth = to_fhir_date(ctx, {pid, 7})) p.birth_date = *birth;
  if (std::string code = ctx.text(pid, {pid.id(), 8}); !code.empty()) {
    p.gender = std::string(gender_of(code));
    if (p.gender.empty())
      ctx.issue(Severity::warning, "code-invalid", ctx.location(pid, {pid.id(), 8}),
                "sex '" + code + "' is not in HL7 table 0001: dropped");
  }
  for (std::size_t rep = 1; rep <= ctx.repetitions(pid, 11); ++rep)
    if (auto address = to_address(ctx, {pid, 11, rep})) p.address.push_back(*address);
  for (std::size_t field : {13u, 14u})
    for (std::size_t rep = 1; rep <= ctx.repetitions(pid, field); ++rep)
      if (auto cp = to_contact_point(ctx, {pid, field, rep}, field == 14)) p.telecom.push_back(*cp);
  if (auto language = to_codeable_concept(ctx, {pid, 15})) p.communication.push_back({*language, std::nullopt});
  if (auto marital = to_codeable_concept(ctx, {pid, 16})) {
    for (auto& coding : marital->coding)
      if (coding.system.empty()) coding.system = "http://terminology.hl7.org/CodeSystem/v2-0002";
    p.marital_status = *marital;
  }
  std::string multiple = ctx.text(pid, {pid.id(), 24});
  std::string order = ctx.text(pid, {pid.id(), 25});
  if (!order.empty() && order.find_first_not_of("0123456789") == std::string::npos && order.size() < 6)
    p.multiple_birth = static_cast<std::int64_t>(std::stoi(order));
  else if (multiple == "Y" || multiple == "N")
    p.multiple_birth = multiple == "Y";
  if (auto death = to_fhir_datetime(ctx, {pid, 29})) p.deceased = model::DateTime{*death};
  else if (std::string dead = ctx.text(pid, {pid.id(), 30}); dead == "Y" || dead == "N") p.deceased = dead == "Y";
}

void map_primary_care(MappingContext& ctx, model::Patient& p) {
  const Segment* pd1 = ctx.message().find("PD1");
  if (!pd1) return;
  for (std::size_t rep = 1; rep <= ctx.repetitions(*pd1, 3); ++rep) {
    auto practice = person_or_org_reference(ctx, {*pd1, 3, rep}, true);
    if (!practice.display.empty() || practice.identifier) p.general_practitioner.push_back(practice);
  }
  for (std::size_t rep = 1; rep <= ctx.repetitions(*pd1, 4); ++rep) {
    auto gp = person_or_org_reference(ctx, {*pd1, 4, rep}, false);
    if (!gp.display.empty() || gp.identifier) p.general_practitioner.push_back(gp);
  }
}

void map_contacts(MappingContext& ctx, model::Patient& p) {
  for (const auto& segment : ctx.message().segments()) {
    if (segment.id() != "NK1") continue;
    model::PatientContact contact;
    if (auto name = to_human_name(ctx, {segment, 2})) contact.name = *name;
    for (std::size_t field : {3u, 7u})
      if (auto relationship = to_codeable_concept(ctx, {segment, field})) contact.relationship.push_back(*relationship);
    if (auto address = to_address(ctx, {segment, 4})) contact.address = *address;
    for (std::size_t field : {5u, 6u})
      for (std::size_t rep = 1; rep <= ctx.repetitions(segment, field); ++rep)
        if (auto cp = to_contact_point(ctx, {segment, field, rep}, field == 6)) contact.telecom.push_back(*cp);
    ctx.raw(segment, {segment.id(), 1});  // set id: position only
    if (contact.name || !contact.telecom.empty() || contact.address || !contact.relationship.empty())
      p.contact.push_back(std::move(contact));
  }
}

/// A40 and friends: every MRG names a record this patient replaces.
void map_merges(MappingContext& ctx, model::Patient& p) {
  for (const auto& segment : ctx.message().segments()) {
    if (segment.id() != "MRG") continue;
    for (std::size_t rep = 1; rep <= ctx.repetitions(segment, 1); ++rep) {
      auto prior = to_identifier(ctx, {segment, 1, rep});
      if (!prior) continue;
      model::PatientLink link;
      link.other.identifier = *prior;
      link.other.type = "Patient";
      link.type = "replaces";
      p.link.push_back(std::move(link));
    }
  }
}

}  // namespace

std::string map_patient(MappingContext& ctx) {
  const Segment* pid = ctx.message().find("PID");
  if (!pid) return {};
  model::Patient patient;
  patient.id = ctx.stable_id("Patient", *pid);
  patient.meta = ctx.meta();
  ctx.raw(*pid, {pid->id(), 1});  // set id: position only
  map_identifiers(ctx, *pid, patient);
  map_demographics(ctx, *pid, patient);
  map_primary_care(ctx, patient);
  map_contacts(ctx, patient);
  map_merges(ctx, patient);
  std::string reference = "Patient/" + patient.id;
  ctx.out().resources.emplace_back(std::move(patient));
  return reference;
}

}  // namespace hie::adapters::hl7v2
