#include "broker/net/tls_accept.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "broker/logging/log.hpp"
#include "broker/net/listener_metrics.hpp"

namespace hie::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

asio::awaitable<bool> accept_tls(TlsStream& stream, SessionControl& control, const SessionSettings& settings,
                                 const std::string& connection_id) {
  control.cancel = [&stream] {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().cancel(ignored);
  };
  beast::get_lowest_layer(stream).expires_after(settings.limits.handshake_timeout);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
  if (!ec) co_return true;
  if (settings.metrics) settings.metrics->rejected("tls_handshake");
  log::write(log::Level::info, {connection_id, {}}, "tls handshake failed", {{"reason", ec.message()}});
  co_return false;
}

}  // namespace hie::net
