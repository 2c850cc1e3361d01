#pragma once
// The broker's configuration: parsed and validated once at start-up, then shared immutable.
// Every part compares equal member by member, so a reload can tell what changed.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hie::config {

/// TLS settings of a listener. Paths are resolved against the config file's folder.
struct TlsSettings {
  std::string cert;  ///< PEM certificate chain presented by the listener
  std::string key;   ///< PEM private key
  std::string ca;    ///< PEM CA bundle used to verify client certificates (mTLS)
  bool require_client_cert = false;
  std::string min_version = "1.2";  ///< "1.2" or "1.3"
  std::string ciphers;              ///< OpenSSL cipher list for TLS 1.2; empty = a strong default
  bool operator==(const TlsSettings&) const = default;
};

struct HttpListener {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;
  std::optional<TlsSettings> tls;
  bool operator==(const HttpListener&) const = default;
};

struct MllpListener {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 2575;
  std::optional<TlsSettings> tls;
  /// Exchange on whose behalf messages are taken when the sender is not otherwise known.
  std::string default_exchange;
  bool operator==(const MllpListener&) const = default;
};

struct Listeners {
  std::optional<HttpListener> http;
  /// A second HTTP listener, always TLS: the same routes plus /peer for exchanges with a client
  /// certificate, beside a plain `http` kept for loopback tools (metrics scrapers, curl).
  std::optional<HttpListener> https;
  std::optional<MllpListener> mllp;
  bool operator==(const Listeners&) const = default;
};

struct SqliteStore {
  std::string path;
  bool operator==(const SqliteStore&) const = default;
};
struct PostgresStore {
  std::string url;
  bool operator==(const PostgresStore&) const = default;
};
struct Store {
  std::optional<SqliteStore> sqlite;
  std::optional<PostgresStore> postgres;
  bool operator==(const Store&) const = default;
};

enum class Transport { websocket, mllp, fhir_rest };
enum class ExchangeMode { live, stored };

/// How the broker recognises an exchange, or reaches it.
struct Credentials {
  std::string cert_subject_cn;     ///< client certificate subject CN
  std::string cert_san;            ///< a subjectAltName (DNS or URI) of the client certificate
  std::string cert_sha256;         ///< SHA-256 fingerprint of the client certificate, lower-case hex
  std::vector<std::string> sending_facilities;  ///< MSH-4 values accepted for this exchange
  std::string base_url;            ///< FHIR REST base URL, for transport fhir-rest
  bool operator==(const Credentials&) const = default;
};

/// TLS towards a fhir-rest exchange's server (an https base_url). Paths are resolved against the
/// config file's folder. The server's certificate is always verified, and must name the host of
/// the base URL.
struct ClientTlsSettings {
  std::string ca;    ///< PEM CA bundle the server's certificate must chain to; empty: the system's
  std::string cert;  ///< PEM certificate chain presented to the server (mutual TLS); empty: none
  std::string key;   ///< the private key of `cert`
  bool operator==(const ClientTlsSettings&) const = default;
};

/// FHIR identifier system URI by assigning authority (or identifier type code), e.g.
/// {"HOSP", "https://hospital.example/mrn"}; keys are matched exactly.
using IdentifierSystems = std::map<std::string, std::string>;

/// An exchange's wish, written by the operator, to hear of some kinds of event.
struct Subscription {
  /// Event words: admission, discharge, transfer, demographics-update, merge, new-result, new-document.
  std::vector<std::string> events;
  std::string patients = "held";         ///< "held" (the record locator's), "listed", or "all"
  std::vector<std::string> nhs_numbers;  ///< the patients of "listed"
  bool operator==(const Subscription&) const = default;
};

/// Where the broker delivers events to an exchange that only speaks MLLP: it connects out as an
/// MLLP client (TLS with the exchange's `client_tls` when `tls`).
struct MllpDelivery {
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;
  bool operator==(const MllpDelivery&) const = default;
};

struct Exchange {
  std::string id;
  std::string display_name;
  std::string format;  ///< adapter name: "hl7v2", "cda", "fhir", "csv"
  /// Mapping file that configures the format (a CSV dialect: which column fills which element),
  /// resolved against the config file's folder; empty: none.
  std::string mapping;
  Transport transport = Transport::websocket;
  ExchangeMode mode = ExchangeMode::live;
  Credentials credentials;
  /// Offset ("+01:00", "Z") assumed for times the exchange sends without one; empty: none.
  std::string default_utc_offset;
  /// The top-level `identifier_systems` with this exchange's own entries laid over them.
  IdentifierSystems identifier_systems;
  /// Days the journal and stored resources keep this exchange's data; 0 keeps them forever.
  std::size_t retention_days = 0;
  /// TLS settings for calling the exchange's FHIR server (transport fhir-rest).
  ClientTlsSettings client_tls;
  /// How long a query to this live exchange may take, end to end; 0 when the exchange sets none
  /// (the query engine then uses `limits.query_timeout`).
  std::chrono::milliseconds query_timeout{0};
  std::vector<Subscription> subscriptions;
  std::optional<MllpDelivery> mllp_delivery;
  bool operator==(const Exchange&) const = default;
};

