#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "broker/api/admin_consent_routes.hpp"
#include "broker/api/fhir_routes.hpp"
#include "broker/api/health_routes.hpp"
#include "broker/api/peer_queries.hpp"
#include "broker/api/admin_event_routes.hpp"
#include "broker/api/admin_operator_routes.hpp"
#include "broker/api/operator_certificates.hpp"
#include "broker/api/operator_stats.hpp"
#include "broker/api/router.hpp"
#include "broker/cli/commands.hpp"
#include "broker/cli/config_reload.hpp"
#include "broker/cli/config_flags.hpp"
#include "broker/cli/serve_events.hpp"
#include "broker/config/paths.hpp"
#include "broker/logging/log.hpp"
#include "broker/net/http_session.hpp"
#include "broker/net/listener.hpp"
#include "broker/net/mllp_session.hpp"
#include "broker/net/tls_context.hpp"
#include "adapters/registry.hpp"
#include "broker/peers/exchange_directory.hpp"
#include "broker/peers/fhir_rest_client.hpp"
#include "broker/peers/mllp_ingest.hpp"
#include "broker/peers/peer_endpoint.hpp"
#include "broker/routing/query_engine.hpp"
#include "broker/routing/translator.hpp"
#include "broker/store/retention.hpp"
#include "broker/store/sqlite_store.hpp"

namespace hie::cli {

namespace asio = boost::asio;

namespace {

constexpr const char* kUsage =
    "usage: hiebroker serve --config FILE [--set PATH=VALUE]...\n"
    "\n"
    "Runs the broker. --set overrides any setting by its path, e.g.\n"
    "  --set listeners.http.port=0   (0 picks a free port)\n"
    "Prints one line per listener on stdout: listening NAME ADDRESS:PORT\n"
    "SIGINT or SIGTERM stops it cleanly (exit 0); a second signal stops it at once.\n"
    "SIGHUP reads the configuration again and applies what can change while running (the log\n"
    "level, exchanges' credentials); connections stay open; the log names what needs a restart.\n";

/// Stops accepting, then waits (bounded) for connections in flight before stopping the loop.
class GracefulShutdown {
 public:
  GracefulShutdown(asio::io_context& io, std::vector<std::shared_ptr<net::Listener>> listeners,
                   std::shared_ptr<api::Readiness> readiness, std::chrono::milliseconds grace)
      : io_(io), timer_(io), listeners_(std::move(listeners)), readiness_(std::move(readiness)), grace_(grace) {}

  void begin() {
    if (started_) {
      log::warn({}, "second stop signal: stopping now");
      io_.stop();
      return;
    }
    started_ = true;
    readiness_->ready = false;
    log::info({}, "shutting down: no new connections; finishing requests in flight");
    for (auto& listener : listeners_) listener->shutdown();
    deadline_ = std::chrono::steady_clock::now() + grace_;
    poll();
  }

 private:
  void poll() {
    std::size_t open = 0;
    for (auto& listener : listeners_) open += listener->open_connections();
    if (open == 0) {
      log::info({}, "all connections closed");
      io_.stop();
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline_) {
      log::warn({}, "grace period over with {} connections open: stopping", open);
      io_.stop();
      return;
    }
    timer_.expires_after(std::chrono::milliseconds(20));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) poll();
    });
  }

  asio::io_context& io_;
  asio::steady_timer timer_;
  std::vector<std::shared_ptr<net::Listener>> listeners_;
  std::shared_ptr<api::Readiness> readiness_;
  std::chrono::milliseconds grace_;
  std::chrono::steady_clock::time_point deadline_;
  bool started_ = false;
};

/// SIGHUP, for as long as the broker runs: reload the configuration (config_reload.hpp).
void reload_on_hangup(asio::signal_set& hangup, const Args& args, config::Config& in_force,
                      peers::ExchangeDirectory& directory) {
  hangup.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    log::info({}, "received SIGHUP: reading the configuration again");
    in_force = reload_configuration(in_force, *args.value("--config"), args.values("--set"), directory);
    reload_on_hangup(hangup, args, in_force, directory);
  });
}

void wait_for_signals(asio::signal_set& signals, GracefulShutdown& shutdown) {
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    log::info({}, "received signal {}", signal);
    shutdown.begin();
    wait_for_signals(signals, shutdown);
  });
}

}  // namespace

