// Medications: Medication Activity → MedicationStatement (status from statusCode, moodCode and
// negationInd; the drug from consumable/manufacturedProduct/manufacturedMaterial/code; effective
// from the first effectiveTime; dosage text, route and dose quantity). Immunizations:
// Immunization Activity → Immunization (completed, or not-done when negationInd is true; CVX
// vaccineCode; occurrenceDateTime; lot number, manufacturer, route, site, dose quantity).

#include "adapters/cda/section_mappers.hpp"
#include "adapters/text_encoding.hpp"
#include "broker/model/medication.hpp"

namespace hie::adapters::cda {
namespace {

using model::Severity;

/// consumable/manufacturedProduct: the material's code (with its name as text when uncoded),
/// plus lot number and manufacturer for vaccines.
struct Product {
  std::optional<model::CodeableConcept> code;
  std::string lot_number;
  std::string manufacturer;
};

Product read_product(CdaContext& ctx, Node administration) {
  Product out;
  Node consumable = ctx.child(administration, "consumable");
  Node product = ctx.child(consumable, "manufacturedProduct");
  if (!product) return out;
  ctx.visit(consumable);
  ctx.visit(product);
  identifiers(ctx, product);  // the product record's own id: not an identifier of the statement
  Node material = ctx.child(product, "manufacturedMaterial");
  ctx.visit(material);
  out.code = to_concept(ctx, ctx.child(material, "code"));
  if (Node name = ctx.take(material, "name")) {
    std::string text = to_valid_utf8(collapsed_text(name));
    if (!out.code)
      out.code = model::CodeableConcept{{}, text};
    else if (out.code->text.empty())
      out.code->text = text;
  }
  if (Node lot = ctx.take(material, "lotNumberText"))
    out.lot_number = to_valid_utf8(collapsed_text(lot));
  if (Node org = ctx.child(product, "manufacturerOrganization")) {
    ctx.visit(org);
    if (Node name = ctx.take(org, "name")) out.manufacturer = to_valid_utf8(collapsed_text(name));
  }
  return out;
}

std::string medication_status(std::string_view status, std::string_view mood, bool negated) {
  if (negated) return "not-taken";
  // statusCode first: medication lists send prescriptions as moodCode INT with a real status.
  if (status == "active") return "active";
  if (status == "completed") return "completed";
  if (status == "aborted") return "stopped";
  if (status == "suspended" || status == "held") return "on-hold";
  if (status == "nullified") return "entered-in-error";
  if (status == "cancelled") return "not-taken";
  if (mood == "INT" || mood == "RQO" || mood == "PRP") return "intended";
  return "unknown";
}

}  // namespace

void map_medication_entry(CdaContext& ctx, Node sa) {
  ctx.visit(sa);
  model::MedicationStatement m;
  m.id = ctx.stable_id("MedicationStatement", sa);
  m.meta = ctx.meta();
  m.identifier = identifiers(ctx, sa);
  m.subject = ctx.patient();
  const bool negated = std::string_view(sa.attribute("negationInd").value()) == "true";
  m.status = medication_status(status_code(ctx, sa), sa.attribute("moodCode").value(), negated);
  Product product = read_product(ctx, sa);
  if (product.code)
    m.medication = *product.code;
  else
    m.medication = concept_of("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown",
                              "Unknown");

  bool first_time = true;
  for (Node t = ctx.child(sa, "effectiveTime"); t; t = t.next_sibling()) {
    if (!ctx.is(t, "effectiveTime")) continue;
    const std::string_view type = xsi_type(t);
    if (first_time && (type.empty() || type == "IVL_TS" || type == "TS")) {
      auto effective = to_effective(ctx, t);
      if (auto* dt = std::get_if<model::DateTime>(&effective))
        m.effective = *dt;
      else if (auto* p = std::get_if<model::Period>(&effective))
        m.effective = *p;
    } else {
      ctx.not_mapped(t, "dosing frequency (" + std::string(type.substr(0, 16)) +
                            ") is not mapped: Dosage.timing is not held");
    }
    first_time = false;
  }

  model::Dosage dosage;
  dosage.text = entry_text(ctx, ctx.child(sa, "text"));
  dosage.route = to_concept(ctx, ctx.child(sa, "routeCode"));
  dosage.site = to_concept(ctx, ctx.child(sa, "approachSiteCode"));
  if (auto dose = to_quantity(ctx, ctx.child(sa, "doseQuantity"))) {
    model::DosageDoseAndRate dr;
    dr.dose = *dose;
    dosage.dose_and_rate.push_back(dr);
  }
  if (dosage != model::Dosage{}) m.dosage.push_back(std::move(dosage));
  for_each_related(ctx, sa, "entryRelationship", "RSON", [&](Node indication) {
    ctx.visit(indication);
    ctx.use(ctx.child(indication, "code"));
    status_code(ctx, indication);
    identifiers(ctx, indication);
    if (auto reason = to_concept(ctx, ctx.child(indication, "value")))
      m.reason_code.push_back(*reason);
    ctx.use(ctx.child(indication, "effectiveTime"));
  });
  emit(ctx, std::move(m));
}

void map_immunization_entry(CdaContext& ctx, Node sa) {
  const std::string_view mood = sa.attribute("moodCode").value();
  if (mood != "EVN" && !mood.empty()) {
    ctx.not_mapped(sa.parent(), "planned immunization (moodCode " + std::string(mood.substr(0, 8)) +
                                    ") is not mapped: kept only in the attached document");
    return;
  }
  ctx.visit(sa);
  model::Immunization im;
  im.id = ctx.stable_id("Immunization", sa);
  im.meta = ctx.meta();
  im.identifier = identifiers(ctx, sa);
  im.patient = ctx.patient();
  const bool negated = std::string_view(sa.attribute("negationInd").value()) == "true";
  const std::string status = status_code(ctx, sa);
  im.status = negated ? "not-done" : status == "nullified" ? "entered-in-error" : "completed";
  Product product = read_product(ctx, sa);
  im.vaccine_code = product.code
                        ? *product.code
                        : concept_of("http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                     "unknown", "Unknown");
  im.lot_number = product.lot_number;
  if (!product.manufacturer.empty()) {
    model::Reference r;
    r.display = product.manufacturer;
    r.type = "Organization";
    im.manufacturer = r;
  }
  Node effective = ctx.child(sa, "effectiveTime");
  auto when = to_effective(ctx, effective);
  if (auto* dt = std::get_if<model::DateTime>(&when)) {
    im.occurrence = *dt;
  } else if (auto* p = std::get_if<model::Period>(&when)) {
    im.occurrence = model::DateTime{p->start.empty() ? p->end : p->start};
  } else {
    im.occurrence = std::string("unknown");
    ctx.issue(Severity::warning, "required", ctx.location(sa),
              "immunization without a date: occurrenceString 'unknown' written (FHIR needs an "
              "occurrence)");
  }
  im.route = to_concept(ctx, ctx.child(sa, "routeCode"));
  im.site = to_concept(ctx, ctx.child(sa, "approachSiteCode"));
  im.dose_quantity = to_quantity(ctx, ctx.child(sa, "doseQuantity"));
  ctx.use(ctx.child(sa, "text"));
  for_each_related(ctx, sa, "entryRelationship", "RSON", [&](Node reason) {
    // Immunization Refusal Reason (22.4.53) explains a not-done; Indication (22.4.19) a done one.
    ctx.visit(reason);
    ctx.use(ctx.child(reason, "code"));
    status_code(ctx, reason);
    identifiers(ctx, reason);
    Node value = has_template(ctx, reason, "2.16.840.1.113883.10.20.22.4.53")
                     ? ctx.child(reason, "code")
                     : ctx.child(reason, "value");
    if (auto cc = to_concept(ctx, value)) {
      if (negated && !im.status_reason)
        im.status_reason = *cc;
      else
        im.reason_code.push_back(*cc);
    }
  });
  emit(ctx, std::move(im));
}

}  // namespace hie::adapters::cda
