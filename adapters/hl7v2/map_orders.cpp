// ORM^O01 / OML^O21: ORC + OBR (+ TQ1, NTE) → ServiceRequest; the order's OBX → Observation
// (obx_mapper.cpp) and its SPM → Specimen (specimen_mapper.cpp).
//
// Each OBR makes one ServiceRequest, with the ORC before it (if any) and the TQ1 of the same
// order group. An ORC without an OBR (a pharmacy order with RXO, a bare cancel) makes none: it is
// left for the unused-input report. Placer and filler numbers come from ORC-2/ORC-3, or from
// OBR-2/OBR-3 when the ORC has none (the OBR copy is then marked used only when it is the same
// number, otherwise it is kept as an extra identifier).
//
// The OBX after an OBR are answers to ask-at-order-entry questions, prior results, or (after an
// SPM) observations of the specimen: each becomes an Observation (no laboratory category: they
// are not this order's results) listed in ServiceRequest.supportingInfo, and one that follows
// an SPM refers to that Specimen. OBX outside an OBR's group (before any OBR, or after an ORC
// still waiting for its OBR) still become Observations, referred to by no order. The SPM after an OBR are the order's specimens (ServiceRequest.specimen, and
// Specimen.request back); OBR-10 is their collector. NTE after the OBR is ServiceRequest.note.

#include <optional>
#include <vector>

#include "adapters/hl7v2/obx_mapper.hpp"
#include "adapters/hl7v2/order_fields.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"
#include "adapters/hl7v2/specimen_mapper.hpp"
#include "adapters/hl7v2/v2_types.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;

/// ORC-5 order status (table 0038), else ORC-1 order control (table 0119).
std::string order_status(std::string_view status, std::string_view control) {
  if (!status.empty()) {
    if (status == "A" || status == "IP" || status == "SC") return "active";
    if (status == "CM") return "completed";
    if (status == "CA" || status == "DC") return "revoked";
    if (status == "HD") return "on-hold";
    return "active";
  }
  if (control == "CA" || control == "OC" || control == "DC" || control == "OD") return "revoked";
  if (control == "HD" || control == "OH") return "on-hold";
  return "active";
}

std::string priority(std::string_view code) {
  if (code == "S") return "stat";
  if (code == "A") return "asap";
  if (code == "R") return "routine";
  return {};
}

/// An OBX of an order, the NTE after it and the SPM (index in the order's) it follows, if any.
struct OrderObservation {
  const Segment* obx = nullptr;
  std::vector<const Segment*> notes;
  std::optional<std::size_t> specimen;
};

struct Order {
  const Segment* orc = nullptr;
  const Segment* obr = nullptr;
  const Segment* tq1 = nullptr;
  std::vector<const Segment*> notes;  // NTE after the OBR
  std::vector<const Segment*> specimens;
  std::vector<OrderObservation> observations;
};

void add_identifier(std::vector<model::Identifier>& ids, std::optional<model::Identifier> id) {
  if (!id) return;
  for (const auto& existing : ids)
    if (existing.value == id->value && existing.system == id->system && existing.type == id->type) return;
  ids.push_back(std::move(*id));
}

void set_priority(MappingContext& ctx, const Segment& segment, const Address& at, model::ServiceRequest& sr) {
  std::string code = ctx.text(segment, at);
  if (code.empty() || !sr.priority.empty()) return;
  sr.priority = priority(code);
  if (sr.priority.empty())
    ctx.issue(Severity::warning, "code-invalid", ctx.location(segment, at),
              "priority '" + code + "' has no FHIR request-priority: dropped");
}

model::ServiceRequest map_order(MappingContext& ctx, const Order& o, const std::string& patient_ref) {
  model::ServiceRequest sr;
  const Segment& obr = *o.obr;
  sr.id = ctx.stable_id("ServiceRequest", obr);
  sr.meta = ctx.meta();
  sr.intent = "order";
  if (!patient_ref.empty()) sr.subject.reference = patient_ref;
  else
    ctx.issue(Severity::error, "required", ctx.location(obr, {obr.id(), 0}),
              "no patient in the message: ServiceRequest.subject (required) is empty");

  std::string control, status;
  if (o.orc) {
    const Segment& orc = *o.orc;
    control = ctx.text(orc, {orc.id(), 1});
    status = ctx.text(orc, {orc.id(), 5});
    add_identifier(sr.identifier, detail::to_order_identifier(ctx, FieldRef{orc, 2}, "PLAC"));
    add_identifier(sr.identifier, detail::to_order_identifier(ctx, FieldRef{orc, 3}, "FILL"));
    if (auto when = to_fhir_datetime(ctx, FieldRef{orc, 9})) sr.authored_on = *when;
    if (auto who = detail::to_person_reference(ctx, FieldRef{orc, 12})) sr.requester = *who;
    else ctx.raw(orc, {orc.id(), 12});
    if (ctx.repetitions(orc, 12) > 1)
      ctx.issue(Severity::warning, "not-supported", ctx.location(orc, {orc.id(), 12, 2}),
                "ServiceRequest has one requester: ORC-12 repetitions after the first are not mapped");
  }
  sr.status = order_status(status, control);

  ctx.raw(obr, {obr.id(), 1});  // set id: position only
  add_identifier(sr.identifier, detail::to_order_identifier(ctx, FieldRef{obr, 2}, "PLAC"));
  add_identifier(sr.identifier, detail::to_order_identifier(ctx, FieldRef{obr, 3}, "FILL"));
  if (auto code = to_codeable_concept(ctx, FieldRef{obr, 4})) sr.code = *code;
  if (auto when = to_fhir_datetime(ctx, FieldRef{obr, 7})) sr.occurrence = model::DateTime{*when};
  if (!sr.requester) {  // OBR-16 ordering provider, when ORC-12 gave none
    if (auto who = detail::to_person_reference(ctx, FieldRef{obr, 16})) sr.requester = *who;
  }

  if (o.tq1) set_priority(ctx, *o.tq1, {o.tq1->id(), 9, 1, 1}, sr);
  set_priority(ctx, obr, {obr.id(), 27, 1, 6}, sr);
  if (o.orc && sr.priority.empty()) set_priority(ctx, *o.orc, {o.orc->id(), 7, 1, 6}, sr);
  return sr;
}

