#pragma once
// Runs a Listener (HTTP, or any session runner) on 127.0.0.1:0 with its own io_context thread, for tests.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <prometheus/registry.h>

#include <thread>

#include "broker/metrics/exposition.hpp"
#include "broker/net/http_session.hpp"
#include "broker/net/listener.hpp"
#include "broker/net/tls_context.hpp"
#include "tests/support/test_certificates.hpp"

namespace hie::net::testing {

class TestServer {
 public:
  TestServer(config::Limits limits, HttpHandler handler, std::shared_ptr<boost::asio::ssl::context> tls = nullptr,
             ClientCertificateCheck accept_client_certificate = {})
      : TestServer(limits, http_session_runner(std::move(handler)), "http", std::move(tls),
                   std::move(accept_client_certificate)) {}

  TestServer(config::Limits limits, SessionRunner runner, const std::string& protocol,
             std::shared_ptr<boost::asio::ssl::context> tls = nullptr,
             ClientCertificateCheck accept_client_certificate = {})
      : work_(io_.get_executor()) {
    ListenerOptions options{protocol, protocol, "127.0.0.1", 0, limits, std::move(tls),
                            std::move(accept_client_certificate)};
    auto opened = Listener::open(io_, std::move(options), std::move(runner), registry_);
    if (!opened) throw std::runtime_error(opened.error().describe());
    listener_ = *opened;
    listener_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TestServer() {
    listener_->shutdown();
    work_.reset();
    // Sessions end on their own once drained; don't let a stuck one hang the test binary.
    for (int i = 0; i < 500 && listener_->open_connections() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return listener_->local_endpoint().port(); }
  Listener& listener() { return *listener_; }
  std::string metrics() const { return metrics::render_text(registry_); }
  /// True once the metrics text contains `needle`. The server may count a refusal just after
  /// the client has seen the connection close, so tests wait briefly rather than race.
  bool metrics_eventually_contain(const std::string& needle,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (metrics().find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  prometheus::Registry registry_;
  std::shared_ptr<Listener> listener_;
  std::thread thread_;
};

/// A server context on the test PKI (tests/support/test_certificates): its server certificate,
/// and its CA for client certificates, which `require_client_cert` makes mandatory.
inline std::shared_ptr<boost::asio::ssl::context> test_tls_context(bool require_client_cert) {
  const auto& pki = hie::testing::test_certificates();
  config::TlsSettings settings;
  settings.cert = pki.server_cert;
  settings.key = pki.server_key;
  settings.ca = pki.ca_cert;
  settings.require_client_cert = require_client_cert;
  auto context = make_server_tls_context(settings);
  if (!context) throw std::runtime_error(context.error().describe());
  return *context;
}

/// A handler answering 200 with "echo <method> <target>".
inline HttpHandler echo_handler() {
  return [](HttpRequest& request, const RequestContext&) -> boost::asio::awaitable<HttpResponse> {
    co_return text_response(request, 200,
                            std::string(request.method_string()) + " " + std::string(request.target()) +
                                " " + std::to_string(request.body().size()));
  };
}

}  // namespace hie::net::testing
