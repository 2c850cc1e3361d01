#include "broker/api/router.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include "broker/logging/log.hpp"

namespace hie::api {

namespace http = boost::beast::http;

struct Router::Impl {
  struct Route {
    std::string pattern;
    std::vector<std::string> methods;
    net::HttpHandler handler;
  };
  std::vector<Route> routes;
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  prometheus::Family<prometheus::Histogram>* latency = nullptr;
  std::mutex mutex;
  std::map<std::pair<std::string, unsigned>, prometheus::Counter*> request_counters;
  std::map<std::string, prometheus::Histogram*> latency_histograms;

  const Route* match(std::string_view path) const {
    for (const auto& route : routes) {
      const auto& p = route.pattern;
      if (!p.empty() && p.back() == '*') {
        if (path.substr(0, p.size() - 1) == std::string_view(p).substr(0, p.size() - 1)) return &route;
      } else if (path == p) {
        return &route;
      }
    }
    return nullptr;
  }

  void record(const std::string& route, unsigned status, double seconds) {
    std::lock_guard lock(mutex);
    auto& counter = request_counters[{route, status}];
    if (!counter) counter = &requests->Add({{"route", route}, {"status", std::to_string(status)}});
    counter->Increment();
    auto& histogram = latency_histograms[route];
    if (!histogram)
      histogram = &latency->Add({{"route", route}},
                                prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
    histogram->Observe(seconds);
  }
};

Router::Router(prometheus::Registry& registry) : impl_(std::make_shared<Impl>()) {
  impl_->requests = &prometheus::BuildCounter()
                         .Name("hie_http_requests_total")
                         .Help("HTTP requests answered, by route pattern and status code")
                         .Register(registry);
  impl_->latency = &prometheus::BuildHistogram()
                        .Name("hie_http_request_duration_seconds")
                        .Help("Time from a complete request to its response being ready, by route pattern")
                        .Register(registry);
}

Router::~Router() = default;

void Router::add(std::string pattern, std::vector<std::string> methods, net::HttpHandler handler) {
  impl_->routes.push_back({std::move(pattern), std::move(methods), std::move(handler)});
}

net::HttpHandler Router::handler() {
  return [impl = impl_](net::HttpRequest& request,
                        const net::RequestContext& context) -> boost::asio::awaitable<net::HttpResponse> {
    const auto started = std::chrono::steady_clock::now();
    std::string_view target = request.target();
    std::string_view path = target.substr(0, target.find('?'));
    const Impl::Route* route = impl->match(path);
    std::string label = route ? route->pattern : "unmatched";
    std::string method(request.method_string());

    net::HttpResponse response;
    if (!route) {
      response = net::text_response(request, 404, "not found\n");
    } else if (std::find(route->methods.begin(), route->methods.end(), method) == route->methods.end()) {
      response = net::text_response(request, 405, "method not allowed\n");
      std::string allow;
      for (const auto& m : route->methods) allow += (allow.empty() ? "" : ", ") + m;
      response.set(http::field::allow, allow);
    } else {
      try {
        response = co_await route->handler(request, context);
      } catch (const std::exception& e) {
        // The exception text may quote the request: only at debug.
        log::error({context.connection_id, context.request_id}, "handler for {} threw", label);
        log::debug({context.connection_id, context.request_id}, "handler exception: {}", e.what());
        response = net::text_response(request, 500, "internal error\n");
      } catch (...) {
        log::error({context.connection_id, context.request_id}, "handler for {} threw", label);
        response = net::text_response(request, 500, "internal error\n");
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const unsigned status = response.result_int();
    impl->record(label, status, seconds);
    // The access line is the session's (net/access_log.hpp): it sees the response written.
    log::debug({context.connection_id, context.request_id}, "http target {}", target);
    co_return response;
  };
}

}  // namespace hie::api
