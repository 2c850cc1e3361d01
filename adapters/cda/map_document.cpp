// The ClinicalDocument itself → DocumentReference: the XML as received, attached in base64
// (application/xml, IHE format code), its type code, id, title, date, confidentiality, authors,
// custodian, legal authenticator, service event and related documents; an unstructured body
// (nonXMLBody) as a second attachment. componentOf/encompassingEncounter → Encounter.

#include "adapters/cda/section_mappers.hpp"
#include "adapters/text_encoding.hpp"
#include "broker/model/document.hpp"
#include "broker/model/formats.hpp"
#include "broker/model/patient.hpp"

namespace hie::adapters::cda {
namespace {

using model::Severity;

constexpr std::string_view kFormatSystem =
    "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode";

/// nonXMLBody/text: embedded data (B64 or plain text) or a reference to a file elsewhere.
std::optional<model::Attachment> unstructured_body(CdaContext& ctx, Node body) {
  ctx.visit(body);
  Node text = ctx.take(body, "text");
  if (!text) return std::nullopt;
  model::Attachment a;
  a.content_type = attribute(text, "mediaType");
  if (Node ref = ctx.child(text, "reference")) {
    // A file elsewhere: its type is whatever mediaType says (no guessing from the name).
    a.url = attribute(ref, "value");
    return a.url.empty() ? std::nullopt : std::optional(a);
  }
  if (a.content_type.empty()) a.content_type = "text/plain";  // the CDA default for ED
  std::string data;
  for (Node c = text.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) data += c.value();
  if (attribute(text, "representation") == "B64") {
    std::erase_if(data, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
    if (!model::is_base64(data, model::Base64Rule::strict)) {
      ctx.issue(Severity::error, "value", ctx.location(text),
                "nonXMLBody data is not valid base64: not mapped");
      return std::nullopt;
    }
    a.data = data;
  } else {
    if (data.empty()) return std::nullopt;
    a.data = base64_encode(data);
  }
  return a;
}

std::string map_encompassing_encounter(CdaContext& ctx, Node component_of) {
  ctx.visit(component_of);
  Node ee = ctx.child(component_of, "encompassingEncounter");
  if (!ee) return {};
  ctx.visit(ee);
  model::Encounter e;
  e.id = ctx.stable_id("Encounter", ee);
  e.meta = ctx.meta();
  e.identifier = identifiers(ctx, ee);
  e.subject = ctx.patient();
  e.period = to_period(ctx, ctx.child(ee, "effectiveTime"));
  e.status = e.period && !e.period->end.empty() ? "finished" : "unknown";
  e.class_ = {"http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "", "UNK", "unknown",
              std::nullopt};
  if (auto code = to_concept(ctx, ctx.child(ee, "code"))) {
    for (const auto& c : code->coding)
      if (c.system == "http://terminology.hl7.org/CodeSystem/v3-ActCode") e.class_ = c;
    e.type.push_back(*code);
  }
  if (auto disposition = to_concept(ctx, ctx.child(ee, "dischargeDispositionCode"))) {
    model::EncounterHospitalization h;
    h.discharge_disposition = *disposition;
    e.hospitalization = h;
  }
  if (Node location = ctx.child(ee, "location")) {
    ctx.visit(location);
    if (Node facility = ctx.child(location, "healthCareFacility")) {
      ctx.visit(facility);
      model::EncounterLocation l;
      l.location.type = "Location";
      for (auto& id : identifiers(ctx, facility))
        if (!l.location.identifier) l.location.identifier = id;
      if (Node place = ctx.child(facility, "location")) {
        ctx.visit(place);
        if (Node name = ctx.take(place, "name"))
          l.location.display = to_valid_utf8(collapsed_text(name));
      }
      if (!l.location.display.empty() || l.location.identifier) e.location.push_back(std::move(l));
    }
  }
  std::string reference = "Encounter/" + e.id;
  emit(ctx, std::move(e));
  return reference;
}

}  // namespace

void map_document(CdaContext& ctx, std::string_view original) {
  Node root = ctx.root();
  model::DocumentReference d;
  d.id = ctx.stable_id("DocumentReference", root);
  d.meta = ctx.meta();
  d.status = "current";
  d.master_identifier = to_identifier(ctx, ctx.child(root, "id"));
  if (auto set_id = to_identifier(ctx, ctx.child(root, "setId"))) d.identifier.push_back(*set_id);
  d.type = to_concept(ctx, ctx.child(root, "code"));
  if (!ctx.patient_reference().empty()) d.subject = ctx.patient();
  if (Node title = ctx.take(root, "title")) d.description = to_valid_utf8(collapsed_text(title));
  const auto created = to_datetime(ctx, ctx.child(root, "effectiveTime"));
  if (created && model::is_instant(*created)) d.date = *created;
  if (auto confidentiality = to_concept(ctx, ctx.child(root, "confidentialityCode")))
    d.security_label.push_back(*confidentiality);

  for (Node c = root.first_child(); c; c = c.next_sibling()) {
    if (ctx.is(c, "author")) {
      ctx.visit(c);
      if (auto r = role_reference(ctx, ctx.child(c, "assignedAuthor"))) d.author.push_back(*r);
    } else if (ctx.is(c, "custodian")) {
      ctx.visit(c);
      Node assigned = ctx.child(c, "assignedCustodian");
      ctx.visit(assigned);
      Node org = ctx.child(assigned, "representedCustodianOrganization");
      if (org) {
        // The custodian organization holds its own id and name.
        ctx.visit(org);
        model::Reference r;
        r.type = "Organization";
        if (Node name = ctx.take(org, "name")) r.display = to_valid_utf8(collapsed_text(name));
        for (auto& id : identifiers(ctx, org))
          if (!r.identifier) r.identifier = id;
        if (!r.display.empty() || r.identifier) d.custodian = r;
      }
    } else if (ctx.is(c, "legalAuthenticator")) {
      ctx.visit(c);
      d.authenticator = role_reference(ctx, ctx.child(c, "assignedEntity"));
    } else if (ctx.is(c, "relatedDocument")) {
      const std::string type = attribute(c, "typeCode");
      const std::string code = type == "RPLC"   ? "replaces"
                               : type == "APND" ? "appends"
                               : type == "XFRM" ? "transforms"
                                                : "";
      Node parent = ctx.child(c, "parentDocument");
      if (code.empty() || !parent) continue;
      ctx.visit(c);
      ctx.visit(parent);
      model::DocumentReferenceRelatesTo rel;
      rel.code = code;
      if (auto id = to_identifier(ctx, ctx.child(parent, "id"))) rel.target.identifier = *id;
      if (rel.target.identifier) d.relates_to.push_back(std::move(rel));
    }
  }

  model::DocumentReferenceContent xml;
  xml.attachment.content_type = "application/xml";
  xml.attachment.data = base64_encode(original);
  xml.attachment.title = d.description;
  if (created) xml.attachment.creation = *created;
  if (Node language = ctx.take(root, "languageCode"))
    xml.attachment.language = attribute(language, "code");
  Node component = ctx.child(root, "component");
  Node body = ctx.child(component, "nonXMLBody");
  xml.format = model::Coding{
      std::string(kFormatSystem), "",
      body ? "urn:hl7-org:sdwg:ccda-nonXMLBody:2.1" : "urn:hl7-org:sdwg:ccda-structuredBody:2.1",
      "", std::nullopt};
  d.content.push_back(std::move(xml));
  if (body) {
    ctx.visit(component);
    if (auto a = unstructured_body(ctx, body)) {
      model::DocumentReferenceContent content;
      content.attachment = *a;
      d.content.push_back(std::move(content));
    }
  }

  model::DocumentReferenceContext context;
  if (Node documentation = ctx.child(root, "documentationOf")) {
    ctx.visit(documentation);
    if (Node event = ctx.child(documentation, "serviceEvent")) {
      ctx.visit(event);
      if (auto code = to_concept(ctx, ctx.child(event, "code"))) context.event.push_back(*code);
      context.period = to_period(ctx, ctx.child(event, "effectiveTime"));
    }
  }
  if (Node component_of = ctx.child(root, "componentOf")) {
    std::string encounter = map_encompassing_encounter(ctx, component_of);
    if (!encounter.empty()) {
      model::Reference r;
      r.reference = encounter;
      context.encounter.push_back(r);
    }
  }
  if (!ctx.patient_reference().empty()) context.source_patient_info = ctx.patient();
  if (context != model::DocumentReferenceContext{}) d.context = context;
  emit(ctx, std::move(d));
}

}  // namespace hie::adapters::cda
