#pragma once
// Maps method + path to handlers and counts every request by route and status. Routes are
// labelled by their pattern, never by the concrete path, so no patient identifier can reach a
// metric label. (The access log is written by the HTTP session: net/access_log.hpp.)

#include <memory>
#include <string>
#include <vector>

#include "broker/net/http_types.hpp"

namespace prometheus {
class Registry;
}

namespace hie::api {

class Router {
 public:
  explicit Router(prometheus::Registry& registry);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// Adds a route for an exact path ("/healthz") or a prefix ending in '*' ("/admin/*").
  /// `methods` lists the allowed methods ("GET"); others get 405.
  void add(std::string pattern, std::vector<std::string> methods, net::HttpHandler handler);

  /// The HttpHandler for the listener: dispatch, metrics, errors as 404/405/500.
  net::HttpHandler handler();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hie::api
