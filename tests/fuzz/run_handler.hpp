#pragma once
// Runs a request handler to completion on a local io_context, without sockets: for fuzz targets.

#include <optional>

#include "broker/net/http_types.hpp"

namespace hie::fuzz {

/// The handler's response to `request`; nothing when an exception escaped it.
std::optional<net::HttpResponse> run_handler(const net::HttpHandler& handler,
                                             net::HttpRequest& request,
                                             const net::RequestContext& context);

}  // namespace hie::fuzz
