#include "broker/routing/query_engine.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <mutex>

#include "broker/logging/log.hpp"
#include "broker/model/json.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/routing/adapter_context.hpp"
#include "broker/routing/query_log.hpp"
#include "broker/routing/query_metrics.hpp"

namespace hie::routing {

namespace asio = boost::asio;

std::string_view to_string(ExchangeResult::Kind kind) {
  switch (kind) {
    case ExchangeResult::Kind::answered: return "answered";
    case ExchangeResult::Kind::stored: return "stored";
    case ExchangeResult::Kind::not_found: return "not_found";
    case ExchangeResult::Kind::failed: return "failed";
    case ExchangeResult::Kind::timed_out: return "timed_out";
    case ExchangeResult::Kind::not_connected: return "not_connected";
    case ExchangeResult::Kind::skipped_by_consent: return "skipped_by_consent";
  }
  return "failed";
}

namespace {

std::string now_utc() { return store::format_utc(std::chrono::system_clock::now()); }

/// Patients always stay (the merge needs them to know whose records these are); the rest only
/// when asked for.
bool wanted(const PatientQuery& query, const model::Resource& resource) {
  const std::string_view type = model::resource_type(resource);
  if (type == "Patient" || query.resource_types.empty()) return true;
  return std::ranges::find(query.resource_types, type) != query.resource_types.end();
}

/// Why the consent keeps `exchange` out, or "" when it does not.
std::string consent_refusal(const std::optional<store::ConsentRecord>& consent, const std::string& exchange) {
  if (!consent) return {};
  if (consent->opt_out) return "the patient has opted out of sharing";
  if (std::ranges::binary_search(consent->denied_exchanges, exchange))
    return "the patient does not share records held by this exchange";
  return {};
}

/// An exchange asked about the patient with this NHS number answers for that patient, even when
/// its records do not carry the number (a C-CDA document may hold only a local MRN): the record
/// locator has linked them. Their Patients get the number so the merge can join them; a Patient
/// that carries a different NHS number is left as it is (the merge keeps it apart and says so).
void add_located_nhs_number(std::vector<model::Resource>& resources, const std::string& nhs_number) {
  if (nhs_number.empty()) return;
  for (auto& resource : resources) {
    auto* patient = std::get_if<model::Patient>(&resource);
    if (!patient) continue;
    const bool has_one = std::ranges::any_of(
        patient->identifier, [](const model::Identifier& id) { return id.system == model::NhsNumber::system; });
    if (has_one) continue;
    model::Identifier id;
    id.system = std::string(model::NhsNumber::system);
    id.value = nhs_number;
    patient->identifier.push_back(std::move(id));
  }
}

}  // namespace

using Clock = std::chrono::steady_clock;

/// One query in flight: a slot per exchange, filled once, by an answer or by the deadline.
class Fanout : public std::enable_shared_from_this<Fanout> {
 public:
  Fanout(asio::thread_pool& pool, QueryResult result, QueryEngine::Done done, std::function<void()> finished,
         QueryMetrics* metrics, Clock::time_point accepted)
      : strand_(asio::make_strand(pool)),
        timer_(strand_),
        result_(std::move(result)),
        filled_(result_.exchanges.size(), false),
        took_(result_.exchanges.size()),
        remaining_(result_.exchanges.size()),
        done_(std::move(done)),
        finished_(std::move(finished)),
        metrics_(metrics),
        accepted_(accepted) {}

  QueryResult& result() { return result_; }

  /// Starts the engine's own deadline; finishes at once when every slot is already filled.
  void arm(std::chrono::steady_clock::duration wait) {
    asio::post(strand_, [self = shared_from_this(), wait] {
      {
        std::lock_guard lock(self->mutex_);
        if (self->finished_flag_) return;  // every exchange was settled without waiting
      }
      self->timer_.expires_after(wait);
      self->timer_.async_wait([self](boost::system::error_code ec) {
        if (!ec) self->expire();
      });
    });
    std::unique_lock lock(mutex_);
    if (remaining_ == 0 && !finished_flag_) finish(lock);
  }

  /// Fills slot `index` unless the deadline filled it first.
  void fill(std::size_t index, ExchangeResult answer) {
    std::unique_lock lock(mutex_);
    auto& slot = result_.exchanges[index];
    if (finished_flag_ || filled_[index]) return;
    answer.exchange = slot.exchange;
    add_located_nhs_number(answer.resources, result_.nhs_number);
    slot = std::move(answer);
    filled_[index] = true;
    took_[index] = Clock::now() - started_;
    if (--remaining_ == 0) finish(lock);
  }

