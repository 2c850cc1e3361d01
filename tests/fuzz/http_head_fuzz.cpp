// libFuzzer target: any bytes as what a client sends an HTTP listener of the broker, read as the
// session reads it and handed to the broker's per-request code, without sockets.
//
// The bytes go, request after request while keep-alive lasts, through a Beast request parser set
// up by the session's own limit_request_parser and checked by its check_head_size
// (net/http_request_reading), once with the configuration's default limits and once with small
// ones so that 413 and 431 are reachable with short inputs. A read that fails maps to the session's
// refusal (read_failure_reason, refusal_status). A request that parses goes, as the session hands
// it over, to a WebSocket endpoint (an upgrade to /peer) or to an api::Router holding the serve
// command's route patterns, run on a local io_context: /fhir/* reads the request
// (read_fhir_request) and authenticates its bearer token (authenticate: bearer_token, then the JWT
// verifier) as FhirApi::handle does; /admin/* authenticates an operator as the admin routes do; the
// other routes answer 200.
//
// Invariants: no crash, no hang, no sanitizer report; the same request, or a refusal, whether
// the bytes arrive in one read or two; a refusal is 431 only for a head over the header limit,
// 413 for a body over its limit, 400 for anything else unreadable; a request that parses has a head
// and a body within the limits; a response's status is one its route can give (never 500: no
// handler threw), 405 naming the allowed methods, 401 with a Bearer challenge whose quoting holds;
// no response header holds a control character; a FHIR error is an OperationOutcome with its
// diagnostics; the metrics label requests by route pattern only; every log line is one line, and no
// line at info or above quotes a run of ten or more digits (an NHS number) from the target.

#include <prometheus/registry.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <algorithm>
#include <array>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "broker/api/bearer_auth.hpp"
#include "broker/api/fhir_request.hpp"
#include "broker/api/fhir_response.hpp"
#include "broker/api/operator_certificates.hpp"
#include "broker/api/router.hpp"
#include "broker/logging/log.hpp"
#include "broker/net/http_request_reading.hpp"
#include "broker/security/jws_signer.hpp"
#include "broker/security/jwt_verifier.hpp"
#include "tests/fuzz/run_handler.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/security/test_keys.hpp"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace hie;

/// Every line the broker logs, at every level.
struct LogLine {
  spdlog::level::level_enum level;
  std::string text;
};
std::vector<LogLine> g_lines;

class CapturingSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    g_lines.push_back({message.level, std::string(message.payload.data(), message.payload.size())});
  }
  void flush_() override {}
};

struct Route {
  std::string pattern;
  std::vector<std::string> methods;
};

/// The serve command's routes (broker/cli/serve_command.cpp), in the order it adds them.
const std::vector<Route> kRoutes = {
    {"/healthz", {"GET", "HEAD"}},
    {"/readyz", {"GET", "HEAD"}},
    {"/metrics", {"GET"}},
    {"/fhir/*", {"GET", "HEAD", "POST"}},
    {"/admin/consents/*", {"GET", "PUT"}},
    {"/admin/events/*", {"GET", "POST"}},
    {"/admin/stats", {"GET"}},
    {"/admin/exchanges", {"GET"}},
    {"/admin/exchanges/*", {"POST"}},
    {"/dashboard", {"GET", "HEAD"}},
};

struct Broker {
  Broker() {
    log::configure("debug", false, std::make_shared<CapturingSink>());
    auto signer = security::JwsSigner::from_private_key_pem(
                      security::testing::ec_key().private_pem, "e1")
                      .value();
    std::vector<security::TrustedIssuer> issuers = {
        {"https://idp.example", "https://broker.example/fhir", {{"e1", "", signer.public_key()}}}};
    verifier =
        security::TokenVerifier::create(std::move(issuers), {std::chrono::seconds(60), 0}).value();
    operators = std::make_shared<api::OperatorCertificates>(
        std::vector<config::OperatorCertificate>{{"ops", "ops.example", "", "system/Endpoint.r"}});
    for (const auto& route : kRoutes) {
      const bool fhir = route.pattern == "/fhir/*";
      const bool admin = route.pattern.starts_with("/admin/");
      router.add(route.pattern, route.methods,
                 [this, fhir, admin](net::HttpRequest& request, const net::RequestContext& context)
                     -> asio::awaitable<net::HttpResponse> {
                   if (fhir) co_return handle_fhir(request, context);
                   if (admin) co_return handle_admin(request, context);
                   co_return net::text_response(request, 200, "ok\n");
                 });
    }
    handler = router.handler();
  }

  /// FhirApi::handle up to the point where the query engine would take over.
  net::HttpResponse handle_fhir(const net::HttpRequest& request,
                                const net::RequestContext& context) const {
    auto fhir = api::read_fhir_request(request.method_string(), request.target());
    if (!fhir) return api::error_response(request, fhir.error());
    if (fhir->kind == api::FhirRequest::Kind::metadata)
      return api::fhir_response(request, 200, "{}");
    auto caller = api::authenticate(verifier.get(), request, context);
    if (auto* refusal = std::get_if<net::HttpResponse>(&caller)) return std::move(*refusal);
    return net::text_response(request, 200, "ok\n");
  }

