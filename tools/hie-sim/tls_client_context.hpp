#pragma once
// The client side of TLS for both modes: TLS 1.2 or later, the broker verified against a CA
// (and its certificate's name against the host dialled), a client certificate when given.

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "broker/core/result.hpp"
#include "tools/hie-sim/sim_options.hpp"

namespace hie::sim {

/// A client context for `files`; the error names the file that could not be used.
Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(const TlsFiles& files);

/// Sets SNI (for a host name, not an address) and verification of the broker's name on `ssl`.
/// Returns false when OpenSSL refuses the name.
bool prepare_client_ssl(SSL* ssl, const std::string& host);

/// After a failed handshake: why the broker's certificate was not trusted, or "" when the
/// failure was something else (then trying again may help; an untrusted certificate will not).
std::string untrusted_broker_reason(SSL* ssl);

}  // namespace hie::sim