/// An order's OBX, with the notes after it, as an Observation; `specimens` are the order's.
std::optional<model::Observation> map_order_observation(MappingContext& ctx, const OrderObservation& o,
                                                        const std::vector<model::Specimen>& specimens,
                                                        const std::string& patient_ref) {
  auto obs = map_obx(ctx, *o.obx, patient_ref, false);
  if (!obs) return std::nullopt;
  for (const Segment* nte : o.notes) add_nte_note(ctx, *nte, *obs);
  if (o.specimen) obs->specimen = reference_to(specimens[*o.specimen]);
  return obs;
}

/// One order's resources: the ServiceRequest, then its specimens and observations.
void emit_order(MappingContext& ctx, const Order& o, const std::string& patient_ref) {
  model::ServiceRequest sr = map_order(ctx, o, patient_ref);
  for (const Segment* nte : o.notes) add_nte_note(ctx, *nte, sr);
  std::vector<model::Specimen> specimens;
  for (const Segment* spm : o.specimens) {
    specimens.push_back(map_spm(ctx, *spm, patient_ref));
    specimens.back().request.push_back(reference_to(sr));
    sr.specimen.push_back(reference_to(specimens.back()));
  }
  set_collector(ctx, *o.obr, specimens);
  std::vector<model::Observation> observations;
  for (const auto& entry : o.observations) {
    if (auto obs = map_order_observation(ctx, entry, specimens, patient_ref)) {
      sr.supporting_info.push_back(reference_to(*obs));
      observations.push_back(std::move(*obs));
    }
  }
  auto& resources = ctx.out().resources;
  resources.emplace_back(std::move(sr));
  for (auto& specimen : specimens) resources.emplace_back(std::move(specimen));
  for (auto& obs : observations) resources.emplace_back(std::move(obs));
}

}  // namespace

void map_orders(MappingContext& ctx, const std::string& patient_ref) {
  std::vector<Order> orders;
  std::vector<OrderObservation> loose;  // OBX outside any OBR's group
  Order pending;  // the ORC (and TQ1) waiting for its OBR
  bool pending_used = false;
  enum class Last { none, obr, obx } last = Last::none;
  for (const auto& segment : ctx.message().segments()) {
    const std::string_view id = segment.id();
    // Where the OBX, NTE and SPM of the current OBR go; none after an ORC still waiting for one.
    Order* current = pending_used && !orders.empty() ? &orders.back() : nullptr;
    if (id == "ORC") {
      pending = Order{};
      pending.orc = &segment;
      pending_used = false;
      last = Last::none;
    } else if (id == "TQ1") {
      if (pending.tq1 == nullptr) pending.tq1 = &segment;
      if (current != nullptr && current->tq1 == nullptr) current->tq1 = &segment;
    } else if (id == "OBR") {
      Order o = pending;
      if (pending_used) o = Order{};  // a second OBR without its own ORC
      o.obr = &segment;
      orders.push_back(o);
      pending_used = true;
      last = Last::obr;
    } else if (id == "OBX") {
      OrderObservation entry{&segment, {}, std::nullopt};
      if (current != nullptr && !current->specimens.empty()) entry.specimen = current->specimens.size() - 1;
      (current != nullptr ? current->observations : loose).push_back(entry);
      last = Last::obx;
    } else if (id == "NTE") {
      if (last == Last::obx) (current != nullptr ? current->observations : loose).back().notes.push_back(&segment);
      else if (last == Last::obr && current != nullptr) current->notes.push_back(&segment);
    } else if (id == "SPM") {
      if (current != nullptr) current->specimens.push_back(&segment);  // else: reported as not mapped
      last = Last::none;
    } else {
      last = Last::none;
    }
  }
  for (const auto& o : orders) emit_order(ctx, o, patient_ref);
  for (const auto& entry : loose)
    if (auto obs = map_order_observation(ctx, entry, {}, patient_ref)) ctx.out().resources.emplace_back(std::move(*obs));
}

}  // namespace hie::adapters::hl7v2
