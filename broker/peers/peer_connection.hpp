#pragma once
// One exchange's WebSocket connection speaking the peer protocol: hello first, then publish
// (acknowledged once durable), announce (into the record locator), ping, and results for the
// queries the broker sent. Every request gets a reply naming it; nothing unreadable closes it.

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "broker/peers/peer_endpoint.hpp"

namespace hie::peers {

class PeerConnection final : public net::WebSocketConnection, public std::enable_shared_from_this<PeerConnection> {
 public:
  PeerConnection(std::shared_ptr<PeerEndpoint> endpoint, const config::Exchange& exchange, net::WebSocketPeer peer,
                 std::shared_ptr<net::WebSocketOutbox> outbox);

  boost::asio::awaitable<void> on_message(std::string text, bool binary) override;
  void on_closed() override;

  /// True once hello was acknowledged (and until the connection closes).
  bool ready() const { return ready_; }
  /// Sends a query; `done` runs exactly once, on this connection's strand. Thread-safe.
  void query(protocol::QueryRequest request, std::function<void(PeerAnswer)> done);
  /// Sends an event; `done` runs exactly once, on this connection's strand: acknowledged by the
  /// peer's ack, or not (its nack, no ack within `ack_timeout`, the connection closed). Thread-safe.
  void deliver(protocol::EventMessage event, std::chrono::milliseconds ack_timeout, std::function<void(EventReceipt)> done);
  /// Closes the connection (WebSocket close 1008 with `reason`) once queued messages are written;
  /// queries and deliveries in flight end as when the peer goes away. Thread-safe.
  void disconnect(std::string reason);

 private:
  struct Pending {
    std::function<void(PeerAnswer)> done;
    std::unique_ptr<boost::asio::steady_timer> deadline;
  };
  struct PendingEvent {
    std::function<void(EventReceipt)> done;
    std::unique_ptr<boost::asio::steady_timer> deadline;
  };

  boost::asio::awaitable<void> on_publish(const protocol::Incoming& in, protocol::Publish publish);
  boost::asio::awaitable<void> on_announce(const protocol::Incoming& in, protocol::Announce announce);
  void on_hello(const protocol::Incoming& in, const protocol::Hello& hello);
  void on_result(const protocol::Incoming& in, protocol::QueryResult result);
  void on_query(const protocol::Incoming& in, protocol::Query query);
  void start_query(protocol::QueryRequest request, std::function<void(PeerAnswer)> done);
  void finish_query(const std::string& id, PeerAnswer answer);
  boost::asio::awaitable<void> on_subscribe(const protocol::Incoming& in, protocol::Subscribe subscribe);
  void start_delivery(protocol::EventMessage event, std::chrono::milliseconds ack_timeout,
                      std::function<void(EventReceipt)> done);
  /// An ack or nack naming an event in flight: true when it did.
  bool on_event_reply(const protocol::Incoming& in);
  void finish_delivery(const std::string& event_id, EventReceipt receipt);

  /// Sends `text` and counts the message that caused it.
  void reply(const std::string& type, const std::string& outcome, std::string text);
  void refuse(const std::string& type, std::string_view re, std::string_view reason, std::string_view detail);
  std::string next_id();

  std::shared_ptr<PeerEndpoint> endpoint_;
  const config::Exchange& exchange_;
  net::WebSocketPeer peer_;
  std::shared_ptr<net::WebSocketOutbox> outbox_;
  std::atomic<bool> ready_{false};
  bool closed_ = false;  // strand only, like the rest below
  std::uint64_t next_id_ = 1;
  std::map<std::string, Pending> pending_;
  std::map<std::string, PendingEvent> pending_events_;  // by event id
};

}  // namespace hie::peers