 private:
  void expire() {
    std::unique_lock lock(mutex_);
    if (finished_flag_) return;
    const auto took = Clock::now() - started_;
    for (std::size_t i = 0; i < result_.exchanges.size(); ++i)
      if (!filled_[i]) {
        auto& slot = result_.exchanges[i];
        slot.kind = ExchangeResult::Kind::timed_out;
        slot.detail = "no answer before the deadline";
        slot.retrieved = now_utc();
        took_[i] = took;
      }
    expired_ = true;
    finish(lock);
  }

  void finish(std::unique_lock<std::mutex>& lock) {
    finished_flag_ = true;
    QueryResult out = std::move(result_);
    lock.unlock();  // nothing writes the slots or took_ once finished_flag_ is set
    asio::post(strand_, [self = shared_from_this()] { self->timer_.cancel(); });
    // Counted before the caller hears, so whoever saw the answer also sees it counted.
    if (metrics_) {
      for (std::size_t i = 0; i < out.exchanges.size(); ++i)
        metrics_->exchange(out.exchanges[i].exchange, to_string(out.exchanges[i].kind), took_[i]);
      metrics_->finished(expired_ ? "timed_out" : "complete", Clock::now() - accepted_);
    }
    done_(std::move(out));
    finished_();
  }

  asio::strand<asio::thread_pool::executor_type> strand_;
  asio::steady_timer timer_;
  std::mutex mutex_;
  QueryResult result_;
  std::vector<bool> filled_;
  const Clock::time_point started_ = Clock::now();
  std::vector<Clock::duration> took_;  // per slot, from the fan-out to its filling
  std::size_t remaining_;
  bool finished_flag_ = false;
  bool expired_ = false;
  QueryEngine::Done done_;
  std::function<void()> finished_;
  QueryMetrics* metrics_;
  Clock::time_point accepted_;  // when run() took the query: its whole duration starts here
};

struct QueryEngine::Impl {
  QueryEngineSettings settings;
  std::vector<config::Exchange> exchanges;
  ExchangeAdapters adapters;
  store::Store& store;
  RecordLocator& locator;
  AskExchange ask;
  std::unique_ptr<QueryMetrics> metrics;  // null without a registry
  asio::thread_pool pool;

  Impl(QueryEngineSettings s, std::vector<config::Exchange> e, ExchangeAdapters a, store::Store& st, RecordLocator& l,
       AskExchange ask_exchange)
      : settings(s),
        exchanges(std::move(e)),
        adapters(std::move(a)),
        store(st),
        locator(l),
        ask(std::move(ask_exchange)),
        metrics(s.registry ? std::make_unique<QueryMetrics>(*s.registry, ids_of(exchanges)) : nullptr),
        pool(std::max(1u, s.worker_threads)) {}

  static std::vector<std::string> ids_of(const std::vector<config::Exchange>& exchanges) {
    std::vector<std::string> ids;
    for (const auto& e : exchanges) ids.push_back(e.id);
    return ids;
  }

  const config::Exchange* exchange(const std::string& id) const {
    auto it = std::ranges::find(exchanges, id, &config::Exchange::id);
    return it == exchanges.end() ? nullptr : &*it;
  }

  std::chrono::milliseconds deadline_of(const config::Exchange& e) const {
    return e.query_timeout.count() > 0 ? e.query_timeout : settings.default_deadline;
  }

