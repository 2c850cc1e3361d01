#include "broker/routing/merge.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>

#include "adapters/stable_id.hpp"
#include "broker/routing/disjoint_sets.hpp"
#include "broker/routing/merge_keys.hpp"
#include "broker/routing/merge_patient.hpp"
#include "broker/routing/merge_provenance.hpp"
#include "broker/routing/merge_references.hpp"

namespace hie::routing {
namespace {

using merge::AnswerReferences;

/// One resource of one answer, as the merge follows it.
struct Item {
  std::size_t answer = 0;
  model::Resource resource;
  std::string type;
  std::string id;                 ///< as the exchange named it
  std::vector<std::string> keys;  ///< identifier keys, system|value
  std::optional<std::size_t> patient_group;
  std::optional<std::size_t>
      identifier_group;  ///< other types: root of the items sharing identifiers
};

std::string system_of(const std::string& key) { return key.substr(0, key.find('|')); }

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::ranges::sort(v);
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

class Merger {
 public:
  explicit Merger(std::vector<SourceAnswer> answers) : answers_(std::move(answers)) {}

  MergedRecord run() {
    collect();
    group_patients();
    group_by_identifiers();
    refine_classes();
    assign_ids();
    rewrite_references();
    return build();
  }

 private:
  void collect() {
    std::ranges::stable_sort(answers_, [](const SourceAnswer& a, const SourceAnswer& b) {
      return std::tie(a.exchange, a.retrieved, a.stored) <
             std::tie(b.exchange, b.retrieved, b.stored);
    });
    references_.resize(answers_.size());
    for (std::size_t a = 0; a < answers_.size(); ++a) {
      for (auto& resource : answers_[a].resources) {
        Item item;
        item.answer = a;
        item.resource = std::move(resource);
        item.type = model::resource_type(item.resource);
        item.id = merge::resource_id(item.resource);
        item.keys = merge::identifier_keys(item.resource);
        references_[a].add(item.type, item.id, items_.size());
        items_.push_back(std::move(item));
      }
      answers_[a].resources.clear();
    }
  }

  void group_patients() {
    std::vector<const model::Patient*> patients;
    std::vector<std::size_t> item_of;
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (const auto* p = std::get_if<model::Patient>(&items_[i].resource)) {
        patients.push_back(p);
        item_of.push_back(i);
      }
    auto identity = merge::group_patients(patients);
    for (std::size_t k = 0; k < patients.size(); ++k)
      items_[item_of[k]].patient_group = identity.group[k];
    for (const auto& r : identity.refused)
      refused_.push_back({item_of[r.a], item_of[r.b], r.system});
  }

  void group_by_identifiers() {
    merge::DisjointSets sets(items_.size());
    std::map<std::string, std::size_t> first_with;  // type|system|value -> first item
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (items_[i].type == model::Patient::fhir_type) continue;
      for (const auto& key : items_[i].keys) {
        auto [at, added] = first_with.try_emplace(items_[i].type + "|" + key, i);
        if (!added) sets.unite(at->second, i);
      }
    }
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (items_[i].type != model::Patient::fhir_type && !items_[i].keys.empty())
        items_[i].identifier_group = sets.find(i);
  }

  /// Classes of items that become one resource: start from the coarsest blocks (one per patient
  /// group, per identifier group, per type for the rest) and split by content, references read as
  /// the class they name, until nothing splits. The greatest such partition, so resources that
  /// refer to each other (an Encounter and its Condition) still collapse pairwise.
  void refine_classes() {
    std::map<std::string, std::size_t> blocks;
    class_.resize(items_.size());
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const Item& item = items_[i];
      const std::string block = item.patient_group ? "P" + std::to_string(*item.patient_group)
                                : item.identifier_group
                                    ? "I" + std::to_string(*item.identifier_group)
                                    : "C" + item.type;
      class_[i] = blocks.try_emplace(block, blocks.size()).first->second;
    }
    class_count_ = blocks.size();
    for (;;) {
      std::map<std::pair<std::size_t, std::string>, std::size_t> classes;
      std::vector<std::size_t> next(items_.size());
      for (std::size_t i = 0; i < items_.size(); ++i) {
        std::string content;
        if (!items_[i].patient_group) {
          const auto& refs = references_[items_[i].answer];
          content = merge::content_key(
              items_[i].resource,
              [&](const std::string& ref) {
                auto target = refs.find(ref);
                return target ? "urn:hiebroker:merge:class:" + std::to_string(class_[*target])
                              : ref;
              },
              std::to_string(i));
        }
        next[i] =
            classes.try_emplace({class_[i], std::move(content)}, classes.size()).first->second;
      }
      const bool stable = classes.size() == class_count_;
      class_ = std::move(next);
      class_count_ = classes.size();
      if (stable) break;
    }
    members_.assign(class_count_, {});
    for (std::size_t i = 0; i < items_.size(); ++i) members_[class_[i]].push_back(i);
  }

