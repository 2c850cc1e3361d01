#pragma once
// A deliberately dumb blocking HTTP/1.1 client over a plain POSIX socket, so tests see the
// exact bytes the broker writes and can send malformed or partial requests.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace hie::testing {

struct RawResponse {
  int status = 0;           ///< 0 when no status line arrived
  std::string head;         ///< status line + headers
  std::string body;
  bool closed = false;      ///< the server closed the connection after this response
};

class RawConnection {
 public:
  /// Connects to 127.0.0.1:port; throws std::runtime_error when it cannot.
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& bytes);
  /// Reads one response (Content-Length framed); status 0 if the peer closed first or
  /// nothing complete arrived within `timeout`.
  RawResponse read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Bytes up to and including the first `terminator` (e.g. an MLLP end block), or nothing
  /// when the peer closed or `timeout` passed first.
  std::optional<std::string> read_until(const std::string& terminator,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// True once the server has closed the connection (waits up to `timeout`).
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

/// One request on a fresh connection: `GET target` with Connection: close.
RawResponse http_get(std::uint16_t port, const std::string& target);

/// One request on a fresh connection (Connection: close): `method target`, with a bearer token
/// and a body of `content_type` when they are not empty.
RawResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                         const std::string& token = "", const std::string& body = "",
                         const std::string& content_type = "application/json");

/// The value of header `name` (case-insensitive) in `head`, if present.
std::optional<std::string> header_value(const std::string& head, const std::string& name);

}  // namespace hie::testing
