#include "tests/routing/merge_samples.hpp"

#include <algorithm>

#include "broker/routing/merge_references.hpp"

namespace hie::routing::testing {

std::vector<std::string> references_in(model::Resource resource) {
  std::vector<std::string> out;
  merge::for_each_reference(resource, [&](model::Reference& ref) {
    if (!ref.reference.empty()) out.push_back(ref.reference);
  });
  return out;
}

std::vector<const model::Provenance*> provenance_of(const MergedRecord& record,
                                                    const std::string& type,
                                                    const std::string& id) {
  std::vector<const model::Provenance*> out;
  for (const auto& p : record.provenance)
    if (!p.target.empty() && p.target.front().reference == type + "/" + id) out.push_back(&p);
  return out;
}

bool has_conflict_tag(const model::Resource& resource) {
  return std::visit(
      [](const auto& r) {
        return r.meta && std::ranges::any_of(r.meta->tag, [](const model::Coding& c) {
                 return c.system == merge_tag_system && c.code == merge_conflict_code;
               });
      },
      resource);
}

std::string checked_json(const model::Bundle& bundle) {
  const auto issues = model::validate(bundle);
  for (const auto& issue : issues) {
    // adt_a01.hl7 discharges its patient (PV1-45) before admitting her (PV1-44); the adapter keeps
    // that Encounter.period as sent, and the merge must not change it.
    if (issue.message.starts_with("per-1: ") && issue.location.ends_with("/resource/period"))
      continue;
    EXPECT_NE(issue.severity, model::Severity::error) << issue.location << ": " << issue.message;
  }
  auto json = model::to_json(bundle);
  EXPECT_TRUE(json);
  return json ? *json : std::string();
}

}  // namespace hie::routing::testing
