#pragma once
// The SQLite store's write path: how long commits take, how many writes share one, how many
// wait, and writes that failed. No labels beyond fixed reason words.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

namespace prometheus {
class Registry;
}

namespace hie::store {

class StoreMetrics {
 public:
  explicit StoreMetrics(prometheus::Registry& registry);
  ~StoreMetrics();

  /// A transaction committed `writes` queued writes in `took` (BEGIN to COMMIT, fsync included).
  void committed(std::size_t writes, std::chrono::steady_clock::duration took);
  /// Writes answered with an error; reason: commit_failed, busy (queue full), stopping.
  void failed(std::string_view reason, std::size_t writes);
  /// Writes waiting for the store thread now.
  void queue_depth(std::size_t waiting);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hie::store
