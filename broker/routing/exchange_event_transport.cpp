#include "broker/routing/exchange_event_transport.hpp"

#include "broker/net/tls_context.hpp"
#include "broker/peers/mllp_client.hpp"
#include "broker/peers/peer_endpoint.hpp"

namespace hie::routing {
namespace {

AttemptResult from_receipt(const peers::EventReceipt& receipt) {
  using In = peers::EventReceipt::Outcome;
  using Out = AttemptResult::Outcome;
  const Out outcome = receipt.outcome == In::acknowledged ? Out::acknowledged
                      : receipt.outcome == In::not_connected ? Out::unreachable
                                                             : Out::refused;
  return {outcome, receipt.error};
}

AttemptResult from_mllp(const Result<peers::MllpReply>& reply) {
  using Out = AttemptResult::Outcome;
  if (!reply) {
    // Nothing was sent (resolve, connect, TLS, the write): the receiver is down or misconfigured,
    // which is not its refusal of this event, so no attempt is charged.
    const bool unsent = reply.error().code() == Errc::unavailable;
    return {unsent ? Out::unreachable : Out::refused, reply.error().describe()};
  }
  if (reply->code == "AA") return {Out::acknowledged, ""};
  // Not the ACK's text: the receiver's words may hold anything, patient data included.
  return {Out::refused, "MSA-1 " + reply->code};
}

}  // namespace

Result<std::unique_ptr<ExchangeEventTransport>> ExchangeEventTransport::create(
    boost::asio::any_io_executor executor, const std::vector<config::Exchange>& exchanges,
    std::chrono::milliseconds ack_timeout) {
  std::unique_ptr<ExchangeEventTransport> transport(new ExchangeEventTransport());
  transport->ack_timeout_ = ack_timeout;
  for (const auto& exchange : exchanges) {
    if (!exchange.mllp_delivery) continue;
    peers::MllpEndpoint endpoint{exchange.mllp_delivery->host, exchange.mllp_delivery->port, nullptr, ""};
    if (exchange.mllp_delivery->tls) {
      auto context = net::make_client_tls_context(exchange.client_tls);
      if (!context)
        return make_error(context.error().code(), "exchange " + exchange.id + ": client_tls: " + context.error().message(),
                          "events");
      endpoint.tls = *context;
    }
    peers::MllpClientLimits limits;
    limits.reply_timeout = ack_timeout;
    transport->mllp_.emplace(exchange.id, std::make_unique<peers::MllpClient>(executor, std::move(endpoint), limits));
  }
  return transport;
}

ExchangeEventTransport::~ExchangeEventTransport() = default;

void ExchangeEventTransport::set_peers(std::weak_ptr<peers::PeerEndpoint> peers) {
  std::lock_guard lock(mutex_);
  peers_ = std::move(peers);
}

void ExchangeEventTransport::send(const std::string& subscriber, OutgoingEvent event,
                                  std::function<void(AttemptResult)> done) {
  if (auto mllp = mllp_.find(subscriber); mllp != mllp_.end()) {
    // One at a time per connection: capacity() tells the dispatcher so.
    mllp->second->send(std::move(event.payload),
                       [done = std::move(done)](Result<peers::MllpReply> reply) { done(from_mllp(reply)); });
    return;
  }
  std::shared_ptr<peers::PeerEndpoint> endpoint;
  {
    std::lock_guard lock(mutex_);
    endpoint = peers_.lock();
  }
  if (!endpoint) {
    done({AttemptResult::Outcome::unreachable, "the broker has no /peer endpoint for this exchange"});
    return;
  }
  peers::protocol::EventMessage message{std::move(event.id),      std::move(event.kind),     std::move(event.format),
                                        std::move(event.source),  std::move(event.occurred), event.attempt,
                                        std::move(event.payload)};
  endpoint->deliver(subscriber, std::move(message), ack_timeout_,
                    [done = std::move(done)](peers::EventReceipt receipt) { done(from_receipt(receipt)); });
}

std::size_t ExchangeEventTransport::capacity(const std::string& subscriber) const {
  return mllp_.contains(subscriber) ? 1 : SIZE_MAX;
}

}  // namespace hie::routing
