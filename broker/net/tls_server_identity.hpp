#pragma once
// What a TLS client checks about the server it connects to: the name or address it asked for,
// and why a handshake failed in words for an operator. Shared by the broker's outbound clients
// (FHIR REST, MLLP); the context itself comes from make_client_tls_context().

#include <openssl/ssl.h>

#include <boost/system/error_code.hpp>
#include <string>

#include "broker/core/result.hpp"

namespace hie::net {

/// Makes the client connection `ssl` accept only a server certificate that names `host`: a DNS
/// name is checked against the certificate's names and sent as SNI; an IPv4 or IPv6 address
/// (without brackets) is checked against its IP entries and not sent (SNI carries names only).
/// Call before the handshake. An error (Errc::internal) means OpenSSL refused the value.
Status expect_server_identity(SSL* ssl, const std::string& host);

/// Why a client handshake failed: the certificate check's own reason when that was it
/// ("TLS handshake failed: the server's certificate: IP address mismatch"), else `ec`'s.
std::string client_handshake_failure(SSL* ssl, const boost::system::error_code& ec);

}  // namespace hie::net
