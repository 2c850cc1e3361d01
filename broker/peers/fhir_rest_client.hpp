#pragma once
// Asks a live exchange that serves FHIR R4 REST (transport fhir-rest) at query time, over HTTPS
// (or plain HTTP when its base URL says http://): finds the Patient by identifier, then reads
// Patient/{id}/$everything, or each resource type's search when the server has no $everything.
// The answer is a PeerAnswer like a WebSocket peer's, so the query engine treats both alike.
// The conversation is described in docs/peer-protocol.md ("FHIR REST exchanges").

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/config/config.hpp"
#include "broker/core/result.hpp"
#include "broker/peers/peer_answer.hpp"
#include "broker/peers/peer_protocol.hpp"

namespace boost::asio {
class io_context;
}

namespace hie::peers {

class PeerMetrics;

struct FhirRestSettings {
  std::size_t max_header_bytes = 16 * 1024;  ///< one response's header
  std::size_t max_body_bytes =
      8 * 1024 * 1024;      ///< one response's body; a larger one fails the query
  unsigned max_pages = 10;  ///< pages of one $everything or search read by following `next` links
  unsigned max_patients = 10;  ///< Patients of one identifier search asked about
  std::string user_agent = "hiebroker";
  std::shared_ptr<PeerMetrics> metrics;  ///< counts each query's outcome when set
};

/// Settings from the configuration's limits (header and body sizes).
FhirRestSettings fhir_rest_settings(const config::Limits& limits);

/// The broker's client of fhir-rest exchanges. A cheap handle: copies share one client. Its
/// io_context must outlive every query in flight.
class FhirRestClient {
 public:
  /// Prepares a TLS context for each fhir-rest exchange with an https base URL in `exchanges`,
  /// so a CA, certificate or key that cannot be used stops start-up: the error names the
  /// exchange and the file. Queries run on `io`'s threads, each on its own strand.
  static Result<FhirRestClient> create(boost::asio::io_context& io, FhirRestSettings settings,
                                       const std::vector<config::Exchange>& exchanges);

  /// Asks `exchange` (its credentials.base_url and client_tls) for the records of `request`'s
  /// patient. `done` runs exactly once, never inside this call, on one of the io_context's
  /// threads: `answered` (format "fhir", payloads: the response Bundles' JSON as received),
  /// `error` ("not-found" when no Patient matches, else a short reason free of patient data), or
  /// `timed_out` when `request.deadline`, counted from now, passes first; it covers the whole
  /// conversation (name lookup, connect, TLS handshake, every request). Thread-safe.
  void query(const config::Exchange& exchange, protocol::QueryRequest request,
             std::function<void(PeerAnswer)> done) const;

 private:
  struct Shared;
  explicit FhirRestClient(std::shared_ptr<Shared> shared);
  std::shared_ptr<Shared> shared_;
};

}  // namespace hie::peers
