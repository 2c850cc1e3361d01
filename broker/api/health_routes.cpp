#include "broker/api/health_routes.hpp"

#include <prometheus/registry.h>

#include "broker/api/router.hpp"
#include "broker/metrics/exposition.hpp"
#include "broker/metrics/process_metrics.hpp"

namespace hie::api {

void add_health_routes(Router& router, std::shared_ptr<prometheus::Registry> registry,
                       std::shared_ptr<Readiness> readiness) {
  router.add("/healthz", {"GET", "HEAD"},
             [](net::HttpRequest& request, const net::RequestContext&) -> boost::asio::awaitable<net::HttpResponse> {
               co_return net::text_response(request, 200, "ok\n");
             });
  router.add("/readyz", {"GET", "HEAD"},
             [readiness](net::HttpRequest& request,
                         const net::RequestContext&) -> boost::asio::awaitable<net::HttpResponse> {
               if (readiness->ready) co_return net::text_response(request, 200, "ready\n");
               co_return net::text_response(request, 503, "not ready\n");
             });
  auto process = std::make_shared<metrics::ProcessMetrics>(*registry);
  router.add("/metrics", {"GET"},
             [registry, process](net::HttpRequest& request,
                                 const net::RequestContext&) -> boost::asio::awaitable<net::HttpResponse> {
               process->update();
               co_return net::text_response(request, 200, metrics::render_text(*registry),
                                            metrics::kTextContentType);
             });
}

}  // namespace hie::api