  void assign_ids() {
    new_id_.assign(class_count_, {});
    // Merged Patients first: an NHS number is the id a reader expects, so it must not be taken.
    for (std::size_t c = 0; c < class_count_; ++c) {
      if (!rep(c).patient_group) continue;
      std::vector<const model::Patient*> patients;
      std::string smallest_key;
      for (auto i : members_[c]) {
        patients.push_back(&std::get<model::Patient>(items_[i].resource));
        for (const auto& key : items_[i].keys)
          if (smallest_key.empty() || key < smallest_key) smallest_key = key;
      }
      const std::string nhs = merge::first_nhs_number(patients);
      claim(c, nhs.empty() ? adapters::stable_hash_id("Patient|" + smallest_key) : nhs);
    }
    for (std::size_t c = 0; c < class_count_; ++c) {
      if (rep(c).patient_group) continue;
      const Item& r = rep(c);
      claim(c, r.id.empty() ? adapters::stable_hash_id(answers_[r.answer].exchange + "|" + r.type +
                                                       "|" + std::to_string(members_[c].front()))
                            : r.id);
    }
  }

  /// Gives class `c` the id `wanted`, or a stable variant when another resource of the type has it.
  void claim(std::size_t c, const std::string& wanted) {
    const Item& r = rep(c);
    std::string id = wanted;
    for (int n = 1; !used_ids_.insert(r.type + "/" + id).second; ++n)
      id = adapters::stable_hash_id(answers_[r.answer].exchange + "|" + r.type + "/" + wanted +
                                    "|" + std::to_string(n));
    new_id_[c] = std::move(id);
  }

  void rewrite_references() {
    for (auto& item : items_) {
      const auto& refs = references_[item.answer];
      merge::for_each_reference(item.resource, [&](model::Reference& ref) {
        if (auto target = refs.find(ref.reference))
          ref.reference = items_[*target].type + "/" + new_id_[class_[*target]];
      });
    }
  }

  MergedRecord build() {
    MergedRecord record;
    std::vector<model::Resource> resources(class_count_);
    std::vector<bool> conflicting(class_count_, false);
    for (std::size_t c = 0; c < class_count_; ++c)
      resources[c] = merged_resource(c, record.conflicts, conflicting);
    identity_conflicts(record.conflicts, conflicting);
    version_conflicts(record.conflicts, conflicting);

    std::vector<std::size_t> order(class_count_);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::ranges::stable_partition(
        order, [&](std::size_t c) { return rep(c).type == model::Patient::fhir_type; });
    for (auto c : order) {
      if (conflicting[c]) merge::tag_conflict(resources[c]);
      append_provenance(c, record.provenance);
      record.resources.push_back(std::move(resources[c]));
    }
    return record;
  }

  model::Resource merged_resource(std::size_t c, std::vector<MergeConflict>& conflicts,
                                  std::vector<bool>& conflicting) {
    const Item& r = rep(c);
    model::Resource merged;
    if (r.patient_group) {
      std::vector<const model::Patient*> patients;
      for (auto i : members_[c]) patients.push_back(&std::get<model::Patient>(items_[i].resource));
      std::vector<merge::PatientDisagreement> disagreements;
      merged = merge::merge_patients(patients, new_id_[c], disagreements);
      // One conflict per element, naming every exchange involved.
      std::map<std::string, std::vector<std::string>> by_element;
      std::vector<std::string> elements;
      for (const auto& d : disagreements) {
        auto& exchanges = by_element[d.element];
        if (exchanges.empty()) elements.push_back(d.element);
        exchanges.push_back(exchange_of(members_[c][d.kept]));
        exchanges.push_back(exchange_of(members_[c][d.other]));
      }
      for (const auto& element : elements)
        conflicts.push_back({MergeConflict::Kind::patient_element_differs,
                             r.type,
                             {new_id_[c]},
                             sorted_unique(by_element[element]),
                             element});
      if (!elements.empty()) conflicting[c] = true;
    } else {
      merged = r.resource;
      for (std::size_t k = 1; k < members_[c].size(); ++k)
        merge::union_identifiers(merged, items_[members_[c][k]].resource);
      merge::set_resource_id(merged, new_id_[c]);
    }
    auto& meta = merge::meta_of(merged);
    if (meta.source.empty()) meta.source = exchange_of(members_[c].front());
    return merged;
  }