  void start(PatientQuery query, Done done, std::function<void()> finished, Clock::time_point accepted);
  void fail(Done& done, const std::function<void()>& finished, Clock::time_point accepted, Error error);
  void read_stored(const std::shared_ptr<Fanout>& fanout, std::size_t index, const config::Exchange& exchange,
                   const PatientQuery& query, std::vector<std::string> patient_keys);
  void ask_live(const std::shared_ptr<Fanout>& fanout, std::size_t index, const config::Exchange& exchange,
                const PatientQuery& query, const std::string& nhs_number);
  ExchangeResult translate(const config::Exchange& exchange, const PatientQuery& query, peers::PeerAnswer answer) const;
};

QueryEngine::QueryEngine(QueryEngineSettings settings, std::vector<config::Exchange> exchanges,
                         ExchangeAdapters adapters, store::Store& store, RecordLocator& locator, AskExchange ask)
    : impl_(std::make_unique<Impl>(settings, std::move(exchanges), std::move(adapters), store, locator,
                                   std::move(ask))) {}

QueryEngine::~QueryEngine() { impl_->pool.join(); }

void QueryEngine::run(PatientQuery query, Done done) {
  QueryMetrics* metrics = impl_->metrics.get();
  query.query_id = next_query_id();
  done = logged_query(query, std::move(done));
  if (in_flight_.fetch_add(1) >= impl_->settings.max_in_flight) {
    in_flight_.fetch_sub(1);
    if (metrics) metrics->refused();
    done(make_error(Errc::limit_exceeded,
                    "too many queries in flight (" + std::to_string(impl_->settings.max_in_flight) + "): retry shortly",
                    "query"));
    return;
  }
  if (metrics) metrics->started();
  // The record locator and consent reads may block on the store: not on the caller's thread.
  const auto accepted = Clock::now();
  asio::post(impl_->pool, [this, accepted, query = std::move(query), done = std::move(done)]() mutable {
    impl_->start(std::move(query), std::move(done), [this] { in_flight_.fetch_sub(1); }, accepted);
  });
}

void QueryEngine::Impl::fail(Done& done, const std::function<void()>& finished, Clock::time_point accepted,
                             Error error) {
  if (metrics) metrics->finished("error", Clock::now() - accepted);
  done(std::move(error));
  finished();
}

void QueryEngine::Impl::start(PatientQuery query, Done done, std::function<void()> finished,
                              Clock::time_point accepted) {
  auto location = locator.locate(query.identity);
  if (!location) return fail(done, finished, accepted, location.error());
  std::optional<store::ConsentRecord> consent;
  if (!location->nhs_number.empty()) {
    auto read = store.consent(location->nhs_number);
    if (!read) return fail(done, finished, accepted, read.error());
    consent = std::move(*read);
  }
  // A FHIR REST exchange never sends the broker anything, so the locator cannot know whom it
  // holds: it is asked every time (a patient it does not hold is a not-found, not a failure).
  for (const auto& e : exchanges)
    if (e.transport == config::Transport::fhir_rest && e.mode == config::ExchangeMode::live &&
        std::ranges::find(location->exchanges, e.id) == location->exchanges.end())
      location->exchanges.push_back(e.id);
  std::erase(location->exchanges, query.requester_exchange);
  std::ranges::sort(location->exchanges);
  QueryResult result;
  result.nhs_number = location->nhs_number;
  for (const auto& id : location->exchanges) result.exchanges.push_back({id, ExchangeResult::Kind::failed, {}, {}, {}, 0});
  auto fanout =
      std::make_shared<Fanout>(pool, std::move(result), std::move(done), std::move(finished), metrics.get(), accepted);

  // The stored exchanges file resources under the NHS number, else the identifier they came with.
  std::vector<std::string> patient_keys{query.identity.system + "|" + query.identity.value};
  if (!location->nhs_number.empty()) patient_keys.push_back(location->nhs_number);

  std::chrono::milliseconds longest{0};
  const auto ids = location->exchanges;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const config::Exchange* e = exchange(ids[i]);
    if (!e) {
      fanout->fill(i, {{}, ExchangeResult::Kind::failed, "the exchange is no longer configured", now_utc(), {}, 0});
    } else if (auto refusal = consent_refusal(consent, e->id); !refusal.empty()) {
      fanout->fill(i, {{}, ExchangeResult::Kind::skipped_by_consent, refusal, now_utc(), {}, 0});
    } else if (e->mode == config::ExchangeMode::stored) {
      asio::post(pool, [this, fanout, i, e, query, patient_keys] { read_stored(fanout, i, *e, query, patient_keys); });
    } else {
      longest = std::max(longest, deadline_of(*e));
      ask_live(fanout, i, *e, query, location->nhs_number);
    }
  }
  fanout->arm(longest + settings.grace);
}

void QueryEngine::Impl::read_stored(const std::shared_ptr<Fanout>& fanout, std::size_t index,
                                    const config::Exchange& exchange, const PatientQuery& query,
                                    std::vector<std::string> patient_keys) {
  ExchangeResult out{{}, ExchangeResult::Kind::stored, {}, now_utc(), {}, 0};
  auto rows = store.stored_resources(exchange.id, patient_keys);
  if (!rows) {
    out.kind = ExchangeResult::Kind::failed;
    out.detail = "the store could not be read";
    log::error({.request = query.request_id, .exchange = exchange.id, .query = query.query_id},
               "query: stored resources could not be read: {}", rows.error().describe());
    fanout->fill(index, std::move(out));
    return;
  }
  for (const auto& row : *rows) {
    model::Issues issues;
    auto resource = model::read_resource(row.json, issues);
    if (!resource) {
      ++out.translation_issues;  // written by this broker: only a bug or a hand-edited store gets here
      continue;
    }
    if (wanted(query, *resource)) out.resources.push_back(std::move(*resource));
  }
  if (rows->empty()) {
    out.kind = ExchangeResult::Kind::not_found;
    out.detail = "the exchange has sent nothing for this patient that is still kept";
  }
  fanout->fill(index, std::move(out));
}

