#pragma once
// Tokens already verified, so that a client presenting the same bearer token on every request
// costs one hash and one lookup instead of a signature check. Bounded, least recently used
// first out; an entry never outlives its token's `exp`.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "broker/security/principal.hpp"

namespace hie::security {

class TokenCache {
 public:
  /// `max_entries` 0 caches nothing (every lookup is a miss).
  explicit TokenCache(std::size_t max_entries);

  /// The principal verified earlier from exactly `token`, unless it has expired by `now`.
  /// Thread-safe; counts a hit or a miss.
  std::shared_ptr<const Principal> find(std::string_view token,
                                        std::chrono::system_clock::time_point now);

  /// Remembers `principal` for `token` until `principal->expires`, dropping the least
  /// recently used entry when full. Thread-safe.
  void insert(std::string_view token, std::shared_ptr<const Principal> principal);

  std::size_t size() const;
  std::size_t capacity() const { return max_entries_; }
  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  std::uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  using Digest = std::array<unsigned char, 32>;  // SHA-256 of the token: no token text is kept
  struct DigestHash {
    std::size_t operator()(const Digest& d) const;
  };
  struct Entry {
    Digest digest;
    std::shared_ptr<const Principal> principal;
  };
  static Digest digest_of(std::string_view token);

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::list<Entry> recent_;  // front: most recently used
  std::unordered_map<Digest, std::list<Entry>::iterator, DigestHash> by_digest_;
  std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

}  // namespace hie::security
