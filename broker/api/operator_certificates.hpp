#pragma once
// Operators who reach /admin with a client certificate instead of a bearer token
// (`security.operators`): the HTTPS listener has verified the chain against its CA; this names
// the operator by the certificate's subject CN or SHA-256 fingerprint and gives the system
// scopes configured for them.

#include <memory>
#include <string>
#include <vector>

#include "broker/config/config.hpp"
#include "broker/net/tls_identity.hpp"

namespace hie::security {
struct Principal;
}

namespace hie::api {

class OperatorCertificates {
 public:
  explicit OperatorCertificates(const std::vector<config::OperatorCertificate>& operators);
  ~OperatorCertificates();

  /// The operator's principal (kind system, subject "operator:NAME"), or null for a certificate
  /// that names no configured operator.
  std::shared_ptr<const security::Principal> principal_for(const net::PeerCertificate& certificate) const;
  bool empty() const { return operators_.empty(); }

 private:
  struct Entry {
    config::OperatorCertificate settings;
    std::shared_ptr<const security::Principal> principal;
  };
  std::vector<Entry> operators_;
};

}  // namespace hie::api
