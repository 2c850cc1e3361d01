#include "broker/api/admin_operator_routes.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>

#include "broker/api/bearer_auth.hpp"
#include "broker/api/fhir_response.hpp"
#include "broker/api/operator_stats.hpp"
#include "broker/api/router.hpp"
#include "broker/logging/log.hpp"
#include "broker/security/jwt_verifier.hpp"

namespace hie::api {

namespace asio = boost::asio;
namespace http = boost::beast::http;

extern const std::string_view kDashboardPage;  // dashboard/dashboard.html, embedded at build time

namespace {

constexpr std::string_view kJson = "application/json; charset=utf-8";
constexpr std::string_view kExchangesPrefix = "/admin/exchanges/";
constexpr std::string_view kDisconnectSuffix = "/disconnect";

net::HttpResponse no_store(net::HttpResponse response) {
  response.set(http::field::cache_control, "no-store");
  return response;
}

struct AdminOperator {
  AdminOperatorSettings settings;

  /// The caller's refusal (401 or 403), or nothing when an operator may do this.
  std::optional<net::HttpResponse> refusal(const net::HttpRequest& request, const net::RequestContext& context,
                                           bool write) const {
    auto caller = authenticate(settings.verifier.get(), request, context, settings.operators.get());
    if (auto* refused = std::get_if<net::HttpResponse>(&caller)) return std::move(*refused);
    return operator_refusal(*std::get<std::shared_ptr<const security::Principal>>(caller), request, "Endpoint", write);
  }

  net::HttpResponse disconnect(const net::HttpRequest& request, std::string_view path,
                               const net::RequestContext& context) const {
    std::string_view id = path.substr(kExchangesPrefix.size());
    id.remove_suffix(kDisconnectSuffix.size());
    if (std::ranges::find(settings.exchanges, id) == settings.exchanges.end())
      return outcome_response(request, 404, "not-found", "no configured exchange has this id");
    const std::size_t closed = settings.disconnect ? settings.disconnect(std::string(id)) : 0;
    log::write(log::Level::info, {context.connection_id, context.request_id, id}, "operator disconnected an exchange",
               {{"connections", closed}});
    return net::text_response(request, 200,
                              "{\"exchange\":\"" + std::string(id) + "\",\"closed\":" + std::to_string(closed) + "}",
                              std::string(kJson));
  }
};

bool is_disconnect(std::string_view path) {
  return path.starts_with(kExchangesPrefix) && path.ends_with(kDisconnectSuffix) &&
         path.size() > kExchangesPrefix.size() + kDisconnectSuffix.size() &&
         path.substr(kExchangesPrefix.size()).find('/') == path.size() - kExchangesPrefix.size() - kDisconnectSuffix.size();
}

net::HttpResponse dashboard_page(const net::HttpRequest& request) {
  auto response = net::text_response(request, 200, std::string(kDashboardPage), "text/html; charset=utf-8");
  // The page talks only to this broker; nothing else may load, frame or be reached from it.
  response.set("Content-Security-Policy",
               "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
               "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  return no_store(std::move(response));
}

}  // namespace

void add_admin_operator_routes(Router& router, AdminOperatorSettings settings) {
  auto admin = std::make_shared<AdminOperator>(std::move(settings));
  router.add("/admin/stats", {"GET"},
             [admin](net::HttpRequest& request, const net::RequestContext& context) -> asio::awaitable<net::HttpResponse> {
               if (auto refused = admin->refusal(request, context, false)) co_return std::move(*refused);
               co_return no_store(net::text_response(request, 200, admin->settings.stats->stats_json(), std::string(kJson)));
             });
  router.add("/admin/exchanges", {"GET"},
             [admin](net::HttpRequest& request, const net::RequestContext& context) -> asio::awaitable<net::HttpResponse> {
               if (auto refused = admin->refusal(request, context, false)) co_return std::move(*refused);
               co_return no_store(
                   net::text_response(request, 200, admin->settings.stats->exchanges_json(), std::string(kJson)));
             });
  router.add("/admin/exchanges/*", {"POST"},
             [admin](net::HttpRequest& request, const net::RequestContext& context) -> asio::awaitable<net::HttpResponse> {
               const std::string_view target = request.target();
               const std::string path(target.substr(0, target.find('?')));
               if (!is_disconnect(path))
                 co_return outcome_response(request, 404, "not-found", "POST /admin/exchanges/{id}/disconnect");
               if (auto refused = admin->refusal(request, context, true)) co_return std::move(*refused);
               co_return admin->disconnect(request, path, context);
             });
  router.add("/dashboard", {"GET", "HEAD"},
             [](net::HttpRequest& request, const net::RequestContext&) -> asio::awaitable<net::HttpResponse> {
               co_return dashboard_page(request);
             });
}

}  // namespace hie::api
