#include "broker/peers/peer_endpoint.hpp"

#include <algorithm>

#include "broker/logging/log.hpp"
#include "broker/peers/peer_connection.hpp"

namespace hie::peers {

PeerEndpoint::PeerEndpoint(PeerEndpointSettings settings, std::shared_ptr<const ExchangeDirectory> directory,
                           store::Store& store, std::shared_ptr<IngestMetrics> ingest_metrics,
                           std::shared_ptr<PeerMetrics> peer_metrics)
    : settings_(std::move(settings)),
      directory_(std::move(directory)),
      store_(store),
      ingest_metrics_(std::move(ingest_metrics)),
      peer_metrics_(std::move(peer_metrics)) {}

std::variant<std::shared_ptr<net::WebSocketConnection>, net::WebSocketRefusal> PeerEndpoint::open(
    const net::WebSocketPeer& peer, std::shared_ptr<net::WebSocketOutbox> outbox) {
  // The certificate is the exchange's identity: without one, nobody can say who is publishing.
  if (!peer.certificate) return net::WebSocketRefusal{403, "peers connect with a client certificate (mutual TLS)"};
  const config::Exchange* exchange = directory_->by_certificate(*peer.certificate);
  if (!exchange) return net::WebSocketRefusal{403, "the client certificate belongs to no configured exchange"};

  std::lock_guard lock(mutex_);
  auto& open = connections_[exchange->id];
  std::erase_if(open, [](const auto& weak) { return weak.expired(); });
  if (open.size() >= settings_.max_connections_per_exchange)
    return net::WebSocketRefusal{503, "exchange " + exchange->id + " already holds " + std::to_string(open.size()) +
                                          " connections (limits.max_connections_per_exchange)"};
  auto connection = std::make_shared<PeerConnection>(shared_from_this(), *exchange, peer, std::move(outbox));
  open.push_back(connection);
  peer_metrics_->connected(exchange->id);
  log::write(log::Level::info, {.connection = peer.connection_id, .exchange = exchange->id}, "peer connected",
             {{"connections", open.size()}});
  return connection;
}

void PeerEndpoint::closed(const std::string& exchange, const PeerConnection* connection) {
  {
    std::lock_guard lock(mutex_);
    auto& open = connections_[exchange];
    std::erase_if(open, [connection](const auto& weak) {
      auto held = weak.lock();
      return !held || held.get() == connection;
    });
  }
  peer_metrics_->disconnected(exchange);
}

std::size_t PeerEndpoint::connections(const std::string& exchange) const {
  std::lock_guard lock(mutex_);
  auto it = connections_.find(exchange);
  if (it == connections_.end()) return 0;
  return static_cast<std::size_t>(
      std::count_if(it->second.begin(), it->second.end(), [](const auto& weak) { return !weak.expired(); }));
}

std::size_t PeerEndpoint::disconnect(const std::string& exchange, const std::string& reason) {
  std::vector<std::shared_ptr<PeerConnection>> open;
  {
    std::lock_guard lock(mutex_);
    if (auto it = connections_.find(exchange); it != connections_.end())
      for (const auto& weak : it->second)
        if (auto held = weak.lock()) open.push_back(std::move(held));
  }
  // Outside the lock: a close may complete at once and call closed(), which takes it.
  for (auto& connection : open) connection->disconnect(reason);
  return open.size();
}

std::shared_ptr<PeerConnection> PeerEndpoint::ready_connection(const std::string& exchange) const {
  std::lock_guard lock(mutex_);
  if (auto it = connections_.find(exchange); it != connections_.end())
    for (const auto& weak : it->second)
      if (auto held = weak.lock(); held && held->ready()) return held;
  return nullptr;
}

void PeerEndpoint::query(const std::string& exchange, protocol::QueryRequest request,
                         std::function<void(PeerAnswer)> done) {
  auto chosen = ready_connection(exchange);
  if (!chosen) {
    peer_metrics_->query(exchange, "not_connected");
    done(PeerAnswer{PeerAnswer::Outcome::not_connected, "no peer of this exchange is connected", {}, {}});
    return;
  }
  chosen->query(std::move(request), std::move(done));
}

void PeerEndpoint::deliver(const std::string& exchange, protocol::EventMessage event,
                           std::chrono::milliseconds ack_timeout, std::function<void(EventReceipt)> done) {
  auto chosen = ready_connection(exchange);
  if (!chosen) {
    done(EventReceipt{EventReceipt::Outcome::not_connected, "no peer of this exchange is connected"});
    return;
  }
  chosen->deliver(std::move(event), ack_timeout, std::move(done));
}

}  // namespace hie::peers
