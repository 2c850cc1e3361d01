#pragma once
// An MLLP receiver for tests of the broker's MLLP sender: a loopback listener (127.0.0.1, port 0)
// on its own thread, plain or TLS, that records every message it gets and answers each one as
// its current policy says.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace hie::testing {

/// How the server answers each message.
enum class MllpPolicy {
  accept,            ///< an ACK with MSA-1 AA and MSA-2 = the message's MSH-10
  error,             ///< the same with AE, and an ERR saying "refused by the test policy"
  reject,            ///< the same with AR, and that ERR
  silent,            ///< no answer; the connection stays open
  close,             ///< no answer; the server closes the connection
  garbage,           ///< one frame holding bytes that are not HL7 v2
  wrong_control_id,  ///< an AA ACK whose MSA-2 is the message's MSH-10 + "-other"
};

class MllpTestServer {
 public:
  /// Listens on 127.0.0.1:0; TLS with `tls` (a server context) when given. Policy: accept.
  explicit MllpTestServer(std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~MllpTestServer();
  MllpTestServer(const MllpTestServer&) = delete;
  MllpTestServer& operator=(const MllpTestServer&) = delete;

  std::uint16_t port() const { return port_; }

  /// The policy for messages that arrive from now on.
  void set_policy(MllpPolicy policy);
  /// The policy from the `message_number`-th message received (1-based) on, whatever the
  /// timing: a test can stop answering at an exact point.
  void set_policy_from(std::size_t message_number, MllpPolicy policy);

  /// The payload of every frame received, in order of arrival (framing bytes stripped).
  std::vector<std::string> messages() const;
  /// Waits until at least `count` messages have arrived; false when `timeout` passed first.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;
  /// Every byte read from every connection, framing and anything outside frames included.
  std::size_t received_bytes() const;
  /// Connections accepted so far (TLS ones count once the handshake succeeded).
  std::size_t connections() const;
  /// The SNI name each TLS connection carried ("" when none).
  std::vector<std::string> server_names() const;

  /// Closes every open connection, as a receiver's idle timeout would; returns once done.
  void close_connections();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

}  // namespace hie::testing