  /// AdminOperator::refusal, then 200.
  net::HttpResponse handle_admin(const net::HttpRequest& request,
                                 const net::RequestContext& context) const {
    auto caller = api::authenticate(verifier.get(), request, context, operators.get());
    if (auto* refusal = std::get_if<net::HttpResponse>(&caller)) return std::move(*refusal);
    const auto& principal = *std::get<std::shared_ptr<const security::Principal>>(caller);
    if (auto refusal = api::operator_refusal(principal, request, "Endpoint",
                                             request.method() != http::verb::get))
      return std::move(*refusal);
    return net::text_response(request, 200, "ok\n");
  }

  prometheus::Registry registry;
  api::Router router{registry};
  net::HttpHandler handler;
  std::shared_ptr<security::TokenVerifier> verifier;
  std::shared_ptr<api::OperatorCertificates> operators;
};

/// What reading one request from the front of `bytes` came to, as the session sees it.
struct Read {
  boost::system::error_code ec;  ///< the error the session's read ends with
  std::size_t used = 0;          ///< bytes of the request
  std::optional<net::HttpRequest> request;
};

/// Reads one request as the session does, the bytes arriving in reads that end at `cuts` (each
/// read is put to the parser along with what it left unused), then the peer closing.
Read read_request(std::string_view bytes, const config::Limits& limits,
                  std::vector<std::size_t> cuts) {
  net::RequestParser parser;
  net::limit_request_parser(parser, limits);
  cuts.push_back(bytes.size());
  Read read;
  std::size_t received = 0;
  for (std::size_t cut : cuts) {
    received = std::max(received, std::min(cut, bytes.size()));
    while (!parser.is_done() && read.used < received) {
      const bool had_head = parser.is_header_done();
      const auto used =
          parser.put(asio::buffer(bytes.data() + read.used, received - read.used), read.ec);
      read.used += used;
      if (read.ec == http::error::need_more) {
        read.ec = {};
        break;
      }
      // The session checks the head's size once it is read (the parser stops after the head).
      if (!read.ec && !had_head && parser.is_header_done())
        read.ec = net::check_head_size(read.used, limits.max_header_bytes);
      if (read.ec) return read;
      if (used == 0) break;
    }
    if (parser.is_done()) break;
  }
  if (!parser.is_done()) {
    // The peer closed: what Beast's read does at end of stream.
    if (parser.got_some())
      parser.put_eof(read.ec);
    else
      read.ec = http::error::end_of_stream;
    if (read.ec) return read;
  }
  read.request = parser.release();
  return read;
}

bool same_request(const net::HttpRequest& a, const net::HttpRequest& b) {
  if (a.method_string() != b.method_string() || a.target() != b.target() ||
      a.version() != b.version() || a.body() != b.body())
    return false;
  auto i = a.begin(), j = b.begin();
  for (; i != a.end() && j != b.end(); ++i, ++j)
    if (i->name_string() != j->name_string() || i->value() != j->value()) return false;
  return i == a.end() && j == b.end();
}

/// Runs of ten or more digits in `text`: what an NHS number in a target looks like.
std::vector<std::string> long_digit_runs(std::string_view text) {
  std::vector<std::string> runs;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j - i >= 10) runs.emplace_back(text.substr(i, j - i));
    i = j == i ? i + 1 : j;
  }
  return runs;
}

