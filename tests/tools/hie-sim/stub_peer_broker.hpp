#pragma once
// A scripted stand-in for the broker's /peer endpoint (mutual TLS with the test PKI, then a
// WebSocket upgrade), and helpers for the tests that run hie-sim's PeerClient against it: each
// test plays the broker's side of one conversation.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "tests/support/test_certificates.hpp"
#include "tools/hie-sim/peer_client.hpp"
#include "tools/hie-sim/tls_client_context.hpp"

namespace hie::sim::stub {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using namespace std::chrono_literals;
using Websocket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
using Clock = std::chrono::steady_clock;

/// The broker's side: mutual TLS with the test PKI, then a WebSocket upgrade.
class StubBroker {
 public:
  explicit StubBroker(asio::io_context& io)
      : tls_(ssl::context::tls_server), acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    const auto& pki = testing::test_certificates();
    tls_.use_certificate_chain_file(pki.server_cert);
    tls_.use_private_key_file(pki.server_key, ssl::context::pem);
    tls_.load_verify_file(pki.ca_cert);
    tls_.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  /// The next connection, upgraded; `target` is the path the client asked for.
  asio::awaitable<std::unique_ptr<Websocket>> accept() {
    auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
    auto ws = std::make_unique<Websocket>(beast::tcp_stream(std::move(socket)), tls_);
    co_await ws->next_layer().async_handshake(ssl::stream_base::server, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::request<http::string_body> upgrade;
    co_await http::async_read(ws->next_layer(), buffer, upgrade, asio::use_awaitable);
    target = std::string(upgrade.target());
    co_await ws->async_accept(upgrade, asio::use_awaitable);
    ws->text(true);
    co_return ws;
  }

  std::string target;

 private:
  ssl::context tls_;
  asio::ip::tcp::acceptor acceptor_;
};

inline asio::awaitable<rapidjson::Document> read(Websocket& ws) {
  beast::flat_buffer buffer;
  co_await ws.async_read(buffer, asio::use_awaitable);
  rapidjson::Document doc;
  doc.Parse(beast::buffers_to_string(buffer.data()).c_str());
  EXPECT_FALSE(doc.HasParseError());
  co_return doc;
}

inline asio::awaitable<void> send(Websocket& ws, const std::string& text) {
  co_await ws.async_write(asio::buffer(text), asio::use_awaitable);
}

/// Waits for the client to close the connection; true when it did so with a close frame.
inline asio::awaitable<bool> closed_by_client(Websocket& ws) {
  beast::flat_buffer buffer;
  auto [ec, n] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
  co_return ec == websocket::error::closed;
}

inline std::string str(const rapidjson::Value& v, const char* name) {
  return v.HasMember(name) && v[name].IsString() ? v[name].GetString() : "(none)";
}

/// A reply of `type` to `request`, with `more` members ("\"duplicate\":false").
inline std::string reply(const rapidjson::Value& request, const char* type,
                         const std::string& more = "") {
  return std::string(R"({"type":")") + type + R"(","id":"b-)" + str(request, "id") + R"(","re":")" +
         str(request, "id") + "\"" + (more.empty() ? "" : "," + more) + "}";
}

inline Dataset north() {
  Dataset d{"north.json", "north-hie", "hl7v2", {}};
  d.patients.push_back({{{"https://fhir.nhs.uk/Id/nhs-number", "9434765919"}},
                        {{"/d/a.hl7", "a.hl7", "MSH|a\r"}, {"/d/b.hl7", "b.hl7", "MSH|b\r"}}});
  d.patients.push_back({{{"urn:mrn", "M2"}}, {{"/d/c.hl7", "c.hl7", "MSH|c\r"}}});
  return d;
}

inline PeerOptions options_for(std::uint16_t port) {
  const auto& pki = testing::test_certificates();
  PeerOptions o;
  o.url = "wss://127.0.0.1:" + std::to_string(port) + "/peer";
  o.endpoint = *parse_peer_url(o.url);
  o.tls = {pki.client_cert, pki.client_key, pki.ca_cert};
  return o;
}

/// Runs the broker's script and the client together; returns the client's exit code (-1 when it
/// did not finish within `limit`).
template <class Script>
int run(asio::io_context& io, PeerClient& client, Script script, std::chrono::seconds limit = 30s) {
  int code = -1;
  asio::co_spawn(io, std::move(script), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  asio::co_spawn(io, client.run(), [&](std::exception_ptr e, int c) {
    if (e) std::rethrow_exception(e);
    code = c;
  });
  io.run_for(limit);
  return code;
}

inline std::shared_ptr<ssl::context> client_tls(const PeerOptions& options) {
  return *make_client_tls_context(options.tls);
}

}  // namespace hie::sim::stub
