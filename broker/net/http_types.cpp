#include "broker/net/http_types.hpp"

namespace hie::net {

namespace http = boost::beast::http;

HttpResponse text_response(const HttpRequest& request, unsigned status, std::string body,
                           std::string content_type) {
  HttpResponse response{static_cast<http::status>(status), request.version()};
  response.set(http::field::server, "hiebroker");
  response.set(http::field::content_type, content_type);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

}  // namespace hie::net
