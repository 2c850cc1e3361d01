// structuredBody → sections → entries. A section is recognised by its templateId (with or
// without the ".1" entries-required variant), else by its LOINC code; its entries go to the
// mapper of that kind. Entries of any other section are reported one by one, and a section
// with narrative only is noted: the narrative stays in the attached document.

#include <array>

#include "adapters/cda/section_mappers.hpp"
#include "adapters/text_encoding.hpp"

namespace hie::adapters::cda {
namespace {

using model::Severity;

struct SectionType {
  std::string_view template_root;  // C-CDA section templateId (the ".1" variant also matches)
  std::string_view loinc;
  std::string_view loinc_alt;
  SectionKind kind;
};

constexpr std::string_view kSectionPrefix = "2.16.840.1.113883.10.20.22.2.";

constexpr std::array kSections = {
    SectionType{"5", "11450-4", "", SectionKind::problems},
    SectionType{"6", "48765-2", "", SectionKind::allergies},
    SectionType{"1", "10160-0", "", SectionKind::medications},
    SectionType{"3", "30954-2", "", SectionKind::results},
    SectionType{"4", "8716-3", "", SectionKind::vital_signs},
    SectionType{"2", "11369-6", "", SectionKind::immunizations},
    SectionType{"7", "47519-4", "", SectionKind::procedures},
    SectionType{"22", "46240-8", "", SectionKind::encounters},
    SectionType{"17", "29762-2", "", SectionKind::social_history},
    SectionType{"43", "46241-6", "42347-5", SectionKind::admission_diagnoses},
    SectionType{"24", "11535-2", "78375-3", SectionKind::discharge_diagnoses},
};

SectionKind kind_of(const CdaContext& ctx, Node section) {
  for (Node t = ctx.child(section, "templateId"); t; t = t.next_sibling()) {
    if (!ctx.is(t, "templateId")) continue;
    std::string_view root = t.attribute("root").value();
    if (!root.starts_with(kSectionPrefix)) continue;
    root.remove_prefix(kSectionPrefix.size());
    if (root.ends_with(".1")) root.remove_suffix(2);
    for (const auto& s : kSections)
      if (s.template_root == root) return s.kind;
  }
  Node code = ctx.child(section, "code");
  const std::string loinc = attribute(code, "code");
  for (const auto& s : kSections)
    if (!loinc.empty() && (s.loinc == loinc || s.loinc_alt == loinc)) return s.kind;
  return SectionKind::unmapped;
}

/// What the section is called in messages: its LOINC code (never narrative or patient data).
std::string section_name(CdaContext& ctx, Node section) {
  std::string code = attribute(ctx.child(section, "code"), "code");
  if (code.empty()) return "section";
  return "section " + to_valid_utf8(code.substr(0, 32));
}

void map_entry(CdaContext& ctx, Node entry, SectionKind kind) {
  ctx.visit(entry);
  Node act = first_element(entry);
  if (!act) return;
  const std::string_view what = ctx.local_name(act);
  switch (kind) {
    case SectionKind::problems:
    case SectionKind::admission_diagnoses:
    case SectionKind::discharge_diagnoses:
      if (what == "act" || what == "observation") return map_problem_entry(ctx, act, kind);
      break;
    case SectionKind::allergies:
      if (what == "act" || what == "observation") return map_allergy_entry(ctx, act);
      break;
    case SectionKind::medications:
      if (what == "substanceAdministration") return map_medication_entry(ctx, act);
      break;
    case SectionKind::immunizations:
      if (what == "substanceAdministration") return map_immunization_entry(ctx, act);
      break;
    case SectionKind::results:
    case SectionKind::vital_signs:
    case SectionKind::social_history:
      if (what == "organizer" || what == "observation")
        return map_result_entry(ctx, act,
                                kind == SectionKind::results       ? "laboratory"
                                : kind == SectionKind::vital_signs ? "vital-signs"
                                                                   : "social-history");
      break;
    case SectionKind::procedures:
      if (what == "procedure" || what == "observation" || what == "act")
        return map_procedure_entry(ctx, act);
      break;
    case SectionKind::encounters:
      if (what == "encounter") return map_encounter_entry(ctx, act);
      break;
    case SectionKind::unmapped:
      break;
  }
  ctx.not_mapped(entry, "entry (" + std::string(act.name()) +
                            ") is not mapped in this section: kept only in "
                            "the attached document");
}

void map_section(CdaContext& ctx, Node section, std::size_t depth) {
  ctx.visit(section);
  const SectionKind kind = kind_of(ctx, section);
  const std::string name = section_name(ctx, section);
  for (const char* kept : {"code", "title", "text", "id", "confidentialityCode", "languageCode"})
    ctx.use(ctx.child(section, kept));  // the narrative and its labels stay in the document
  std::size_t entries = 0;
  for (Node c = section.first_child(); c; c = c.next_sibling()) {
    if (ctx.is(c, "entry")) {
      ++entries;
      if (kind == SectionKind::unmapped)
        ctx.not_mapped(c, name + " is not mapped: its entry is kept only in the attached document");
      else
        map_entry(ctx, c, kind);
    } else if (ctx.is(c, "component")) {
      Node inner = ctx.child(c, "section");
      if (!inner) continue;
      ctx.visit(c);
      if (depth >= 4) {
        ctx.not_mapped(inner, "sections nested deeper than 4 are not mapped");
        continue;
      }
      map_section(ctx, inner, depth + 1);
    }
  }
  if (entries == 0)
    ctx.issue(Severity::information, "informational", ctx.location(section),
              name + " has narrative only (no structured entries): kept in the attached document");
}

}  // namespace

void map_sections(CdaContext& ctx) {
  Node component = ctx.child(ctx.root(), "component");
  Node body = ctx.child(component, "structuredBody");
  if (!body) return;
  ctx.visit(component);
  ctx.visit(body);
  for (Node c = body.first_child(); c; c = c.next_sibling()) {
    if (!ctx.is(c, "component")) continue;
    ctx.visit(c);
    if (Node section = ctx.child(c, "section")) map_section(ctx, section, 1);
  }
}

bool has_template(const CdaContext& ctx, Node node, std::string_view root) {
  for (Node t = node.first_child(); t; t = t.next_sibling())
    if (ctx.is(t, "templateId") && root == t.attribute("root").value()) return true;
  return false;
}

std::vector<model::Identifier> identifiers(CdaContext& ctx, Node node) {
  std::vector<model::Identifier> out;
  for (Node c = node.first_child(); c; c = c.next_sibling())
    if (ctx.is(c, "id"))
      if (auto id = to_identifier(ctx, c)) out.push_back(std::move(*id));
  return out;
}

std::string status_code(CdaContext& ctx, Node node) {
  Node status = ctx.take(node, "statusCode");
  return attribute(status, "code");
}

void for_each_related(CdaContext& ctx, Node node, std::string_view relationship,
                      std::string_view type_code, const std::function<void(Node)>& f) {
  for (Node c = node.first_child(); c; c = c.next_sibling()) {
    if (!ctx.is(c, relationship)) continue;
    if (!type_code.empty() && type_code != c.attribute("typeCode").value()) continue;
    Node act = first_element(c);
    if (!act) continue;
    ctx.visit(c);
    f(act);
  }
}

Node first_element(Node node) {
  for (Node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) {
      // Skip the wrapper's own sequenceNumber/seperatableInd and templateIds.
      std::string_view n = c.name();
      if (n.ends_with("sequenceNumber") || n.ends_with("seperatableInd") ||
          n.ends_with("templateId") || n.ends_with("realmCode") || n.ends_with("typeId"))
        continue;
      return c;
    }
  return {};
}

void emit(CdaContext& ctx, model::Resource resource) {
  ctx.out().resources.push_back(std::move(resource));
}

}  // namespace hie::adapters::cda
