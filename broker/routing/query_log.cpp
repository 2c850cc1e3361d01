#include "broker/routing/query_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <random>
#include <vector>

#include "broker/logging/log.hpp"

namespace hie::routing {
namespace {

using Clock = std::chrono::steady_clock;
using Kind = ExchangeResult::Kind;
constexpr std::array kKinds{Kind::answered,  Kind::stored,        Kind::not_found,         Kind::failed,
                            Kind::timed_out, Kind::not_connected, Kind::skipped_by_consent};

double milliseconds(Clock::duration d) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) / 1000.0;
}

/// What the caller needs to name the query once `done` runs; PatientQuery itself has moved on.
struct Names {
  std::string query_id;
  std::string request_id;
  std::string requester;
};

void log_outcome(const Names& names, const Result<QueryResult>& result, Clock::duration took) {
  const log::Context context{.request = names.request_id, .query = names.query_id};
  if (!result) {
    // The error's message may quote the store; its code is a fixed word.
    log::write(log::Level::info, context, "query failed",
               {{"error", to_string(result.error().code())}, {"ms", milliseconds(took)}});
    log::debug(context, "query error: {}", result.error().describe());
    return;
  }
  std::vector<log::Field> fields;
  fields.emplace_back("exchanges", result->exchanges.size());
  std::size_t resources = 0;
  for (const auto& e : result->exchanges) resources += e.resources.size();
  for (Kind kind : kKinds) {
    const auto n = std::ranges::count(result->exchanges, kind, &ExchangeResult::kind);
    if (n > 0) fields.emplace_back(to_string(kind), n);
  }
  fields.emplace_back("resources", resources);
  fields.emplace_back("ms", milliseconds(took));
  if (!names.requester.empty()) fields.emplace_back("requester", std::string_view(names.requester));
  log::write(log::Level::info, context, "query finished", fields);
  if (!log::enabled(log::Level::debug)) return;
  for (const auto& e : result->exchanges)
    log::write(log::Level::debug, {.request = names.request_id, .exchange = e.exchange, .query = names.query_id},
               "query exchange outcome",
               {{"outcome", to_string(e.kind)}, {"resources", e.resources.size()}, {"detail", e.detail}});
}

}  // namespace

std::string next_query_id() {
  static const unsigned prefix = std::random_device{}() & 0xffffu;
  static std::atomic<std::uint64_t> next{1};
  return fmt::format("{:04x}-{:x}", prefix, next.fetch_add(1));
}

QueryEngine::Done logged_query(const PatientQuery& query, QueryEngine::Done done) {
  Names names{query.query_id, query.request_id, query.requester_exchange};
  // The identifier's system says what kind of lookup this is; its value stays out even here.
  log::write(log::Level::debug, {.request = names.request_id, .query = names.query_id}, "query started",
             {{"identifier_system", query.identity.system},
              {"types", query.resource_types.size()},
              {"requester", query.requester_exchange}});
  return [names = std::move(names), started = Clock::now(), done = std::move(done)](Result<QueryResult> result) mutable {
    log_outcome(names, result, Clock::now() - started);
    done(std::move(result));
  };
}

}  // namespace hie::routing
