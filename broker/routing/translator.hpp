#pragma once
// Translates journaled messages after they were acknowledged, on its own thread: each accepted
// message goes through its exchange's adapter; the patients it names update the record locator;
// a stored-mode exchange's resources are kept. A message's translation and its effects commit
// together, so a crash at any moment leaves it either done or still pending (never lost: the
// journal row stays 'pending' until then, and pending rows are picked up again on start).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "broker/config/config.hpp"
#include "broker/routing/exchange_adapters.hpp"
#include "broker/routing/record_locator.hpp"
#include "broker/store/store.hpp"

namespace prometheus {
class Registry;
}

namespace hie::routing {

struct TranslatorOptions {
  std::size_t batch = 64;                         ///< journal rows per round (one commit)
  std::chrono::milliseconds idle_poll{250};       ///< how often to look when nobody nudged
  std::function<void()> events_committed;         ///< a round's commit raised events (may be empty)
};

class Translator {
 public:
  /// `locator` (may be null) hears what each committed round learnt, to refresh its cache.
  Translator(store::Store& store, std::vector<config::Exchange> exchanges, ExchangeAdapters adapters,
             prometheus::Registry* metrics, RecordLocator* locator = nullptr, TranslatorOptions options = {});
  ~Translator();  ///< stops the thread after the round in progress

  void start();
  /// New messages are in the journal: look now rather than at the next poll.
  void nudge();
  /// One round on the caller's thread: translates up to `batch` pending rows and commits them.
  /// Returns how many rows it handled.
  Result<std::size_t> run_once();

  /// What one journaled message becomes: the journal's verdict, sightings, kept resources.
  store::TranslationBatch translate(const store::JournalRecord& row) const;

 private:
  void run();

  store::Store& store_;
  std::vector<config::Exchange> exchanges_;
  ExchangeAdapters adapters_;
  RecordLocator* locator_;
  TranslatorOptions options_;
  struct Metrics;
  std::unique_ptr<Metrics> metrics_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool nudged_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hie::routing
