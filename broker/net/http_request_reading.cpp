#include "broker/net/http_request_reading.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace hie::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

void limit_request_parser(RequestParser& parser, const config::Limits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
}

boost::system::error_code check_head_size(std::size_t head_bytes, std::size_t max_header_bytes) {
  if (head_bytes > max_header_bytes) return http::error::header_limit;
  return {};
}

std::string read_failure_reason(const boost::system::error_code& ec, bool had_bytes) {
  if (ec == http::error::header_limit) return "header_too_large";
  if (ec == http::error::body_limit) return "body_too_large";
  if (ec == beast::error::timeout) return had_bytes ? "timeout" : "";
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
      ec == asio::ssl::error::stream_truncated)
    return had_bytes ? "truncated" : "";
  return "malformed";
}

unsigned refusal_status(std::string_view reason) {
  if (reason == "header_too_large") return 431;
  if (reason == "body_too_large") return 413;
  return 400;
}

}  // namespace hie::net
