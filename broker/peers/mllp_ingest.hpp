#pragma once
// HL7 v2 over MLLP into the journal: each frame is parsed far enough to know its sender and
// control id, written durably, and only then acknowledged AA (or CA when MSH-15 asks for a
// commit ACK). Every message gets a reply, even with MSH-15/16 NE: MLLP senders wait for one.
// Unreadable or refused frames are journaled as rejected and answered AR/CR with an ERR;
// a store failure is answered AE/CE so the sender resends.

#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "broker/net/mllp_session.hpp"
#include "broker/peers/exchange_directory.hpp"
#include "broker/peers/ingest_metrics.hpp"
#include "broker/store/store.hpp"

namespace hie::peers {

struct MllpIngestSettings {
  std::string default_exchange;  ///< listeners.mllp.default_exchange: "" for none
  std::function<void()> stored;  ///< called after a new message is journaled (wakes the translator)
  /// Connections one exchange (known by its client certificate) may hold at once.
  std::size_t max_connections_per_exchange = 16;
};

class MllpIngest final : public net::MllpHandler {
 public:
  MllpIngest(MllpIngestSettings settings, std::shared_ptr<const ExchangeDirectory> directory, store::Store& store,
             std::shared_ptr<IngestMetrics> metrics);

  boost::asio::awaitable<std::optional<std::string>> on_frame(std::string payload, const net::MllpPeer& peer) override;
  std::optional<std::string> on_framing_error(const Error& error, const net::MllpPeer& peer) override;
  /// Over mutual TLS the certificate names the exchange at once: its connections are counted.
  std::optional<std::string> on_open(const net::MllpPeer& peer) override;
  void on_close(const net::MllpPeer& peer) override;

 private:
  const config::Exchange* exchange_of(const net::MllpPeer& peer) const;

  MllpIngestSettings settings_;
  std::shared_ptr<const ExchangeDirectory> directory_;
  store::Store& store_;
  std::shared_ptr<IngestMetrics> metrics_;
  std::mutex mutex_;
  std::map<std::string, std::size_t> connections_;  // by exchange id
};

}  // namespace hie::peers
