#pragma once
// A small FHIR REST server for the fhir-rest client's tests: real loopback sockets (port 0),
// plain or TLS, one coroutine per connection, keep-alive. It answers through a handler and
// records what it was asked and what it answered, so tests can compare both exactly.
// canned_fhir() builds a handler serving real sample Bundles from tests/data/fhir, with switches
// for the ways servers go wrong.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace hie::peers::testing {

struct FhirReply {
  unsigned status = 200;
  std::string content_type = "application/fhir+json;charset=utf-8";
  std::string body{};
  bool never = false;    ///< read the request, then never answer (the connection stays open)
  bool chunked = false;  ///< send the body chunked, without a Content-Length
  /// A head this much longer: half in the status line's reason phrase, half in an X-Padding field.
  std::size_t head_padding = 0;
};

/// What a request carried.
struct SeenRequest {
  std::string target, accept, host;
  bool tls = false;  ///< it came over TLS
};

/// Answers a request. Runs on the server's thread.
using FhirHandler = std::function<FhirReply(const SeenRequest& request)>;

class FhirTestServer {
 public:
  /// Listens on `bind`:0; TLS with `tls` when given.
  explicit FhirTestServer(FhirHandler handler,
                          std::shared_ptr<boost::asio::ssl::context> tls = nullptr,
                          const std::string& bind = "127.0.0.1");
  ~FhirTestServer();
  FhirTestServer(const FhirTestServer&) = delete;
  FhirTestServer& operator=(const FhirTestServer&) = delete;

  std::uint16_t port() const { return port_; }
  /// "http(s)://HOST:PORT/fhir".
  std::string base_url(const std::string& host = "127.0.0.1") const;

  std::vector<SeenRequest> requests() const;
  std::vector<std::string> targets() const;
  /// The bodies of the 2xx answers, in the order sent.
  std::vector<std::string> answered_bodies() const;
  std::size_t connections() const;
  /// The SNI name each TLS connection carried ("" when none).
  std::vector<std::string> server_names() const;
  /// The subject CN of each TLS connection's client certificate ("" when none).
  std::vector<std::string> client_names() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  bool tls_ = false;
};

/// Switches of canned_fhir(); the default serves one Patient and its $everything in one page.
struct CannedFhir {
  bool patient_unknown = false;      ///< the Patient search finds nobody
  unsigned search_status = 200;      ///< another status for the Patient search
  unsigned everything_status = 200;  ///< 404 or 501: no $everything (types are searched instead)
  bool everything_paged = false;     ///< $everything in three pages linked by `next`
  bool everything_links_elsewhere = false;  ///< $everything's page has a `next` on another server
  bool everything_never_answers = false;
  std::size_t everything_huge_bytes = 0;  ///< answer $everything with this many bytes, chunked
  bool everything_garbage = false;        ///< answer $everything with bytes that are not JSON
};

/// The Patient the canned server knows: its id (from the Synthea sample) and NHS number.
inline constexpr const char* kCannedPatientId = "3f6fd0bb-6cd3-eb3f-4401-cd38ace25f2b";
inline constexpr const char* kCannedNhsNumber = "9434765919";

/// Serves /fhir/Patient?identifier=... (a searchset of the Synthea Patient when the identifier
/// is the NHS number), /fhir/Patient/{id}/$everything (the Synthea Bundle, or pages of the
/// official example Bundles), /fhir/Observation and /fhir/Condition?patient=... (searchsets of
/// the official examples), and an empty searchset for other types; 404 elsewhere.
FhirHandler canned_fhir(CannedFhir switches);

/// A searchset Bundle holding `resources` (each one resource's JSON).
std::string searchset(const std::vector<std::string>& resources);

}  // namespace hie::peers::testing