bool has_control(std::string_view text) {
  return std::ranges::any_of(
      text, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

/// The route `path` goes to, as the Router matches (first pattern that fits).
const Route* route_for(std::string_view path) {
  for (const auto& route : kRoutes) {
    std::string_view p = route.pattern;
    if (p.ends_with('*') ? path.starts_with(p.substr(0, p.size() - 1)) : path == p) return &route;
  }
  return nullptr;
}

void check_response(const net::HttpRequest& request, const net::HttpResponse& response) {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  const unsigned status = response.result_int();
  CHECK(status != 500);
  for (const auto& field : response)
    CHECK(!has_control(field.name_string()) && !has_control(field.value()));

  const Route* route = route_for(path);
  if (!route) {
    CHECK(status == 404);
    return;
  }
  const std::string method(request.method_string());
  if (std::ranges::find(route->methods, method) == route->methods.end()) {
    CHECK(status == 405);
    std::string allow;
    for (const auto& m : route->methods) allow += (allow.empty() ? "" : ", ") + m;
    CHECK(response[http::field::allow] == allow);
    return;
  }
  const std::string_view challenge = response[http::field::www_authenticate];
  CHECK((status == 401) == !challenge.empty());
  if (status == 401) {
    CHECK(challenge.starts_with("Bearer realm=\"hiebroker\""));
    // Each quoted parameter stays inside its quotes.
    CHECK(std::ranges::count(challenge, '"') % 2 == 0 &&
          challenge.find('\\') == std::string_view::npos);
  }
  if (route->pattern == "/fhir/*") {
    auto fhir = api::read_fhir_request(request.method_string(), target);
    if (!fhir) {
      const unsigned expected = fhir.error().code() == Errc::not_found ? 404 : 400;
      CHECK(status == expected);
      CHECK(response.body().find("\"diagnostics\"") !=
            std::string::npos);  // not the fallback outcome
    } else {
      CHECK(status == 200 || status == 401);
    }
  } else if (route->pattern.starts_with("/admin/")) {
    CHECK(status == 200 || status == 401 || status == 403);
  } else {
    CHECK(status == 200);
  }
}

/// The metrics label each series by a route pattern (or "unmatched"), never by a path.
void check_metric_labels(const prometheus::Registry& registry) {
  for (const auto& family : registry.Collect())
    for (const auto& metric : family.metric)
      for (const auto& label : metric.label)
        if (label.name == "route")
          CHECK(label.value == "unmatched" || std::ranges::any_of(kRoutes, [&](const Route& r) {
                  return r.pattern == label.value;
                }));
}

void check_log(const net::HttpRequest& request) {
  const auto runs = long_digit_runs(request.target());
  const std::string_view method = request.method_string();
  for (const auto& line : g_lines) {
    CHECK(line.text.find_first_of("\r\n") == std::string::npos);
    if (line.level < spdlog::level::info) continue;
    for (const auto& run : runs)
      CHECK(line.text.find(run) == std::string::npos || method.find(run) != std::string_view::npos);
  }
}

/// The session's answer to a request it could not read, per read_failure_reason/refusal_status.
/// Some bytes of the request had arrived (the loop reads only while bytes remain).
void check_refusal(const Read& read, const config::Limits& limits, std::string_view bytes) {
  const std::string reason = net::read_failure_reason(read.ec, true);
  const unsigned status = net::refusal_status(reason);
  if (read.ec == http::error::header_limit) {
    CHECK(reason == "header_too_large" && status == 431);
    // The head (through its blank line) does not fit the limit.
    const auto end = bytes.find("\r\n\r\n");
    CHECK(end == std::string_view::npos || end + 4 > limits.max_header_bytes);
  } else if (read.ec == http::error::body_limit) {
    CHECK(reason == "body_too_large" && status == 413);
  } else {
    CHECK(reason == "malformed" && status == 400);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Broker broker;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const bool small : {false, true}) {
    config::Limits limits;  // the configuration's defaults
    if (small) {
      limits.max_header_bytes = 256;
      limits.max_body_bytes = 64;
    }
    std::string_view rest = bytes;
    for (unsigned sequence = 1; !rest.empty(); ++sequence) {
      auto read = read_request(rest, limits, {});
      // Two reads split in the middle come to the same request, or a refusal too. Not always the
      // same refusal: Beast's parser, given part of a head, only looks for its end, so a bad line
      // or value it reports at once (400) in one read can come out as the head over the limit (431)
      // or a partial message (400) in two.
      auto split = read_request(rest, limits, {rest.size() / 2});
      CHECK(split.request.has_value() == read.request.has_value());
      if (read.request)
        CHECK(split.used == read.used && same_request(*read.request, *split.request));

      if (read.ec) {
        check_refusal(read, limits, rest);
        check_refusal(split, limits, rest);
        break;
      }
      net::HttpRequest& request = *read.request;
      CHECK(request.body().size() <= limits.max_body_bytes);
      const auto head_end = rest.find("\r\n\r\n");
      CHECK(head_end != std::string_view::npos && head_end + 4 <= limits.max_header_bytes);
      rest.remove_prefix(read.used);
      if (small) {
        if (!request.keep_alive()) break;
      } else {
        const std::string_view target = request.target();
        // The session hands an upgrade to /peer to the WebSocket endpoint (an HTTPS listener's).
        if (boost::beast::websocket::is_upgrade(request) &&
            target.substr(0, target.find('?')) == "/peer")
          break;
        g_lines.clear();
        const std::string connection = "c1";
        net::RequestContext context{connection, connection + "-" + std::to_string(sequence),
                                    "127.0.0.1:50000", true, std::nullopt};
        // Half the connections (by the input's length) come with a client certificate that names an
        // operator, which admin routes accept in place of a token.
        if (bytes.size() % 2 == 0)
          context.client_certificate = net::PeerCertificate{"ops.example", {}, "00"};
        auto response = fuzz::run_handler(broker.handler, request, context);
        CHECK(response.has_value());
        check_response(request, *response);
        check_log(request);
        if (!(response->keep_alive() && request.keep_alive())) break;
      }
    }
  }
  check_metric_labels(broker.registry);
  return 0;
}