/// How events are delivered: at least once, retried with exponential backoff and jitter.
struct Events {
  std::chrono::milliseconds ack_timeout{10'000};  ///< an attempt without an ack by then failed
  std::size_t max_attempts = 10;                  ///< then the delivery is a dead letter
  std::chrono::milliseconds retry_initial{1000};  ///< the wait after the first failure; doubles
  std::chrono::milliseconds retry_max{600'000};   ///< the longest wait between attempts
  std::size_t backlog_alert = 10'000;  ///< pending deliveries of one subscriber that raise the alert metric
  std::size_t in_flight = 32;          ///< attempts awaiting an ack per subscriber (different patients)
  /// Hours a delivered delivery is kept once settled, and an event no delivery refers to any
  /// more once it occurred; 0 keeps them forever. Pending deliveries and dead letters stay.
  std::size_t delivered_retention_hours = 168;
  bool operator==(const Events&) const = default;
};

struct Limits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  std::size_t max_message_bytes = 8 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_exchange = 16;
  std::size_t record_locator_cache_entries = 100'000;
  /// Deadline of a query to a live exchange that sets no query_timeout of its own.
  std::chrono::milliseconds query_timeout{5000};
  bool operator==(const Limits&) const = default;
};

enum class LogFormat { text, json };

struct Logging {
  std::string level = "info";  ///< trace, debug, info, warn, error, critical, off
  LogFormat format = LogFormat::text;
  bool access_log = true;  ///< one info line per HTTP request answered
  bool operator==(const Logging&) const = default;
};

/// One key of an issuer given as a PEM file (SubjectPublicKeyInfo or a certificate).
struct JwtKeyFile {
  std::string kid;  ///< matched against the token header's `kid`; may be empty for a lone key
  std::string pem;  ///< resolved against the config file's folder
  bool operator==(const JwtKeyFile&) const = default;
};

/// An identity provider whose bearer tokens the broker accepts.
struct JwtIssuer {
  std::string issuer;    ///< the exact `iss` value
  std::string audience;  ///< must be in the token's `aud`
  std::vector<JwtKeyFile> keys;
  std::string jwks;  ///< a JWKS file (RSA and EC P-256 keys); empty: none
  bool operator==(const JwtIssuer&) const = default;
};

/// The development issuer behind `hiebroker dev-token`; its key also verifies.
struct DevIssuer {
  std::string issuer = "https://hiebroker.dev/issuer";
  std::string audience = "hiebroker-dev";
  std::string private_key;  ///< PEM private key (EC P-256 or RSA), resolved like other paths
  std::string kid = "dev";
  /// When the key file does not exist: false stops serve/check-config; true turns the
  /// development issuer off (config/demo.json, which runs before scripts/gen-dev-certs).
  bool optional = false;
  bool operator==(const DevIssuer&) const = default;
};

/// Bearer JWT verification: who is trusted, and how strictly.
struct Jwt {
  std::vector<JwtIssuer> issuers;
  std::chrono::seconds clock_skew{60};  ///< tolerance on exp and nbf
  std::size_t token_cache_entries = 10'000;  ///< verified tokens kept; 0: verify every time
  std::optional<DevIssuer> dev_issuer;
  bool operator==(const Jwt&) const = default;
};

/// An operator who reaches /admin with a client certificate (mutual TLS, chained to the HTTPS
/// listener's CA) instead of a bearer token.
struct OperatorCertificate {
  std::string name;             ///< who, for logs and audit
  std::string cert_subject_cn;  ///< matched against the certificate's subject CN
  std::string cert_sha256;      ///< or its SHA-256 fingerprint, lower-case hex
  std::string scope = "system/Endpoint.r";  ///< system scopes, space-separated, as a token's
  bool operator==(const OperatorCertificate&) const = default;
};

struct Security {
  Jwt jwt;
  std::vector<OperatorCertificate> operators;
  bool operator==(const Security&) const = default;
};

struct Config {
  std::string source_path;  ///< the file it was read from, for messages
  unsigned threads = 2;     ///< I/O threads running the io_context
  Listeners listeners;
  Store store;
  std::vector<Exchange> exchanges;
  Limits limits;
  Logging logging;
  Security security;
  Events events;
  bool operator==(const Config&) const = default;
};

/// The exchange with `id`, or nullptr.
const Exchange* find_exchange(const Config& config, std::string_view id);

std::string_view to_string(Transport transport);
std::string_view to_string(ExchangeMode mode);

}  // namespace hie::config
