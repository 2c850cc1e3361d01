#include "broker/routing/merge_patient.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "broker/model/nhs_number.hpp"
#include "broker/routing/disjoint_sets.hpp"

namespace hie::routing::merge {
namespace {

bool is_nhs(const model::Identifier& id) {
  return id.system == model::NhsNumber::system && !id.value.empty();
}

std::string key_of(const model::Identifier& id) {
  if (id.system.empty() || id.value.empty()) return {};
  return id.system + "|" + id.value;
}

bool intersects(const std::set<std::string>& a, const std::set<std::string>& b) {
  return std::ranges::any_of(a, [&](const std::string& v) { return b.contains(v); });
}

template <class T>
void add_missing(std::vector<T>& into, const std::vector<T>& from) {
  for (const auto& item : from)
    if (std::ranges::find(into, item) == into.end()) into.push_back(item);
}

void add_missing_identifiers(std::vector<model::Identifier>& into,
                             const std::vector<model::Identifier>& from) {
  for (const auto& id : from) {
    const std::string key = key_of(id);
    const bool held = std::ranges::any_of(into, [&](const model::Identifier& have) {
      return key.empty() ? have == id : key_of(have) == key;
    });
    if (!held) into.push_back(id);
  }
}

bool is_set(const std::string& v) { return !v.empty(); }
template <class T>
bool is_set(const std::optional<T>& v) {
  return v.has_value();
}
template <class... Ts>
bool is_set(const std::variant<Ts...>& v) {
  return v.index() != 0;
}

/// Keeps the first value of one single-valued element; a later, different one is a disagreement.
class SingleValues {
 public:
  SingleValues(model::Patient& merged, std::vector<PatientDisagreement>& disagreements)
      : merged_(merged), disagreements_(disagreements) {}

  void take(const model::Patient& member, std::size_t index) {
    one("active", merged_.active, member.active, index);
    one("gender", merged_.gender, member.gender, index);
    birth_date(member.birth_date, index);
    one("deceased", merged_.deceased, member.deceased, index);
    one("maritalStatus", merged_.marital_status, member.marital_status, index);
    one("multipleBirth", merged_.multiple_birth, member.multiple_birth, index);
    one("managingOrganization", merged_.managing_organization, member.managing_organization, index);
  }

 private:
  template <class T>
  void one(const char* element, T& kept, const T& offered, std::size_t index) {
    if (!is_set(offered)) return;
    if (!is_set(kept)) {
      kept = offered;
      from_[element] = index;
    } else if (kept != offered) {
      disagreements_.push_back({element, from_[element], index});
    }
  }

  // A date that only adds precision to the kept one is the same date, better known.
  void birth_date(const std::string& offered, std::size_t index) {
    std::string& kept = merged_.birth_date;
    if (!kept.empty() && offered.size() > kept.size() && offered.starts_with(kept)) {
      kept = offered;
      from_["birthDate"] = index;
      return;
    }
    if (!offered.empty() && kept.size() > offered.size() && kept.starts_with(offered)) return;
    one("birthDate", kept, offered, index);
  }

  model::Patient& merged_;
  std::vector<PatientDisagreement>& disagreements_;
  std::map<std::string, std::size_t> from_;  // element -> member whose value is kept
};

}  // namespace

PatientIdentity group_patients(const std::vector<const model::Patient*>& patients) {
  PatientIdentity identity;
  const std::size_t n = patients.size();
  DisjointSets sets(n);
  std::vector<std::set<std::string>> nhs(n);      // NHS numbers of each set, at its root
  std::map<std::string, std::size_t> first_with;  // identifier key -> first Patient holding it
  std::vector<bool> identified(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& id : patients[i]->identifier)
      if (is_nhs(id)) nhs[i].insert(id.value);
    for (const auto& id : patients[i]->identifier) {
      const std::string key = key_of(id);
      if (key.empty()) continue;
      identified[i] = true;
      auto [at, added] = first_with.try_emplace(key, i);
      if (added) continue;
      const std::size_t a = sets.find(at->second);
      const std::size_t b = sets.find(i);
      if (a == b) continue;
      if (!nhs[a].empty() && !nhs[b].empty() && !intersects(nhs[a], nhs[b])) {
        identity.refused.push_back({at->second, i, id.system});
        continue;
      }
      sets.unite(a, b);
      const std::size_t root = sets.find(a);
      const std::size_t other = root == a ? b : a;
      nhs[root].insert(nhs[other].begin(), nhs[other].end());
    }
  }
  identity.group.resize(n);
  std::map<std::size_t, std::size_t> group_of_root;
  for (std::size_t i = 0; i < n; ++i) {
    if (!identified[i]) continue;
    auto [at, added] = group_of_root.try_emplace(sets.find(i), identity.group_count);
    if (added) ++identity.group_count;
    identity.group[i] = at->second;
  }
  return identity;
}

std::string first_nhs_number(const std::vector<const model::Patient*>& members) {
  for (const auto* member : members)
    for (const auto& id : member->identifier)
      if (is_nhs(id)) return id.value;
  return {};
}

model::Patient merge_patients(const std::vector<const model::Patient*>& members,
                              const std::string& merged_id,
                              std::vector<PatientDisagreement>& disagreements) {
  const model::Patient& first = *members.front();
  model::Patient merged;
  static_cast<model::DomainResource&>(merged) = first;
  merged.id = merged_id;
  SingleValues single(merged, disagreements);
  for (std::size_t i = 0; i < members.size(); ++i) {
    const model::Patient& m = *members[i];
    add_missing_identifiers(merged.identifier, m.identifier);
    add_missing(merged.name, m.name);
    add_missing(merged.telecom, m.telecom);
    add_missing(merged.address, m.address);
    add_missing(merged.photo, m.photo);
    add_missing(merged.contact, m.contact);
    add_missing(merged.communication, m.communication);
    add_missing(merged.general_practitioner, m.general_practitioner);
    add_missing(merged.link, m.link);
    single.take(m, i);
  }
  // Links between the records now merged would point at the merged Patient itself.
  std::erase_if(merged.link, [&](const model::PatientLink& l) {
    return l.other.reference == "Patient/" + merged_id;
  });
  return merged;
}

}  // namespace hie::routing::merge
