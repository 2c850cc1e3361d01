#pragma once
// /peer: where exchanges connect over WebSocket + mutual TLS (docs/peer-protocol.md). Accepts
// a connection only for a client certificate that names a configured exchange, within that
// exchange's connection limit, and keeps track of who is connected so the broker can ask them.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/net/websocket_endpoint.hpp"
#include "broker/peers/exchange_directory.hpp"
#include "broker/peers/peer_answer.hpp"
#include "broker/peers/ingest_metrics.hpp"
#include "broker/peers/peer_metrics.hpp"
#include "broker/peers/peer_protocol.hpp"
#include "broker/store/store.hpp"

namespace hie::peers {

class PeerConnection;

struct PeerEndpointSettings {
  std::size_t max_connections_per_exchange = 16;
  std::string broker = "hiebroker";  ///< the name and version a hello ack reports
  std::function<void()> stored;      ///< a new message is journaled (wakes the translator)
  /// An announce was committed: the record locator forgets what it may have changed.
  std::function<void(const std::vector<store::PatientSighting>&)> announced;
  /// A peer's own query: `answer` runs once, on any thread, with the merged record (FHIR JSON, a
  /// searchset Bundle) or the error that stopped it. Empty: peers' queries answer "unavailable".
  std::function<void(const config::Exchange& requester, protocol::Query query,
                      std::function<void(Result<std::string>)> answer)>
      answer_query;
  /// An exchange's peer said hello: events waiting for it can go.
  std::function<void(const std::string& exchange)> ready;
  /// A peer's subscription was stored: deliveries for it start with the next events.
  std::function<void(const std::string& exchange)> subscribed;
};

class PeerEndpoint final : public net::WebSocketEndpoint, public std::enable_shared_from_this<PeerEndpoint> {
 public:
  PeerEndpoint(PeerEndpointSettings settings, std::shared_ptr<const ExchangeDirectory> directory, store::Store& store,
               std::shared_ptr<IngestMetrics> ingest_metrics, std::shared_ptr<PeerMetrics> peer_metrics);

  std::variant<std::shared_ptr<net::WebSocketConnection>, net::WebSocketRefusal> open(
      const net::WebSocketPeer& peer, std::shared_ptr<net::WebSocketOutbox> outbox) override;

  /// Asks one of `exchange`'s connected peers (one that has said hello). `done` runs exactly
  /// once: with the answer, or when the deadline passes, the peer disconnects, or none is
  /// connected. Thread-safe; `done` may run on any thread.
  void query(const std::string& exchange, protocol::QueryRequest request, std::function<void(PeerAnswer)> done);

  /// Sends an event to one of `exchange`'s peers that said hello. `done` runs exactly once, on
  /// any thread; not_connected when none is. Thread-safe.
  void deliver(const std::string& exchange, protocol::EventMessage event, std::chrono::milliseconds ack_timeout,
               std::function<void(EventReceipt)> done);

  /// Connections open for `exchange` (said hello or not).
  std::size_t connections(const std::string& exchange) const;

  /// Closes every connection `exchange` has open (an operator's request, or an exchange removed
  /// from the configuration); returns how many. It may connect again if still configured.
  std::size_t disconnect(const std::string& exchange, const std::string& reason);

 private:
  friend class PeerConnection;
  void closed(const std::string& exchange, const PeerConnection* connection);
  /// One of `exchange`'s connections that said hello, or null.
  std::shared_ptr<PeerConnection> ready_connection(const std::string& exchange) const;

  PeerEndpointSettings settings_;
  std::shared_ptr<const ExchangeDirectory> directory_;
  store::Store& store_;
  std::shared_ptr<IngestMetrics> ingest_metrics_;
  std::shared_ptr<PeerMetrics> peer_metrics_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::weak_ptr<PeerConnection>>> connections_;
};

}  // namespace hie::peers
