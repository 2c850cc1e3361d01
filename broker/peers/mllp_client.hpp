#pragma once
// The broker as an MLLP sender: one persistent connection to one receiver (an exchange that
// takes events over MLLP), plain or TLS, one message in flight at a time, each answered by an
// HL7 ACK. Event delivery counts a message delivered only when the ACK says MSA-1 AA.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "broker/core/result.hpp"
#include "broker/peers/mllp_reply.hpp"

namespace boost::asio::ssl {
class context;
}

namespace hie::peers {

/// Where a receiver listens.
struct MllpEndpoint {
  std::string host;  ///< a DNS name, or an IPv4/IPv6 address (no brackets)
  std::uint16_t port = 0;
  /// Null: plain TCP. Otherwise a client context (net::make_client_tls_context) that verifies
  /// the receiver's certificate; the client adds the name to check for each connection.
  std::shared_ptr<boost::asio::ssl::context> tls;
  /// The name the receiver's certificate must carry (sent as SNI when it is a DNS name);
  /// empty: `host`.
  std::string server_name;
};

struct MllpClientLimits {
  /// Name resolution aside (the system resolver's own timeouts bound it): TCP connect and the
  /// TLS handshake together.
  std::chrono::milliseconds connect_timeout{5000};
  /// Writing the message and reading its whole ACK.
  std::chrono::milliseconds reply_timeout{10000};
  /// Bytes the receiver may send for one ACK (its payload, and anything outside frames).
  std::size_t max_reply_bytes = 1 << 20;
};

/// One connection to one MLLP receiver, opened on the first send() and kept for the next ones.
///
/// Threads: send() and close() may be called from any thread; the work, and every `done`, runs
/// on a strand of the executor given. The object may be destroyed with a send in flight: that
/// is close(), and `done` still runs (with an error).
class MllpClient {
 public:
  MllpClient(boost::asio::any_io_executor executor, MllpEndpoint endpoint,
             MllpClientLimits limits = {});
  /// close()s.
  ~MllpClient();
  /// A moved-from client may only be destroyed or assigned to; assigning close()s the old one.
  MllpClient(MllpClient&&) noexcept = default;
  MllpClient& operator=(MllpClient&& other) noexcept;

  using Done = std::move_only_function<void(Result<MllpReply>)>;

  /// Sends one HL7 v2 message (segments joined by CR, as it is to be delivered: not changed
  /// here) in one MLLP frame and calls `done` with the receiver's ACK, whatever its MSA-1 code.
  /// Connects first when there is no connection, or when the receiver has closed the idle one
  /// or sent something unasked since the last ACK.
  ///
  /// Errors (the message is then not known to be delivered):
  /// - Errc::invalid_argument: the message has no readable MSH-10, or holds an MLLP framing
  ///   byte (0x0B, 0x1C); or another send() is still in flight (one at a time: call send()
  ///   again only once `done` has run, for instance from `done` itself).
  /// - Errc::unavailable: nothing was sent: cannot resolve, connect (within connect_timeout),
  ///   complete the TLS handshake or write the message.
  /// - Errc::io_error: the connection failed or closed before the ACK; the client was closed.
  /// - Errc::limit_exceeded: no ACK within reply_timeout, or a reply over max_reply_bytes.
  /// - Errc::parse_error: the reply is not an HL7 ACK with an MSA (or not a well-formed frame).
  /// - Errc::validation_error: the ACK's MSA-2 is not this message's MSH-10.
  /// After any error but invalid_argument the connection is closed, and the next send() opens
  /// a new one. Messages never carry the message's content.
  void send(std::string message, Done done);

  /// Closes the connection and ends the send in flight (its `done` gets an Errc::io_error);
  /// every later send() fails the same way. Idempotent.
  void close();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace hie::peers