  void identity_conflicts(std::vector<MergeConflict>& conflicts, std::vector<bool>& conflicting) {
    std::set<std::tuple<std::size_t, std::size_t, std::string>> seen;
    for (const auto& r : refused_) {
      const auto [a, b] = std::minmax(class_[r.a], class_[r.b]);
      if (!seen.insert({a, b, r.system}).second) continue;
      conflicts.push_back({MergeConflict::Kind::nhs_numbers_differ,
                           std::string(model::Patient::fhir_type),
                           {new_id_[a], new_id_[b]},
                           sorted_unique({exchange_of(r.a), exchange_of(r.b)}),
                           r.system});
      conflicting[a] = conflicting[b] = true;
    }
  }

  /// Items that share an identifier but fell into several classes: their versions differ.
  void version_conflicts(std::vector<MergeConflict>& conflicts, std::vector<bool>& conflicting) {
    std::map<std::size_t, std::vector<std::size_t>> groups;  // identifier group -> items
    std::vector<std::size_t> group_order;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (!items_[i].identifier_group) continue;
      auto& group = groups[*items_[i].identifier_group];
      if (group.empty()) group_order.push_back(*items_[i].identifier_group);
      group.push_back(i);
    }
    for (auto g : group_order) {
      const auto& items = groups[g];
      std::vector<std::size_t> classes;
      std::vector<std::string> exchanges;
      std::map<std::string, std::set<std::size_t>> classes_by_key;
      for (auto i : items) {
        if (std::ranges::find(classes, class_[i]) == classes.end()) classes.push_back(class_[i]);
        exchanges.push_back(exchange_of(i));
        for (const auto& key : items_[i].keys) classes_by_key[key].insert(class_[i]);
      }
      if (classes.size() < 2) continue;
      std::string shared;
      for (auto i : items)
        for (const auto& key : items_[i].keys)
          if (shared.empty() && classes_by_key[key].size() > 1) shared = system_of(key);
      std::vector<std::string> ids;
      for (auto c : classes) {
        ids.push_back(new_id_[c]);
        conflicting[c] = true;
      }
      conflicts.push_back({MergeConflict::Kind::versions_differ, items_[items.front()].type,
                           std::move(ids), sorted_unique(std::move(exchanges)), std::move(shared)});
    }
  }

  void append_provenance(std::size_t c, std::vector<model::Provenance>& out) {
    std::vector<merge::ProvenanceSource> sources;
    for (auto i : members_[c]) {
      const SourceAnswer& answer = answers_[items_[i].answer];
      auto at = std::ranges::find(sources, answer.exchange, &merge::ProvenanceSource::exchange);
      if (at == sources.end()) {
        sources.push_back({answer.exchange, answer.retrieved, answer.stored, {}});
        at = sources.end() - 1;
      }
      at->original_references.push_back(items_[i].type + "/" + items_[i].id);
    }
    for (const auto& source : sources)
      out.push_back(merge::make_provenance(rep(c).type, new_id_[c], source));
  }

  const Item& rep(std::size_t c) const { return items_[members_[c].front()]; }
  const std::string& exchange_of(std::size_t item) const {
    return answers_[items_[item].answer].exchange;
  }

  struct Refusal {
    std::size_t a = 0;
    std::size_t b = 0;
    std::string system;
  };

  std::vector<SourceAnswer> answers_;
  std::vector<Item> items_;
  std::vector<AnswerReferences> references_;  // per answer
  std::vector<Refusal> refused_;
  std::vector<std::size_t> class_;  // per item
  std::size_t class_count_ = 0;
  std::vector<std::vector<std::size_t>> members_;  // per class, in item order
  std::vector<std::string> new_id_;                // per class
  std::set<std::string> used_ids_;                 // Type/id
};

}  // namespace

MergedRecord merge_answers(std::vector<SourceAnswer> answers) {
  return Merger(std::move(answers)).run();
}

}  // namespace hie::routing
