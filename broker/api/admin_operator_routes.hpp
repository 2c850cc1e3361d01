#pragma once
// What operators watch and do: GET /admin/stats (the dashboard's source), GET /admin/exchanges,
// POST /admin/exchanges/{id}/disconnect, and the /dashboard page itself. Reads need an operator's
// system token with system/Endpoint.r (or .u to disconnect); the page holds no data and is open.

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hie::security {
class TokenVerifier;
}

namespace hie::api {

class Router;
class OperatorStats;
class OperatorCertificates;

struct AdminOperatorSettings {
  std::shared_ptr<const security::TokenVerifier> verifier;
  std::shared_ptr<const OperatorStats> stats;
  std::vector<std::string> exchanges;  ///< configured exchange ids
  /// Closes an exchange's peer connections; returns how many. Empty: nothing can be disconnected.
  std::function<std::size_t(const std::string& exchange)> disconnect;
  std::shared_ptr<const OperatorCertificates> operators = nullptr;  ///< who may use a client certificate
};

void add_admin_operator_routes(Router& router, AdminOperatorSettings settings);

}  // namespace hie::api
