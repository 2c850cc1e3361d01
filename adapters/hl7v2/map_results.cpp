// ORU^R01: OBR (+ NTE) → DiagnosticReport; OBX (+ NTE) → Observation (obx_mapper.cpp); SPM →
// Specimen (specimen_mapper.cpp).
//
// Decisions:
// - R4 DiagnosticReport has no note: NTE after OBR goes to DiagnosticReport.conclusion.
// - The SPM of an OBR group are its specimens: DiagnosticReport.specimen refers to each. An
//   Observation refers to the specimen whose SPM it follows (the OBX of a SPECIMEN group), else
//   to the group's only specimen; with several specimens and no SPM before it, to none
//   (Observation.specimen holds one, and guessing would be wrong).
// - The first specimen's collection time is the report's effective time when OBR-7/-8 gave none.
// - OBR-22 goes to issued only when it is a full instant (to the second, with an offset).

#include <vector>

#include "adapters/hl7v2/obx_mapper.hpp"
#include "adapters/hl7v2/order_fields.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"
#include "adapters/hl7v2/specimen_mapper.hpp"
#include "adapters/hl7v2/v2_types.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;

/// True when an OBR-22 / TS value is precise to the second: digits YYYYMMDDHHMMSS at least.
bool to_the_second(std::string_view raw) {
  std::size_t digits = 0;
  while (digits < raw.size() && raw[digits] >= '0' && raw[digits] <= '9') ++digits;
  return digits >= 14;
}

/// An OBX's Observation and the specimen (index in its group) whose SPM it follows, if any.
struct Result {
  model::Observation observation;
  std::optional<std::size_t> specimen;
};

struct Group {
  const Segment* obr = nullptr;
  model::DiagnosticReport report;
  std::vector<Result> results;
  std::vector<model::Specimen> specimens;
};

void map_obr(MappingContext& ctx, const Segment& obr, const std::string& patient_ref, model::DiagnosticReport& dr) {
  ctx.raw(obr, {obr.id(), 1});
  dr.id = ctx.stable_id("DiagnosticReport", obr);
  dr.meta = ctx.meta();
  if (auto placer = detail::to_order_identifier(ctx, FieldRef{obr, 2}, "PLAC")) dr.identifier.push_back(*placer);
  if (auto filler = detail::to_order_identifier(ctx, FieldRef{obr, 3}, "FILL")) dr.identifier.push_back(*filler);
  if (auto code = to_codeable_concept(ctx, FieldRef{obr, 4})) dr.code = *code;
  else {
    dr.code.text = "unknown";
    ctx.issue(Severity::error, "required", ctx.location(obr, {obr.id(), 4}),
              "OBR-4 (universal service identifier) missing: DiagnosticReport.code set to text 'unknown'");
  }
  dr.category.push_back(laboratory_category());
  if (!patient_ref.empty()) dr.subject = model::Reference{patient_ref, "", {}, ""};
  auto start = to_fhir_datetime(ctx, FieldRef{obr, 7});
  auto end = to_fhir_datetime(ctx, FieldRef{obr, 8});
  if (start && end) dr.effective = model::Period{*start, *end};
  else if (start) dr.effective = model::DateTime{*start};
  else if (end) dr.effective = model::Period{"", *end};
  const Address issued_at{obr.id(), 22, 1, 1};
  std::string_view issued_raw = raw_value(obr, ctx.delimiters(), issued_at);
  if (auto issued = to_fhir_datetime(ctx, FieldRef{obr, 22})) {
    const bool has_offset = issued_raw.find_first_of("+-") != std::string_view::npos ||
                            !ctx.context().default_utc_offset.empty();
    if (to_the_second(issued_raw) && has_offset && issued->find('T') != std::string::npos) dr.issued = *issued;
    else
      ctx.issue(Severity::warning, "value", ctx.location(obr, issued_at),
                "OBR-22 is not precise to the second with an offset: DiagnosticReport.issued (instant) not set");
  }
  dr.status = result_status(ctx.text(obr, {obr.id(), 25}));
}

