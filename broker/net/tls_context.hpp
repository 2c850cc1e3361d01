#pragma once
// Builds OpenSSL contexts from configuration: TLS 1.2+ only, optional mutual TLS; servers for
// the listeners, clients for calling an exchange's FHIR server.

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

/// A client context for `settings`: the server's certificate is verified against `ca` (the
/// system's trusted CAs when empty), and `cert`/`key` are presented when set. Each connection
/// still has to name the host to check (expect_server_identity in tls_server_identity.hpp); the
/// error names the unusable file.
Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const config::ClientTlsSettings& settings);

}  // namespace hie::net
