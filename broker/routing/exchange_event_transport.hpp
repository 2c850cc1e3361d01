#pragma once
// Event attempts over each subscriber's own transport: a WebSocket peer's connection (the peer
// acks by event id), or, for an exchange that only speaks MLLP, an MLLP connection the broker
// opens to its `mllp_delivery` address (only an ACK with MSA-1 AA counts as delivered).

#include <boost/asio/any_io_executor.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "broker/config/config.hpp"
#include "broker/core/result.hpp"
#include "broker/routing/event_transport.hpp"

namespace hie::peers {
class PeerEndpoint;
class MllpClient;
}  // namespace hie::peers

namespace hie::routing {

class ExchangeEventTransport final : public EventTransport {
 public:
  /// Builds an MLLP client for each exchange with `mllp_delivery`; a TLS setting that cannot be
  /// used is an error naming the exchange.
  static Result<std::unique_ptr<ExchangeEventTransport>> create(boost::asio::any_io_executor executor,
                                                                const std::vector<config::Exchange>& exchanges,
                                                                std::chrono::milliseconds ack_timeout);
  ~ExchangeEventTransport() override;

  /// The endpoint WebSocket subscribers are reached through (made after this transport).
  void set_peers(std::weak_ptr<peers::PeerEndpoint> peers);

  void send(const std::string& subscriber, OutgoingEvent event, std::function<void(AttemptResult)> done) override;
  std::size_t capacity(const std::string& subscriber) const override;

 private:
  ExchangeEventTransport() = default;

  std::chrono::milliseconds ack_timeout_{10'000};
  std::map<std::string, std::unique_ptr<peers::MllpClient>, std::less<>> mllp_;
  mutable std::mutex mutex_;
  std::weak_ptr<peers::PeerEndpoint> peers_;
};

}  // namespace hie::routing
