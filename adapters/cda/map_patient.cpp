// recordTarget/patientRole → Patient: ids, addresses, telecoms, names, gender, birthTime (at its
// precision), deceased (sdtc), marital status, languages, guardians, provider organization.

#include "adapters/cda/section_mappers.hpp"
#include "adapters/text_encoding.hpp"
#include "broker/model/patient.hpp"

namespace hie::adapters::cda {
namespace {

std::string gender_of(Node code) {
  const std::string c = attribute(code, "code");
  if (c == "M") return "male";
  if (c == "F") return "female";
  if (c == "UN") return "other";  // undifferentiated
  if (c.empty() && !null_flavor(code).empty()) return "unknown";
  return {};
}

void map_guardian(CdaContext& ctx, Node guardian, model::Patient& p) {
  ctx.visit(guardian);
  model::PatientContact contact;
  if (auto relationship = to_concept(ctx, ctx.child(guardian, "code")))
    contact.relationship.push_back(*relationship);
  for (Node c = guardian.first_child(); c; c = c.next_sibling()) {
    if (ctx.is(c, "addr") && !contact.address)
      contact.address = to_address(ctx, c);
    else if (ctx.is(c, "telecom")) {
      if (auto t = to_telecom(ctx, c)) contact.telecom.push_back(*t);
    }
  }
  if (Node person = ctx.child(guardian, "guardianPerson")) {
    ctx.visit(person);
    contact.name = to_name(ctx, ctx.child(person, "name"));
  }
  if (!contact.relationship.empty() || contact.name || contact.address || !contact.telecom.empty())
    p.contact.push_back(std::move(contact));
}

void map_language(CdaContext& ctx, Node language, model::Patient& p) {
  ctx.visit(language);
  Node code = ctx.take(language, "languageCode");
  const std::string tag = attribute(code, "code");
  if (tag.empty()) return;
  model::PatientCommunication c;
  c.language = concept_of("urn:ietf:bcp:47", tag, "");
  if (Node preferred = ctx.take(language, "preferenceInd")) {
    const std::string v = attribute(preferred, "value");
    if (v == "true" || v == "false") c.preferred = v == "true";
  }
  p.communication.push_back(std::move(c));
}

void map_person(CdaContext& ctx, Node patient, model::Patient& p) {
  ctx.visit(patient);
  for (Node c = patient.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view what = ctx.local_name(c);
    if (what == "name") {
      if (auto n = to_name(ctx, c)) p.name.push_back(*n);
    } else if (what == "administrativeGenderCode") {
      p.gender = gender_of(c);
      if (!p.gender.empty() || attribute(c, "code").empty()) ctx.use(c);
    } else if (what == "birthTime") {
      p.birth_date = to_date(ctx, c).value_or("");
    } else if (what == "maritalStatusCode") {
      p.marital_status = to_concept(ctx, c);
    } else if (what == "languageCommunication") {
      map_language(ctx, c, p);
    } else if (what == "guardian") {
      map_guardian(ctx, c, p);
    } else if (c.name() == std::string_view("sdtc:deceasedInd")) {
      const std::string v = attribute(c, "value");
      if (v == "true" || v == "false") {
        if (std::holds_alternative<std::monostate>(p.deceased)) p.deceased = v == "true";
        ctx.use(c);
      }
    } else if (c.name() == std::string_view("sdtc:deceasedTime")) {
      if (auto when = to_datetime(ctx, c)) p.deceased = model::DateTime{*when};
    }
  }
}

}  // namespace

bool map_patient(CdaContext& ctx) {
  bool first = true;
  for (Node target = ctx.child(ctx.root(), "recordTarget"); target;
       target = target.next_sibling()) {
    if (!ctx.is(target, "recordTarget")) continue;
    ctx.visit(target);
    Node role = ctx.child(target, "patientRole");
    if (!role) continue;
    ctx.visit(role);
    model::Patient p;
    p.id = ctx.stable_id("Patient", role);
    p.meta = ctx.meta();
    p.identifier = identifiers(ctx, role);
    for (Node c = role.first_child(); c; c = c.next_sibling()) {
      if (ctx.is(c, "addr")) {
        if (auto a = to_address(ctx, c)) p.address.push_back(*a);
      } else if (ctx.is(c, "telecom")) {
        if (auto t = to_telecom(ctx, c)) p.telecom.push_back(*t);
      }
    }
    if (Node patient = ctx.child(role, "patient")) map_person(ctx, patient, p);
    if (Node org = ctx.child(role, "providerOrganization")) {
      // The organization is its own role here: name and id directly inside it.
      ctx.visit(org);
      model::Reference r;
      r.type = "Organization";
      if (Node name = ctx.take(org, "name")) r.display = to_valid_utf8(collapsed_text(name));
      for (auto& id : identifiers(ctx, org)) {
        if (!r.identifier) r.identifier = id;
      }
      if (!r.display.empty() || r.identifier) p.managing_organization = r;
    }
    if (first) ctx.set_patient_reference("Patient/" + p.id);
    first = false;
    emit(ctx, std::move(p));
  }
  return !first;
}

}  // namespace hie::adapters::cda
