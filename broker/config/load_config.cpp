#include "broker/config/load_config.hpp"

#include <arpa/inet.h>
#include <boost/throw_exception.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "broker/config/json_source.hpp"
#include "broker/config/object_reader.hpp"
#include "broker/config/paths.hpp"
#include "broker/config/read_events.hpp"
#include "broker/config/read_security.hpp"
#include "broker/config/value_formats.hpp"
#include "broker/core/http_url.hpp"

namespace hie::config {
namespace {

namespace fs = std::filesystem;

bool is_ip_address(const std::string& text) {
  unsigned char scratch[sizeof(in6_addr)];
  return inet_pton(AF_INET, text.c_str(), scratch) == 1 || inet_pton(AF_INET6, text.c_str(), scratch) == 1;
}

/// A query waits for its slowest exchange; longer than this is no longer an interactive answer.
constexpr std::chrono::milliseconds kMaxQueryTimeout{300'000};

void read_tls(ObjectReader& parent, const char* key, std::optional<TlsSettings>& out,
              const std::string& base_dir) {
  auto tls = parent.object(key);
  if (!tls) return;
  TlsSettings s;
  tls->required("cert", s.cert);
  tls->required("key", s.key);
  tls->optional("ca", s.ca);
  tls->optional("require_client_cert", s.require_client_cert);
  tls->one_of("min_version", s.min_version, {"1.2", "1.3"});
  tls->optional("ciphers", s.ciphers);
  for (auto [name, value] : {std::pair{"cert", &s.cert}, {"key", &s.key}, {"ca", &s.ca}}) {
    if (value->empty()) continue;
    *value = resolve_path(base_dir, *value);
    std::error_code ec;
    if (!fs::exists(*value, ec)) tls->fail(name, "file not found: " + *value);
  }
  if (s.require_client_cert && s.ca.empty())
    tls->fail("ca", "require_client_cert needs a ca bundle to verify clients against");
  tls->finish();
  out = std::move(s);
}

void read_listeners(ObjectReader& root, Listeners& out, const std::string& base_dir) {
  auto listeners = root.object("listeners");
  if (!listeners) return;
  auto read_http = [&](const char* name, std::optional<HttpListener>& out_listener, std::uint16_t default_port) {
    auto http = listeners->object(name);
    if (!http) return;
    HttpListener h;
    h.port = default_port;
    http->optional("bind", h.bind);
    if (!is_ip_address(h.bind)) http->fail("bind", "expected an IPv4 or IPv6 address (got \"" + h.bind + "\")");
    http->optional("port", h.port);
    read_tls(*http, "tls", h.tls, base_dir);
    if (std::string_view(name) == "https" && !h.tls) http->fail("tls", "is required: listeners.https always runs TLS");
    http->finish();
    out_listener = std::move(h);
  };
  read_http("http", out.http, 8080);
  read_http("https", out.https, 8443);
  if (auto mllp = listeners->object("mllp")) {
    MllpListener m;
    mllp->optional("bind", m.bind);
    if (!is_ip_address(m.bind)) mllp->fail("bind", "expected an IPv4 or IPv6 address (got \"" + m.bind + "\")");
    mllp->optional("port", m.port);
    mllp->optional("default_exchange", m.default_exchange);
    read_tls(*mllp, "tls", m.tls, base_dir);
    mllp->finish();
    out.mllp = std::move(m);
  }
  listeners->finish();
}

void read_store(ObjectReader& root, Store& out, const std::string& base_dir) {
  auto store = root.object("store");
  if (!store) return;
  if (auto sqlite = store->object("sqlite")) {
    SqliteStore s;
    sqlite->required("path", s.path);
    s.path = resolve_path(base_dir, s.path);
    sqlite->finish();
    out.sqlite = std::move(s);
  }
  if (auto pg = store->object("postgres")) {
    PostgresStore s;
    pg->required("url", s.url);
    pg->finish();
    out.postgres = std::move(s);
  }
  if (out.sqlite && out.postgres) store->fail("postgres", "choose one store: sqlite or postgres");
  store->finish();
}

/// Reads the `identifier_systems` table of `reader` over `out`: an entry replaces one of the same
/// authority already there. Invalid entries are reported and left out.
void read_identifier_systems(ObjectReader& reader, IdentifierSystems& out) {
  IdentifierSystems table;
  reader.optional("identifier_systems", table);
  for (auto& [authority, system] : table) {
    const std::string setting = "identifier_systems." + authority;
    if (authority.empty()) {
      reader.fail(setting, "the assigning authority (or identifier type) must not be empty");
    } else if (!is_identifier_system_uri(system)) {
      reader.fail(setting, "expected an absolute URI: http(s)://HOST..., urn:oid:DOTTED.DIGITS or "
                           "urn:uuid:UUID (got \"" + system + "\")");
    } else {
      out[authority] = std::move(system);
    }
  }
}

/// Which exchange each certificate credential ("cert_subject_cn:north-hie") already belongs to.
using CertificateOwners = std::map<std::string, std::string>;

/// Reads an exchange's `credentials`. A certificate credential must name one exchange only: the
/// handshake would otherwise let a client in as whichever exchange comes first.
void read_credentials(ObjectReader& item, const std::string& exchange_id, Credentials& out,
                      CertificateOwners& certificate_owners) {
  auto creds = item.object("credentials");
  if (!creds) return;
  creds->optional("cert_subject_cn", out.cert_subject_cn);
  creds->optional("cert_san", out.cert_san);
  creds->optional("cert_sha256", out.cert_sha256);
  if (!out.cert_sha256.empty()) {
    // Compared with the fingerprint the broker computes, so kept in that one spelling.
    if (auto fingerprint = sha256_fingerprint(out.cert_sha256))
      out.cert_sha256 = *fingerprint;
    else
      creds->fail("cert_sha256", "expected a SHA-256 fingerprint: 64 hex digits, bare or in pairs separated by "
                                 "colons (got \"" + out.cert_sha256 + "\")");
  }
  for (auto [key, value] : {std::pair{"cert_subject_cn", &out.cert_subject_cn},
                            {"cert_san", &out.cert_san},
                            {"cert_sha256", &out.cert_sha256}}) {
    if (value->empty()) continue;
    auto [owner, added] = certificate_owners.emplace(std::string(key) + ":" + *value, exchange_id);
    if (!added && owner->second != exchange_id)
      creds->fail(key, "exchange '" + owner->second + "' has the same " + key + " (\"" + *value +
                           "\"): a certificate must name one exchange");
  }
  creds->optional("sending_facilities", out.sending_facilities);
  creds->optional("base_url", out.base_url);
  if (!out.base_url.empty()) {
    auto url = parse_http_url(out.base_url);
    if (!url || url->has_query || url->has_fragment)
      creds->fail("base_url", "expected an http:// or https:// URL with a host and no query or fragment (got \"" +
                                  out.base_url + "\")");
  }
  creds->finish();
}

/// Reads an exchange's `client_tls`: its files are checked like a listener's, and it is only taken
/// where there is an https server to call.
void read_client_tls(ObjectReader& item, const Exchange& exchange, ClientTlsSettings& out,
                     const std::string& base_dir) {
  auto tls = item.object("client_tls");
  if (!tls) return;
  tls->optional("ca", out.ca);
  tls->optional("cert", out.cert);
  tls->optional("key", out.key);
  for (auto [name, value] : {std::pair{"ca", &out.ca}, {"cert", &out.cert}, {"key", &out.key}}) {
    if (value->empty()) continue;
    *value = resolve_path(base_dir, *value);
    std::error_code ec;
    if (!fs::exists(*value, ec)) tls->fail(name, "file not found: " + *value);
  }
  if (out.cert.empty() != out.key.empty())
    tls->fail(out.cert.empty() ? "cert" : "key", "a client certificate needs both cert and key");
  tls->finish();
  if (exchange.transport == Transport::websocket)
    item.fail("client_tls", "is only for transport fhir-rest (the broker calls the exchange's FHIR server) "
                            "or an mllp exchange's mllp_delivery");
  else if (exchange.transport == Transport::mllp)
    return;  // for mllp_delivery: read_exchange_events checks it is there
  else if (auto url = parse_http_url(exchange.credentials.base_url); url && !url->is_tls())
    item.fail("client_tls", "credentials.base_url is plain http://: use https:// for TLS");
}

void read_exchanges(ObjectReader& root, const IdentifierSystems& default_systems, std::vector<Exchange>& out,
                    const std::string& base_dir) {
  std::set<std::string> ids;
  CertificateOwners certificate_owners;
  for (auto& item : root.array_of_objects("exchanges")) {
    Exchange e;
    item.required("id", e.id);
    item.optional("display_name", e.display_name);
    item.required("format", e.format);
    item.optional("mapping", e.mapping);
    if (!e.mapping.empty()) {
      e.mapping = resolve_path(base_dir, e.mapping);
      std::error_code ec;
      if (!fs::exists(e.mapping, ec)) item.fail("mapping", "file not found: " + e.mapping);
    }
    std::string transport = "websocket";
    item.one_of("transport", transport, {"websocket", "mllp", "fhir-rest"});
    e.transport = transport == "mllp"        ? Transport::mllp
                  : transport == "fhir-rest" ? Transport::fhir_rest
                                             : Transport::websocket;
    std::string mode = "live";
    item.one_of("mode", mode, {"live", "stored"});
    e.mode = mode == "stored" ? ExchangeMode::stored : ExchangeMode::live;
    read_credentials(item, e.id, e.credentials, certificate_owners);
    read_client_tls(item, e, e.client_tls, base_dir);
    std::chrono::milliseconds own_timeout{-1};  // stays negative when the exchange sets none
    item.optional("query_timeout_ms", own_timeout);
    if (own_timeout.count() >= 0) e.query_timeout = own_timeout;
    if (own_timeout.count() == 0 || own_timeout > kMaxQueryTimeout)
      item.fail("query_timeout_ms", "must be from 1 to " + std::to_string(kMaxQueryTimeout.count()));
    item.optional("default_utc_offset", e.default_utc_offset);
    if (!e.default_utc_offset.empty() && !is_utc_offset(e.default_utc_offset))
      item.fail("default_utc_offset", "expected Z or +HH:MM / -HH:MM, at most 14:00 (got \"" + e.default_utc_offset + "\")");
    e.identifier_systems = default_systems;
    read_identifier_systems(item, e.identifier_systems);
    read_exchange_events(item, e);
    item.optional("retention_days", e.retention_days);
    if (e.retention_days > 36'500) item.fail("retention_days", "must be from 0 (keep forever) to 36500");
    bool id_ok = !e.id.empty() && std::all_of(e.id.begin(), e.id.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!e.id.empty() && !id_ok) item.fail("id", "use lower-case letters, digits, - and _ only");
    if (!e.id.empty() && !ids.insert(e.id).second) item.fail("id", "exchange id '" + e.id + "' is used twice");
    if (e.transport == Transport::fhir_rest && e.credentials.base_url.empty())
      item.fail("credentials", "transport fhir-rest needs credentials.base_url");
    if (e.display_name.empty()) e.display_name = e.id;
    item.finish();
    out.push_back(std::move(e));
  }
}

void read_limits(ObjectReader& root, Limits& out) {
  auto limits = root.object("limits");
  if (!limits) return;
  limits->optional("max_header_bytes", out.max_header_bytes);
  limits->optional("max_body_bytes", out.max_body_bytes);
  limits->optional("max_message_bytes", out.max_message_bytes);
  limits->optional("idle_timeout_ms", out.idle_timeout);
  limits->optional("handshake_timeout_ms", out.handshake_timeout);
  limits->optional("request_timeout_ms", out.request_timeout);
  limits->optional("max_connections", out.max_connections);
  limits->optional("max_connections_per_exchange", out.max_connections_per_exchange);
  limits->optional("record_locator_cache_entries", out.record_locator_cache_entries);
  limits->optional("query_timeout_ms", out.query_timeout);
  if (out.query_timeout.count() == 0 || out.query_timeout > kMaxQueryTimeout)
    limits->fail("query_timeout_ms", "must be from 1 to " + std::to_string(kMaxQueryTimeout.count()));
  if (out.record_locator_cache_entries > 10'000'000)
    limits->fail("record_locator_cache_entries", "must be from 0 (no cache) to 10000000");
  // Upper bounds keep one request's reservation (Beast reserves the announced body) sane.
  constexpr std::size_t kMiB = 1024 * 1024;
  for (auto [name, value, max] : {std::tuple{"max_header_bytes", out.max_header_bytes, 1 * kMiB},
                                  {"max_body_bytes", out.max_body_bytes, 256 * kMiB},
                                  {"max_message_bytes", out.max_message_bytes, 256 * kMiB},
                                  {"max_connections", out.max_connections, std::size_t{1'000'000}},
                                  {"max_connections_per_exchange", out.max_connections_per_exchange,
                                   std::size_t{1'000'000}}})
    if (value == 0 || value > max)
      limits->fail(name, "must be from 1 to " + std::to_string(max));
  for (auto [name, value] : {std::pair{"idle_timeout_ms", out.idle_timeout},
                             {"handshake_timeout_ms", out.handshake_timeout},
                             {"request_timeout_ms", out.request_timeout}})
    if (value.count() == 0) limits->fail(name, "must be greater than 0");
  limits->finish();
}

void read_logging(ObjectReader& root, Logging& out) {
  auto logging = root.object("logging");
  if (!logging) return;
  logging->one_of("level", out.level, {"trace", "debug", "info", "warn", "error", "critical", "off"});
  std::string format = "text";
  logging->one_of("format", format, {"text", "json"});
  out.format = format == "json" ? LogFormat::json : LogFormat::text;
  logging->optional("access_log", out.access_log);
  logging->finish();
}

void check_cross_references(ObjectReader& root, const Config& config) {
  if (config.listeners.mllp && !config.listeners.mllp->default_exchange.empty()) {
    const auto& wanted = config.listeners.mllp->default_exchange;
    if (!find_exchange(config, wanted))
      root.fail_at("listeners.mllp.default_exchange", "names exchange '" + wanted + "', which is not configured");
  }
}

/// Errors in the order a reader meets them in the file; command-line overrides last.
void sort_by_line(std::vector<Error>& errors, const std::string& file) {
  auto line_of = [&](const Error& e) -> std::size_t {
    const auto& where = e.location();
    if (where.size() <= file.size() + 1 || where.compare(0, file.size() + 1, file + ":") != 0)
      return std::numeric_limits<std::size_t>::max();
    return std::stoul(where.substr(file.size() + 1));
  };
  std::stable_sort(errors.begin(), errors.end(),
                   [&](const Error& a, const Error& b) { return line_of(a) < line_of(b); });
}

}  // namespace

boost::system::result<Config, ConfigErrors> parse_config(std::string_view text, const std::string& file,
                                                         const std::vector<std::string>& overrides,
                                                         const std::string& base_dir) {
  auto source = JsonSource::parse(text, file);
  if (!source) return ConfigErrors({source.error()});
  std::vector<Error> errors;
  for (const auto& assignment : overrides)
    if (auto applied = source->apply_override(assignment); !applied) errors.push_back(applied.error());
  if (!errors.empty()) return ConfigErrors(std::move(errors));

  Config config;
  config.source_path = file;
  ObjectReader root(*source, source->document(), "", errors);
  root.optional("threads", config.threads);
  if (config.threads == 0 || config.threads > 256) root.fail("threads", "must be between 1 and 256");
  read_listeners(root, config.listeners, base_dir);
  read_store(root, config.store, base_dir);
  IdentifierSystems default_systems;
  read_identifier_systems(root, default_systems);
  read_exchanges(root, default_systems, config.exchanges, base_dir);
  read_limits(root, config.limits);
  read_logging(root, config.logging);
  read_security(root, config.security, base_dir);
  read_events(root, config.events);
  root.finish();
  check_cross_references(root, config);
  if (!errors.empty()) {
    sort_by_line(errors, file);
    return ConfigErrors(std::move(errors));
  }
  return config;
}

boost::system::result<Config, ConfigErrors> load_config(const std::string& path,
                                                        const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return ConfigErrors({Error(Errc::io_error, "cannot read configuration file", path)});
  std::ostringstream text;
  text << in.rdbuf();
  auto dir = fs::path(path).parent_path().string();
  return parse_config(text.str(), path, overrides, dir.empty() ? "." : dir);
}

void throw_exception_from_error(const ConfigErrors& e, const boost::source_location& loc) {
  boost::throw_exception(ErrorException(e.errors.empty() ? Error() : e.errors.front()), loc);
}

const Exchange* find_exchange(const Config& config, std::string_view id) {
  auto it = std::find_if(config.exchanges.begin(), config.exchanges.end(), [&](const Exchange& e) { return e.id == id; });
  return it == config.exchanges.end() ? nullptr : &*it;
}

std::string_view to_string(Transport transport) {
  switch (transport) {
    case Transport::websocket: return "websocket";
    case Transport::mllp: return "mllp";
    case Transport::fhir_rest: return "fhir-rest";
  }
  return "websocket";
}

std::string_view to_string(ExchangeMode mode) { return mode == ExchangeMode::stored ? "stored" : "live"; }

}  // namespace hie::config
