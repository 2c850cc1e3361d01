#pragma once
// The server side of a TLS handshake, shared by every protocol's session.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <string>

#include "broker/net/session.hpp"

namespace hie::net {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// Runs the handshake within limits.handshake_timeout, cancellable by the listener's shutdown
/// (control.cancel). With settings.accept_client_certificate, a client certificate that check
/// refuses fails the handshake. False when it failed; the failure is counted (reason
/// "tls_handshake") and logged.
boost::asio::awaitable<bool> accept_tls(TlsStream& stream, SessionControl& control, const SessionSettings& settings,
                                        const std::string& connection_id);

}  // namespace hie::net
