#pragma once
// The request/response types shared by the HTTP listener and the request handlers.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "broker/net/tls_identity.hpp"

#include <functional>
#include <optional>
#include <string>

namespace hie::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// Identifies a request in logs; never carries patient data.
struct RequestContext {
  std::string connection_id;  ///< "c17"
  std::string request_id;     ///< "c17-3"
  std::string peer_address;   ///< "127.0.0.1:50122"
  bool secure = false;        ///< the request came over TLS (links to it say https)
  /// The client certificate the TLS handshake verified, when one was presented.
  std::optional<PeerCertificate> client_certificate{};
};

/// Turns a request into a response. Sessions only do I/O; all meaning lives in the handler.
using HttpHandler =
    std::function<boost::asio::awaitable<HttpResponse>(HttpRequest&, const RequestContext&)>;

/// A plain-text response with the request's version and keep-alive.
HttpResponse text_response(const HttpRequest& request, unsigned status, std::string body,
                           std::string content_type = "text/plain; charset=utf-8");

}  // namespace hie::net
