#include "broker/routing/record_locator.hpp"

#include "broker/model/nhs_number.hpp"

namespace hie::routing {
namespace {

std::string key_of(const store::PatientIdentity& id) { return id.system + '|' + id.value; }

}  // namespace

RecordLocator::RecordLocator(store::Store& store, std::size_t max_entries)
    : store_(store), max_entries_(max_entries) {}

Result<store::PatientLocation> RecordLocator::locate(const store::PatientIdentity& identity) {
  const std::string key = key_of(identity);
  {
    std::lock_guard lock(mutex_);
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      recent_.splice(recent_.begin(), recent_, it->second);
      ++hits_;
      return it->second->location;
    }
    ++misses_;
  }
  // The store read happens outside the lock; two misses for one key both read, which is harmless.
  auto found = store_.locate(identity);
  if (!found || max_entries_ == 0) return found;
  std::lock_guard lock(mutex_);
  forget_key(key);
  recent_.push_front({key, *found});
  by_key_[key] = recent_.begin();
  if (!found->nhs_number.empty()) keys_by_nhs_number_.emplace(found->nhs_number, key);
  while (recent_.size() > max_entries_) forget_key(recent_.back().key);
  return found;
}

void RecordLocator::learned(const std::vector<store::PatientSighting>& sightings) {
  std::lock_guard lock(mutex_);
  for (const auto& sighting : sightings) {
    for (const auto* ids : {&sighting.identifiers, &sighting.replaced}) {
      for (const auto& id : *ids) {
        forget_key(key_of(id));
        if (id.system != model::NhsNumber::system) continue;
        // Every answer that went through this NHS number may now name one more exchange.
        auto [first, last] = keys_by_nhs_number_.equal_range(id.value);
        std::vector<std::string> keys;
        for (auto it = first; it != last; ++it) keys.push_back(it->second);
        for (const auto& k : keys) forget_key(k);
      }
    }
  }
}

void RecordLocator::forget_key(const std::string& key) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  const std::string& nhs = it->second->location.nhs_number;
  if (!nhs.empty()) {
    auto [first, last] = keys_by_nhs_number_.equal_range(nhs);
    for (auto k = first; k != last; ++k)
      if (k->second == key) {
        keys_by_nhs_number_.erase(k);
        break;
      }
  }
  recent_.erase(it->second);
  by_key_.erase(it);
}

std::size_t RecordLocator::cached() const {
  std::lock_guard lock(mutex_);
  return recent_.size();
}

}  // namespace hie::routing
