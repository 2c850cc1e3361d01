// PeerConnection's side of events (docs/peer-protocol.md, subscribe and event): a peer's
// subscription stored as the one it made over the protocol, and events sent to it with their
// acks matched by event id.

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "broker/logging/log.hpp"
#include "broker/peers/async_append.hpp"
#include "broker/peers/peer_connection.hpp"

namespace hie::peers {

namespace asio = boost::asio;

asio::awaitable<void> PeerConnection::on_subscribe(const protocol::Incoming& in, protocol::Subscribe subscribe) {
  if (subscribe.patients == "all") {
    refuse("subscribe", in.id, "refused", "patients \"all\" is for operators: ask for it in the broker's configuration");
    co_return;
  }
  if (auto problem = protocol::invalid_nhs_number(subscribe.listed)) {
    refuse("subscribe", in.id, "malformed", *problem);
    co_return;
  }
  store::SubscriptionRecord record;
  record.id = "peer:" + exchange_.id;
  record.subscriber = exchange_.id;
  record.origin = "peer";
  record.kinds = std::move(subscribe.events);
  record.scope = subscribe.patients == "listed" ? store::SubscriptionScope::listed : store::SubscriptionScope::held;
  for (auto& identifiers : subscribe.listed)
    for (auto& identity : identifiers) record.patients.push_back(std::move(identity));
  const std::string id = record.id;
  store::SubscriptionChange change{"peer", exchange_.id, {std::move(record)}};
  auto stored = co_await async_replace_subscriptions(endpoint_->store_, std::move(change), asio::use_awaitable);
  if (!stored) {
    log::write(log::Level::error, {.connection = peer_.connection_id, .exchange = exchange_.id}, "subscription not stored",
               {{"error", stored.error().describe()}});
    refuse("subscribe", in.id, "busy", "the subscription could not be stored now; subscribe again later");
    co_return;
  }
  log::write(log::Level::info, {.connection = peer_.connection_id, .exchange = exchange_.id}, "peer subscribed");
  reply("subscribe", "ok", protocol::subscribe_ack(next_id(), in.id, id));
  if (endpoint_->settings_.subscribed) endpoint_->settings_.subscribed(exchange_.id);
}

void PeerConnection::deliver(protocol::EventMessage event, std::chrono::milliseconds ack_timeout,
                             std::function<void(EventReceipt)> done) {
  asio::post(peer_.strand, [self = shared_from_this(), event = std::move(event), ack_timeout,
                            done = std::move(done)]() mutable {
    self->start_delivery(std::move(event), ack_timeout, std::move(done));
  });
}

void PeerConnection::start_delivery(protocol::EventMessage event, std::chrono::milliseconds ack_timeout,
                                    std::function<void(EventReceipt)> done) {
  const std::string id = event.id;
  if (closed_ || pending_events_.contains(id)) {
    done({closed_ ? EventReceipt::Outcome::not_connected : EventReceipt::Outcome::refused,
          closed_ ? "the peer's connection is closed" : "the event is already awaiting its ack"});
    return;
  }
  auto deadline = std::make_unique<asio::steady_timer>(peer_.strand, ack_timeout);
  deadline->async_wait([weak = weak_from_this(), id, ms = ack_timeout.count()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock())
      self->finish_delivery(id, {EventReceipt::Outcome::refused, "no ack within " + std::to_string(ms) + " ms"});
  });
  pending_events_.emplace(id, PendingEvent{std::move(done), std::move(deadline)});
  endpoint_->peer_metrics_->message(exchange_.id, "event", "sent");
  if (!outbox_->send(protocol::event(event)))
    finish_delivery(id, {EventReceipt::Outcome::refused, "the peer's connection is closed"});
}

bool PeerConnection::on_event_reply(const protocol::Incoming& in) {
  if (in.type != "ack" && in.type != "nack") return false;
  if (!pending_events_.contains(in.re)) return false;
  endpoint_->peer_metrics_->message(exchange_.id, in.type, "ok");
  if (const auto* nack = std::get_if<protocol::Nack>(&in.body))
    finish_delivery(in.re, {EventReceipt::Outcome::refused, "nack " + nack->reason.substr(0, 32)});
  else
    finish_delivery(in.re, {EventReceipt::Outcome::acknowledged, ""});
  return true;
}

void PeerConnection::finish_delivery(const std::string& event_id, EventReceipt receipt) {
  auto it = pending_events_.find(event_id);
  if (it == pending_events_.end()) return;
  PendingEvent pending = std::move(it->second);
  pending_events_.erase(it);
  pending.deadline->cancel();
  pending.done(std::move(receipt));
}

}  // namespace hie::peers
