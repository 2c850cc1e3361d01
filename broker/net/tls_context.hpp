#pragma once
// Builds OpenSSL server contexts from configuration: TLS 1.2+ only, optional mutual TLS.

#include <memory>

#include "broker/config/config.hpp"
#include "broker/core/result.hpp"

namespace boost::asio::ssl {
class context;
}

namespace hie::net {

/// A server context for `settings`; the error names the file that could not be used.
Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(
    const config::TlsSettings& settings);

}  // namespace hie::net
