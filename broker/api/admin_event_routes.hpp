#pragma once
// /admin/events/*: operators see who subscribed to what, each subscriber's backlog and dead
// letters, and put dead letters (or a time range of events) back in line. A system token with
// system/Subscription.r reads; system/Subscription.u replays. JSON, documented in docs/events.md.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/routing/event_dispatcher.hpp"

namespace hie::security {
class TokenVerifier;
}
namespace hie::store {
class Store;
}

namespace hie::api {

class Router;
class OperatorCertificates;

struct AdminEventSettings {
  std::shared_ptr<const security::TokenVerifier> verifier;
  store::Store& store;
  std::vector<std::string> subscribers;  ///< exchanges that may receive events
  std::function<std::vector<routing::SubscriberState>()> states;  ///< the dispatcher's view, live
  std::function<void()> replayed;  ///< deliveries were put back in line: look at them now
  std::shared_ptr<const OperatorCertificates> operators = nullptr;  ///< who may use a client certificate
};

/// GET /admin/events/subscriptions, /admin/events/backlog,
/// /admin/events/dead-letters?subscriber=&_count=&before=; POST /admin/events/dead-letters/replay
/// {"subscriber", "seq"?}, POST /admin/events/replay {"subscriber", "from", "to"}.
void add_admin_event_routes(Router& router, AdminEventSettings settings);

}  // namespace hie::api
