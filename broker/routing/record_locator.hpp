#pragma once
// The record locator as queries see it: which exchanges hold a patient, answered from a
// bounded in-memory cache in front of the store. Translation rounds tell it what they learnt,
// and it forgets exactly the answers that may have changed.

#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "broker/store/store.hpp"

namespace hie::routing {

class RecordLocator {
 public:
  /// `max_entries`: answers kept in memory at most (least recently used go first).
  RecordLocator(store::Store& store, std::size_t max_entries);

  /// Thread-safe; blocking on a cache miss (a store read).
  Result<store::PatientLocation> locate(const store::PatientIdentity& identity);
  /// Drops the answers `sightings` may change: those for their identifiers, and those reached
  /// through their NHS numbers.
  void learned(const std::vector<store::PatientSighting>& sightings);

  std::size_t cached() const;
  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string key;
    store::PatientLocation location;
  };
  void forget_key(const std::string& key);

  store::Store& store_;
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::list<Entry> recent_;  // front: most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;
  std::unordered_multimap<std::string, std::string> keys_by_nhs_number_;
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace hie::routing
