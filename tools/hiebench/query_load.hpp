#pragma once
// Shared-care-record query load: N clients, each on its own keep-alive HTTP connection and
// thread, ask GET /fhir/Patient/{nhs}/$everything one after another with that patient's token,
// and time every answer.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hie::tools {

struct QueryLoadOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned clients = 8;
  unsigned queries = 1000;  ///< in total, shared among the clients
  /// (NHS number, bearer token) pairs; queries go round them.
  std::vector<std::pair<std::string, std::string>> patients;
  /// Exchanges every answer must name in its Provenance: fewer is counted as incomplete.
  unsigned expected_sources = 0;
};

struct QueryLoadResult {
  unsigned clients = 0;
  std::uint64_t sent = 0;
  std::uint64_t ok = 0;          ///< 200 with a searchset
  std::uint64_t incomplete = 0;  ///< 200, but fewer sources than expected
  std::uint64_t refused = 0;     ///< any other status
  std::uint64_t failed = 0;      ///< no answer: connection error or timeout
  double seconds = 0;
  std::vector<double> latencies_ms;  ///< one per 200, sorted
  double percentile_ms(double p) const;
};

QueryLoadResult run_query_load(const QueryLoadOptions& options);

}  // namespace hie::tools
