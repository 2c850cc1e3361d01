#pragma once
// Which configured exchange a connection or message speaks for: by client certificate, by
// MSH-4 sending facility, or by the listener's default exchange, in that order of trust.

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/config/config.hpp"
#include "broker/core/result.hpp"
#include "broker/net/tls_identity.hpp"

namespace hie::peers {

/// Thread-safe. A configuration reload replaces the exchanges whole; what was found before keeps
/// pointing at the generation it came from (a connection's exchange, for the connection's life),
/// so every generation is kept: a reload costs the size of the exchanges' settings.
class ExchangeDirectory {
 public:
  explicit ExchangeDirectory(std::vector<config::Exchange> exchanges);

  /// Lookups from now on use `exchanges` (a reload: credentials rotated, facilities added).
  void replace(std::vector<config::Exchange> exchanges);

  const config::Exchange* find(std::string_view id) const;
  /// The exchange whose configured credentials match the certificate (CN, a SAN, or SHA-256).
  const config::Exchange* by_certificate(const net::PeerCertificate& certificate) const;
  /// The exchange that lists `facility` (MSH-4.1, or MSH-4 as sent) among its sending facilities.
  const config::Exchange* by_sending_facility(std::string_view facility) const;

  /// Resolves the sender of an MLLP message. A certificate that matches no exchange, or a
  /// sending facility of another exchange than the certificate's, is refused; so is a message
  /// no rule places. `fallback` is the listener's default exchange ("" for none). Errors
  /// locate the fault ("MSH-4", "certificate") for the ERR segment.
  Result<const config::Exchange*> resolve_mllp_sender(const std::optional<net::PeerCertificate>& certificate,
                                                      std::string_view sending_facility,
                                                      std::string_view sending_facility_namespace,
                                                      std::string_view fallback) const;

 private:
  const std::vector<config::Exchange>& current() const;

  mutable std::mutex mutex_;
  std::deque<std::vector<config::Exchange>> generations_;  // newest last
};

/// The handshake check of a listener that requires client certificates: only a certificate that
/// by_certificate() places gets a connection. Keeps `directory` alive.
net::ClientCertificateCheck accept_exchange_certificates(std::shared_ptr<const ExchangeDirectory> directory);

}  // namespace hie::peers
