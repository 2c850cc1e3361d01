#pragma once
// /healthz (the process is alive), /readyz (it is taking traffic), /metrics (Prometheus text).

#include <atomic>
#include <memory>

namespace prometheus {
class Registry;
}

namespace hie::api {

class Router;

/// Flipped by the serve command: ready once every listener is up, not ready while draining.
struct Readiness {
  std::atomic<bool> ready{false};
};

void add_health_routes(Router& router, std::shared_ptr<prometheus::Registry> registry,
                       std::shared_ptr<Readiness> readiness);

}  // namespace hie::api
