#include "broker/security/token_cache.hpp"

#include <openssl/sha.h>

#include <cstring>

namespace hie::security {

TokenCache::TokenCache(std::size_t max_entries) : max_entries_(max_entries) {}

std::size_t TokenCache::DigestHash::operator()(const Digest& d) const {
  // The digest is already uniformly distributed: its first bytes are a good hash.
  std::size_t h;
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

TokenCache::Digest TokenCache::digest_of(std::string_view token) {
  Digest d;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d.data());
  return d;
}

std::shared_ptr<const Principal> TokenCache::find(std::string_view token,
                                                  std::chrono::system_clock::time_point now) {
  if (max_entries_ == 0) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  const Digest digest = digest_of(token);
  std::lock_guard lock(mutex_);
  auto it = by_digest_.find(digest);
  if (it == by_digest_.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  if (now >= it->second->principal->expires) {
    recent_.erase(it->second);
    by_digest_.erase(it);
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  recent_.splice(recent_.begin(), recent_, it->second);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second->principal;
}

void TokenCache::insert(std::string_view token, std::shared_ptr<const Principal> principal) {
  if (max_entries_ == 0 || !principal) return;
  const Digest digest = digest_of(token);
  std::lock_guard lock(mutex_);
  if (auto it = by_digest_.find(digest); it != by_digest_.end()) {
    it->second->principal = std::move(principal);
    recent_.splice(recent_.begin(), recent_, it->second);
    return;
  }
  if (by_digest_.size() >= max_entries_) {
    by_digest_.erase(recent_.back().digest);
    recent_.pop_back();
  }
  recent_.push_front({digest, std::move(principal)});
  by_digest_.emplace(digest, recent_.begin());
}

std::size_t TokenCache::size() const {
  std::lock_guard lock(mutex_);
  return by_digest_.size();
}

}  // namespace hie::security
