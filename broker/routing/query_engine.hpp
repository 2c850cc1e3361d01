#pragma once
// The shared-care-record query: which exchanges hold the patient (record locator), which of them
// the patient's consent lets us ask, then every one of them at once, each with its own deadline:
// live exchanges over their transport, stored-mode exchanges from the store. Each answer is
// translated through that exchange's adapter. The caller gets every exchange's outcome, answered
// or not, by the latest deadline however the exchanges behave; merging is the caller's next step.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/config/config.hpp"
#include "broker/model/resource.hpp"
#include "broker/peers/peer_endpoint.hpp"
#include "broker/routing/exchange_adapters.hpp"
#include "broker/routing/record_locator.hpp"
#include "broker/store/store.hpp"

namespace prometheus {
class Registry;
}

namespace hie::routing {

/// What is asked: one of the patient's identifiers, and optionally which records.
struct PatientQuery {
  store::PatientIdentity identity;
  std::vector<std::string> resource_types;  ///< empty: every type
  std::string date_ge, date_le;             ///< passed on to live exchanges; empty: unbounded
  std::string requester_exchange;           ///< an exchange asking: not asked about its own records
  std::string request_id = {};              ///< the caller's request ("c17-3"), for log lines only
  std::string query_id = {};                ///< set by QueryEngine::run, for log lines (query_log.hpp)
};

/// One exchange's part of the answer.
struct ExchangeResult {
  enum class Kind { answered, stored, not_found, failed, timed_out, not_connected, skipped_by_consent };
  std::string exchange;
  Kind kind = Kind::failed;
  std::string detail;     ///< why, for people; never patient data
  std::string retrieved;  ///< instant the answer arrived (or, for stored, the query ran)
  std::vector<model::Resource> resources;
  std::size_t translation_issues = 0;
};
std::string_view to_string(ExchangeResult::Kind kind);

struct QueryResult {
  std::string nhs_number;                ///< the patient's, when the locator knows it
  std::vector<ExchangeResult> exchanges;  ///< sorted by exchange id
};

/// Asks a live exchange over its transport; `done` runs exactly once, on any thread, by the
/// request's deadline.
using AskExchange =
    std::function<void(const config::Exchange&, peers::protocol::QueryRequest, std::function<void(peers::PeerAnswer)>)>;

struct QueryEngineSettings {
  std::size_t max_in_flight = 64;  ///< queries at once; beyond this the caller is told to retry
  unsigned worker_threads = 2;     ///< for store reads and translation, off the I/O threads
  std::chrono::milliseconds default_deadline{5000};  ///< for an exchange that sets none
  /// Added to the longest exchange deadline before the engine stops waiting on its own.
  std::chrono::milliseconds grace{250};
  /// Where the hie_query_* metrics go (query_metrics.hpp); none when null. Outlives the engine.
  prometheus::Registry* registry = nullptr;
};

class QueryEngine {
 public:
  using Done = std::move_only_function<void(Result<QueryResult>)>;

  QueryEngine(QueryEngineSettings settings, std::vector<config::Exchange> exchanges, ExchangeAdapters adapters,
              store::Store& store, RecordLocator& locator, AskExchange ask);
  ~QueryEngine();  ///< waits for the work in hand
  QueryEngine(const QueryEngine&) = delete;
  QueryEngine& operator=(const QueryEngine&) = delete;

  /// Runs `query`; `done` runs exactly once on a worker thread. Error limit_exceeded when
  /// max_in_flight queries are running (the caller answers 503), io_error when the store fails.
  void run(PatientQuery query, Done done);

  std::size_t in_flight() const { return in_flight_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<std::size_t> in_flight_{0};
};

}  // namespace hie::routing
