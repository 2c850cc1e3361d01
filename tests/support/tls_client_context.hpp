#pragma once
// What the blocking test clients (TLS, WebSocket) share: their TLS context, and running one
// asynchronous operation with a deadline (Asio's and Beast's blocking calls have none).

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>

#include "tls_client.hpp"

namespace hie::testing {

/// A client context for `options`, complete before any stream is made from it: OpenSSL copies
/// the certificate into each new connection.
boost::asio::ssl::context client_tls_context(const TlsClientOptions& options);

/// Runs the operation `start(done)` begins until it completes or `timeout` passes; then
/// `abort()` (closing the socket) ends it and the result is timed_out.
template <class Start, class Abort>
boost::system::error_code run_with_deadline(boost::asio::io_context& io, std::chrono::milliseconds timeout,
                                            Start start, Abort abort) {
  boost::system::error_code result;
  bool done = false;
  io.restart();
  start([&](boost::system::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  io.run_for(timeout);
  if (done) return result;
  abort();
  io.restart();
  io.run();
  return boost::asio::error::timed_out;
}

}  // namespace hie::testing