void QueryEngine::Impl::ask_live(const std::shared_ptr<Fanout>& fanout, std::size_t index,
                                 const config::Exchange& exchange, const PatientQuery& query,
                                 const std::string& nhs_number) {
  peers::protocol::QueryRequest request;
  request.patient.push_back(query.identity);
  if (!nhs_number.empty() && query.identity.system != model::NhsNumber::system)
    request.patient.push_back({std::string(model::NhsNumber::system), nhs_number});
  request.resource_types = query.resource_types;
  request.date_ge = query.date_ge;
  request.date_le = query.date_le;
  request.deadline = deadline_of(exchange);
  request.query_id = query.query_id;
  // The transport may call back after the deadline, even after the engine is gone: only a query
  // still waiting (its timer holds it, and the engine joins its workers) takes the answer.
  std::weak_ptr<Fanout> waiting = fanout;
  ask(exchange, std::move(request), [this, waiting, index, &exchange, query](peers::PeerAnswer answer) {
    auto fanout = waiting.lock();
    if (!fanout) return;
    // Translation is CPU work of unbounded size: on the engine's workers, not the I/O thread.
    asio::post(pool, [this, fanout, index, &exchange, query, answer = std::move(answer)]() mutable {
      fanout->fill(index, translate(exchange, query, std::move(answer)));
    });
  });
}

ExchangeResult QueryEngine::Impl::translate(const config::Exchange& exchange, const PatientQuery& query,
                                            peers::PeerAnswer answer) const {
  using Outcome = peers::PeerAnswer::Outcome;
  ExchangeResult out{{}, ExchangeResult::Kind::answered, {}, now_utc(), {}, 0};
  switch (answer.outcome) {
    case Outcome::answered: break;
    case Outcome::error:
      out.kind = answer.error == "not-found" ? ExchangeResult::Kind::not_found : ExchangeResult::Kind::failed;
      out.detail = answer.error == "not-found" ? "the exchange holds no record of this patient"
                                               : "the exchange answered with an error: " + answer.error;
      return out;
    case Outcome::timed_out:
      out.kind = ExchangeResult::Kind::timed_out;
      out.detail = answer.error.empty() ? "no answer before the deadline" : answer.error;
      return out;
    case Outcome::not_connected:
      out.kind = ExchangeResult::Kind::not_connected;
      out.detail = answer.error.empty() ? "the exchange is not connected" : answer.error;
      return out;
    case Outcome::disconnected:
      out.kind = ExchangeResult::Kind::failed;
      out.detail = answer.error.empty() ? "the exchange disconnected before answering" : answer.error;
      return out;
  }
  const adapters::Adapter* adapter = adapters.find(exchange.id, answer.format.empty() ? exchange.format : answer.format);
  if (!adapter) {
    out.kind = ExchangeResult::Kind::failed;
    out.detail = "no adapter for the answer's format '" + answer.format.substr(0, 32) + "'";
    return out;
  }
  const adapters::Context context = adapter_context(exchange);
  std::size_t unreadable = 0;
  std::string first_error;
  for (const auto& payload : answer.payloads) {
    auto translation = adapter->to_model(payload, context);
    if (!translation) {
      if (unreadable++ == 0) first_error = translation.error().describe();
      continue;
    }
    out.translation_issues += translation->issues.size();
    for (auto& resource : translation->resources)
      if (wanted(query, resource)) out.resources.push_back(std::move(resource));
  }
  if (unreadable > 0) {
    // Records that cannot be read are lost to this answer: say so, loudly, in the outcome.
    out.kind = unreadable == answer.payloads.size() ? ExchangeResult::Kind::failed : ExchangeResult::Kind::answered;
    out.detail = std::to_string(unreadable) + " of " + std::to_string(answer.payloads.size()) +
                 " records could not be read as " + std::string(adapter->format()) + ": " + first_error;
    log::warn({.request = query.request_id, .exchange = exchange.id, .query = query.query_id},
              "query: {} of {} records could not be read", unreadable, answer.payloads.size());
  }
  return out;
}

}  // namespace hie::routing