int serve_command(int argc, char** argv) {
  auto flags = parse_config_flags(argc, argv, "serve", kUsage);
  if (const int* exit_code = std::get_if<int>(&flags)) return *exit_code;
  const Args& args = std::get<Args>(flags);
  auto loaded = load_config_or_report(args);
  if (!loaded) return 1;
  const config::Config config = std::move(*loaded);
  auto exchange_adapters = exchange_adapters_or_report(config);
  if (!exchange_adapters) return 1;
  log::configure(config.logging.level, config.logging.format == config::LogFormat::json);

  asio::io_context io(static_cast<int>(config.threads));
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildGauge()
      .Name("hie_build_info")
      .Help("Always 1; the labels say which hiebroker is running")
      .Register(*registry)
      .Add({{"version", HIE_VERSION}})
      .Set(1);
  // Every key file is read now: a bad one stops the broker before it listens.
  auto token_verifier = token_verifier_or_report(config, registry.get());
  if (!token_verifier) return 1;
  if (const auto& dev = config.security.jwt.dev_issuer; dev && dev->optional && !config::path_exists(dev->private_key))
    log::warn({}, "security.jwt.dev_issuer: {} does not exist, so development tokens are off "
                  "(scripts/gen-dev-certs writes it)", dev->private_key);
  log::info({}, "bearer tokens: {} trusted issuers", (*token_verifier)->issuers().size());
  auto readiness = std::make_shared<api::Readiness>();
  api::Router router(*registry);
  api::add_health_routes(router, registry, readiness);

  // The store outlives the I/O threads: declared after `io`, destroyed before it, and its
  // destructor commits whatever is still queued.
  std::unique_ptr<store::SqliteStore> store;
  if (const auto& sqlite = config.store.sqlite) {
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(sqlite->path).parent_path(), ignored);
    auto opened = store::SqliteStore::open({.path = sqlite->path, .registry = registry.get()});
    if (!opened) {
      std::cerr << "hiebroker serve: store.sqlite: " << opened.error().describe() << "\n";
      return 1;
    }
    store = std::move(*opened);
    log::info({}, "store: SQLite journal at {}", sqlite->path);
  } else if (config.store.postgres) {
    std::cerr << "hiebroker serve: store.postgres: this build has no PostgreSQL backend yet; use store.sqlite\n";
    return 1;
  }

  // Events: the configured subscriptions go into the store; the dispatcher (started once the
  // peers can be reached) delivers what translation raises. Destroyed before the store.
  std::optional<EventDelivery> events;
  if (store) {
    auto made = make_event_delivery(io.get_executor(), config, *store, *exchange_adapters, registry.get());
    if (!made) {
      std::cerr << "hiebroker serve: " << made.error().describe() << "\n";
      return 1;
    }
    events = std::move(*made);
  }

  // Translates what was journaled (also what an earlier run left pending), after the ACK.
  std::unique_ptr<routing::RecordLocator> locator;
  std::unique_ptr<routing::Translator> translator;
  if (store) {
    locator = std::make_unique<routing::RecordLocator>(*store, config.limits.record_locator_cache_entries);
    routing::TranslatorOptions translator_options;
    translator_options.events_committed = [dispatcher = events->dispatcher.get()] { dispatcher->nudge(); };
    translator = std::make_unique<routing::Translator>(*store, config.exchanges, *exchange_adapters,
                                                       registry.get(), locator.get(), translator_options);
    translator->start();
  }

  // Prunes what is older than each exchange's retention_days, and delivered events older than
  // events.delivered_retention_hours, in small batches.
  std::unique_ptr<store::Retention> retention;
  if (store) {
    store::RetentionPolicy policy;
    for (const auto& e : config.exchanges)
      if (e.retention_days > 0) policy.exchanges.push_back({e.id, std::chrono::hours(24 * e.retention_days)});
    policy.delivered_events = std::chrono::hours(config.events.delivered_retention_hours);
    retention = std::make_unique<store::Retention>(*store, std::move(policy),
                                                   store::RetentionOptions{.metrics = registry.get()});
    retention->start();
  }

  auto directory = std::make_shared<peers::ExchangeDirectory>(config.exchanges);  // a reload replaces its exchanges
  // Operators may reach /admin with a client certificate (security.operators) instead of a token.
  auto operator_certificates = std::make_shared<const api::OperatorCertificates>(config.security.operators);
  std::vector<std::shared_ptr<net::Listener>> listeners;
  auto open_listener = [&](net::ListenerOptions options, const std::optional<config::TlsSettings>& tls,
                           net::SessionRunner runner) -> bool {
    const std::string name = options.name;
    if (tls) {
      auto context = net::make_server_tls_context(*tls);
      if (!context) {
        std::cerr << "hiebroker serve: listeners." << name << ".tls: " << context.error().describe() << "\n";
        return false;
      }
      options.tls = *context;
      // Mutual TLS: only an exchange's certificate completes the handshake (on HTTP, an operator's too).
      if (tls->require_client_cert && options.protocol == "http")
        options.accept_client_certificate = [exchanges = peers::accept_exchange_certificates(directory),
                                             operator_certificates](const net::PeerCertificate& certificate) {
          return exchanges(certificate) || operator_certificates->principal_for(certificate) != nullptr;
        };
      else if (tls->require_client_cert)
        options.accept_client_certificate = peers::accept_exchange_certificates(directory);
    }
    auto listener = net::Listener::open(io, std::move(options), std::move(runner), *registry);
    if (!listener) {
      std::cerr << "hiebroker serve: " << listener.error().describe() << "\n";
      return false;
    }
    listeners.push_back(*listener);
    return true;
  };
  // /peer: exchanges over WebSocket, on any HTTP listener that runs TLS (a certificate is the
  // exchange's identity). It journals what they publish, so it needs the store.
  auto ingest_metrics = std::make_shared<peers::IngestMetrics>(*registry);
  auto peer_query_answerer = std::make_shared<api::PeerQueryAnswerer>();  // set once the engine exists
  std::shared_ptr<peers::PeerEndpoint> peer_endpoint;
  if (store) {
    peers::PeerEndpointSettings peer_settings{
        config.limits.max_connections_per_exchange, std::string("hiebroker ") + HIE_VERSION,
        [t = translator.get()] { t->nudge(); },
        [l = locator.get()](const std::vector<store::PatientSighting>& sightings) { l->learned(sightings); },
        // Peers' own queries go to the query engine, made below (it asks peers through this endpoint).
        [answerer = peer_query_answerer](const config::Exchange& requester, peers::protocol::Query query,
                                         std::function<void(Result<std::string>)> answer) {
          (*answerer)(requester, std::move(query), std::move(answer));
        },
        [dispatcher = events->dispatcher.get()](const std::string& exchange) { dispatcher->reachable(exchange); },
        [dispatcher = events->dispatcher.get()](const std::string&) { dispatcher->nudge(); }};
    peer_endpoint = std::make_shared<peers::PeerEndpoint>(std::move(peer_settings), directory, *store, ingest_metrics,
                                                          std::make_shared<peers::PeerMetrics>(*registry));
    events->transport->set_peers(peer_endpoint);
  }
  // Live fhir-rest exchanges are asked over HTTPS at query time; a client_tls CA, certificate or
  // key that cannot be used stops start-up here rather than failing every query later.
  auto fhir_rest = peers::FhirRestClient::create(io, peers::fhir_rest_settings(config.limits), config.exchanges);
  if (!fhir_rest) {
    std::cerr << "hiebroker serve: " << fhir_rest.error().message() << " (" << fhir_rest.error().location() << ")\n";
    return 1;
  }
  // Configured exchange ids, sorted: what the API and admin routes accept by name.
  std::vector<std::string> exchange_ids;
  for (const auto& e : config.exchanges) exchange_ids.push_back(e.id);
  std::ranges::sort(exchange_ids);
  // The shared care record: queries fan out to live exchanges over /peer or to their FHIR REST
  // servers, stored ones are read from the store; /fhir/* answers patients and clinicians.
  std::unique_ptr<routing::QueryEngine> query_engine;
  if (store) {
    routing::AskExchange ask = [peers = std::weak_ptr<peers::PeerEndpoint>(peer_endpoint), fhir_rest = *fhir_rest](
                                   const config::Exchange& exchange, peers::protocol::QueryRequest request,
                                   std::function<void(peers::PeerAnswer)> done) {
      if (exchange.transport == config::Transport::fhir_rest) {
        fhir_rest.query(exchange, std::move(request), std::move(done));
        return;
      }
      auto endpoint = peers.lock();
      if (!endpoint || exchange.transport != config::Transport::websocket) {
        done({peers::PeerAnswer::Outcome::not_connected,
              "the broker cannot reach this exchange's transport (" + std::string(config::to_string(exchange.transport)) +
                  ") at query time",
              {}, {}});
        return;
      }
      endpoint->query(exchange.id, std::move(request), std::move(done));
    };
    routing::QueryEngineSettings engine_settings;
    engine_settings.default_deadline = config.limits.query_timeout;
    engine_settings.registry = registry.get();
    query_engine = std::make_unique<routing::QueryEngine>(engine_settings, config.exchanges,
                                                          *exchange_adapters, *store, *locator, std::move(ask));
    api::add_fhir_routes(router, {HIE_VERSION, store::format_utc(std::chrono::system_clock::now()), {}, exchange_ids},
                         *token_verifier, *query_engine, *store);
    api::add_admin_consent_routes(router, *token_verifier, *store, exchange_ids, operator_certificates);
    api::add_admin_event_routes(
        router, {*token_verifier, *store, exchange_ids,
                 [dispatcher = events->dispatcher.get()] { return dispatcher->states(); },
                 [dispatcher = events->dispatcher.get()] { dispatcher->nudge(); }, operator_certificates});
  }
  // What operators watch: /admin/stats (read from the metrics once a second), /admin/exchanges,
  // disconnecting an exchange's peers, and the /dashboard page.
  auto operator_stats = std::make_shared<api::OperatorStats>(
      api::OperatorStatsSettings{registry, config.exchanges, HIE_VERSION});
  api::add_admin_operator_routes(
      router, {*token_verifier, operator_stats, exchange_ids,
               [peers = std::weak_ptr<peers::PeerEndpoint>(peer_endpoint)](const std::string& exchange) -> std::size_t {
                 auto endpoint = peers.lock();
                 return endpoint ? endpoint->disconnect(exchange, "disconnected by an operator") : 0;
               },
               operator_certificates});
  auto http_runner = [&](const std::optional<config::TlsSettings>& tls) {
    net::WebSocketRoutes websockets;
    if (tls && peer_endpoint) websockets.emplace("/peer", peer_endpoint);
    return net::http_session_runner(router.handler(), std::move(websockets), config.logging.access_log);
  };
  if (const auto& http = config.listeners.http) {
    if (!open_listener({"http", "http", http->bind, http->port, config.limits, nullptr, {}}, http->tls,
                       http_runner(http->tls)))
      return 1;
  }
  if (const auto& https = config.listeners.https) {
    if (!open_listener({"https", "http", https->bind, https->port, config.limits, nullptr, {}}, https->tls,
                       http_runner(https->tls)))
      return 1;
  }
  if (const auto& mllp = config.listeners.mllp) {
    if (!store) {
      std::cerr << "hiebroker serve: listeners.mllp needs a store: messages are acknowledged only once stored\n";
      return 1;
    }
    auto ingest = std::make_shared<peers::MllpIngest>(
        peers::MllpIngestSettings{mllp->default_exchange, [t = translator.get()] { t->nudge(); },
                                  config.limits.max_connections_per_exchange},
        directory, *store,
        ingest_metrics);
    if (!open_listener({"mllp", "mllp", mllp->bind, mllp->port, config.limits, nullptr, {}}, mllp->tls,
                       net::mllp_session_runner(std::move(ingest))))
      return 1;
  }
  // Peers reach the broker over the TLS listener: the fullUrls of their answers name it.
  if (query_engine) {
    std::string base = "urn:hiebroker:fhir";
    for (auto& listener : listeners)
      if (listener->name() == "https" || (listener->name() == "http" && config.listeners.http && config.listeners.http->tls)) {
        auto endpoint = listener->local_endpoint();
        base = "https://" + endpoint.address().to_string() + ":" + std::to_string(endpoint.port()) + "/fhir";
        break;
      }
    *peer_query_answerer = api::peer_query_answerer(*query_engine, *store, base);
  }
  if (listeners.empty()) {
    std::cerr << "hiebroker serve: no listener configured (listeners.http, listeners.https, listeners.mllp)\n";
    return 1;
  }

  // Signals are caught before the `listening` lines go out: whoever reads them may stop us at once.
  GracefulShutdown shutdown(io, listeners, readiness, config.limits.request_timeout);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  wait_for_signals(signals, shutdown);
  config::Config in_force = config;
  asio::signal_set hangup(io, SIGHUP);
  reload_on_hangup(hangup, args, in_force, *directory);

  for (auto& listener : listeners) {
    auto endpoint = listener->local_endpoint();
    std::cout << "listening " << listener->name() << " " << endpoint.address().to_string() << ":"
              << endpoint.port() << std::endl;
    listener->start();
  }
  if (events) events->dispatcher->start();
  operator_stats->start(io.get_executor());
  readiness->ready = true;
  log::info({}, "hiebroker {} serving with {} threads", HIE_VERSION, config.threads);

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < config.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  log::info({}, "stopped");
  return 0;
}

}  // namespace hie::cli
