#pragma once
// Request ids: the caller's X-Request-Id when it is a sane token, so a request can be followed
// from a reverse proxy or client into the broker's logs; otherwise one made here.

#include <string>
#include <string_view>

namespace hie::net {

/// True for [A-Za-z0-9._-]{1,64}: safe to log and to echo in a header.
bool acceptable_request_id(std::string_view id);

/// `incoming` (the request's X-Request-Id) when acceptable, else "{connection_id}-{sequence}".
std::string request_id_for(std::string_view incoming, std::string_view connection_id, unsigned sequence);

}  // namespace hie::net
