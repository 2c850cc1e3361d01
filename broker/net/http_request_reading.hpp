#pragma once
// How an HTTP session reads a request: the parser with the listener's limits, and what a read
// that failed is answered with. Pure, so the fuzz target reads bytes exactly as a session does.

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

#include "broker/config/config.hpp"

namespace hie::net {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

/// Sets `limits`' header and body limits on a parser about to read one request.
void limit_request_parser(RequestParser& parser, const config::Limits& limits);

/// http::error::header_limit when an HTTP head (a request's, or a response's) of `head_bytes`,
/// read whole, is over `max_header_bytes`; otherwise no error. Beast checks the start line and
/// the fields each against the parser's header limit, not their sum, so a head of up to twice the
/// limit gets through the parser.
boost::system::error_code check_head_size(std::size_t head_bytes, std::size_t max_header_bytes);

/// Why reading a request failed, as a metric reason: header_too_large, body_too_large, timeout,
/// truncated or malformed; empty for an ordinary close (nothing of a request had arrived).
std::string read_failure_reason(const boost::system::error_code& ec, bool had_bytes);

/// The status a request refused for `reason` is answered with: 431, 413 or 400.
unsigned refusal_status(std::string_view reason);

}  // namespace hie::net
