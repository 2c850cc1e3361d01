#pragma once
// One HTTP/1.1 connection to one origin (a fhir-rest exchange's server), plain or TLS, for GETs
// one after another, reconnecting when the server closes it. Internal to the FHIR REST client:
// every call, abort() included, runs on the executor (a strand) the channel was made with.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <string>

#include "broker/core/http_url.hpp"
#include "broker/core/result.hpp"

namespace hie::peers::fhir_rest {

struct HttpReply {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

struct ChannelLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  std::string user_agent = "hiebroker";
};

class FhirHttpChannel {
 public:
  /// `tls` is null for an http:// origin; for https:// it verifies the server, and the channel
  /// adds the host to check (and SNI for a DNS name).
  FhirHttpChannel(boost::asio::any_io_executor executor, HttpUrl origin,
                  std::shared_ptr<boost::asio::ssl::context> tls, ChannelLimits limits);

  /// GET `target` with `Accept: application/fhir+json`. Any HTTP status is a reply; an error is
  /// a connection, TLS or size failure, in a short message free of patient data
  /// ("cannot connect: Connection refused"), code limit_exceeded for a size limit.
  boost::asio::awaitable<Result<HttpReply>> get(std::string target);

  /// Ends the operation in flight (it completes with an error) and refuses every later get().
  void abort();

 private:
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  boost::asio::awaitable<Status> connect();
  template <class Stream>
  boost::asio::awaitable<Result<HttpReply>> exchange(Stream& stream, const std::string& target,
                                                     bool& nothing_received, bool& keep_alive);
  boost::beast::tcp_stream* tcp();
  void close();

  boost::asio::any_io_executor executor_;
  HttpUrl origin_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  ChannelLimits limits_;
  boost::asio::ip::tcp::resolver resolver_;
  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<TlsStream> secure_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
  bool aborted_ = false;
};

}  // namespace hie::peers::fhir_rest
