#pragma once
// One MLLP connection (plain or TLS): frames decoded incrementally, each handed to the handler
// in arrival order, its reply (the ACK) framed and written before the next frame is handled.

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>

#include "broker/core/result.hpp"
#include "broker/net/session.hpp"
#include "broker/net/tls_identity.hpp"

namespace hie::net {

/// Who is on the other end of an MLLP connection.
struct MllpPeer {
  std::string connection_id;
  std::string listener;
  std::string remote_address;  ///< "127.0.0.1:50122"
  std::optional<PeerCertificate> certificate;  ///< the verified client certificate (mTLS)
};

class MllpHandler {
 public:
  virtual ~MllpHandler() = default;
  /// One frame's payload; returns the payload to frame and send back (an ACK), or nothing.
  virtual boost::asio::awaitable<std::optional<std::string>> on_frame(std::string payload, const MllpPeer& peer) = 0;
  /// A frame the decoder refused (too large, truncated, bad end block): the reply to send, if any.
  virtual std::optional<std::string> on_framing_error(const Error& error, const MllpPeer& peer) = 0;
  /// A connection is about to be served (after the TLS handshake): why to refuse it, or
  /// nothing to accept it. Every accepted connection gets one on_close.
  virtual std::optional<std::string> on_open(const MllpPeer&) { return std::nullopt; }
  virtual void on_close(const MllpPeer&) {}
};

SessionRunner mllp_session_runner(std::shared_ptr<MllpHandler> handler);

}  // namespace hie::net