/// Links a finished group: report → specimens and results, results → their specimen.
void link_group(MappingContext& ctx, Group& g) {
  set_collector(ctx, *g.obr, g.specimens);
  for (const auto& specimen : g.specimens) {
    g.report.specimen.push_back(reference_to(specimen));
    const bool collected = specimen.collection && !std::holds_alternative<std::monostate>(specimen.collection->collected);
    if (collected && std::holds_alternative<std::monostate>(g.report.effective))
      g.report.effective = specimen.collection->collected;
  }
  for (auto& r : g.results) {
    auto specimen = r.specimen;
    if (!specimen && g.specimens.size() == 1) specimen = 0;
    if (specimen) r.observation.specimen = reference_to(g.specimens[*specimen]);
    g.report.result.push_back(reference_to(r.observation));
  }
}

}  // namespace

void map_results(MappingContext& ctx, const std::string& patient_ref) {
  std::vector<Group> groups;
  std::vector<Result> loose;  // OBX before any OBR
  enum class Last { none, obr, obx } last = Last::none;
  for (const auto& segment : ctx.message().segments()) {
    const std::string_view id = segment.id();
    if (id == "OBR") {
      groups.emplace_back();
      groups.back().obr = &segment;
      map_obr(ctx, segment, patient_ref, groups.back().report);
      last = Last::obr;
    } else if (id == "OBX") {
      auto obs = map_obx(ctx, segment, patient_ref, true);
      if (obs) {
        std::optional<std::size_t> specimen;
        if (!groups.empty() && !groups.back().specimens.empty()) specimen = groups.back().specimens.size() - 1;
        (groups.empty() ? loose : groups.back().results).push_back({std::move(*obs), specimen});
      }
      last = obs ? Last::obx : Last::none;
    } else if (id == "NTE") {
      if (last == Last::obx) {
        auto& into = groups.empty() ? loose : groups.back().results;
        add_nte_note(ctx, segment, into.back().observation);
      } else if (last == Last::obr) {
        std::string text = nte_text(ctx, segment);
        auto& conclusion = groups.back().report.conclusion;
        if (!text.empty()) conclusion += (conclusion.empty() ? "" : "\n") + text;
      }
    } else if (id == "SPM") {
      // An SPM before any OBR belongs to no report: left to the unused-input report.
      if (!groups.empty()) groups.back().specimens.push_back(map_spm(ctx, segment, patient_ref));
      last = Last::none;
    } else if (id != "PRT" && id != "TQ1" && id != "TQ2" && id != "CTI" && id != "CTD") {
      last = Last::none;
    }
  }
  auto& resources = ctx.out().resources;
  for (auto& r : loose) resources.emplace_back(std::move(r.observation));
  for (auto& g : groups) {
    link_group(ctx, g);
    resources.emplace_back(std::move(g.report));
    for (auto& specimen : g.specimens) resources.emplace_back(std::move(specimen));
    for (auto& r : g.results) resources.emplace_back(std::move(r.observation));
  }
}

void map_observations(MappingContext& ctx, const std::string& patient_ref) {
  std::vector<model::Observation> observations;
  bool after_obx = false;
  for (const auto& segment : ctx.message().segments()) {
    const std::string_view id = segment.id();
    if (id == "OBX") {
      auto obs = map_obx(ctx, segment, patient_ref, false);
      if (obs) observations.push_back(std::move(*obs));
      after_obx = obs.has_value();
    } else if (id == "NTE" && after_obx) {
      add_nte_note(ctx, segment, observations.back());
    } else {
      after_obx = false;
    }
  }
  for (auto& obs : observations) ctx.out().resources.emplace_back(std::move(obs));
}

}  // namespace hie::adapters::hl7v2
