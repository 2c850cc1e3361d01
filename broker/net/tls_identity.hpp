#pragma once
// The identity a client certificate carries, as the broker matches it against configured
// exchanges: subject CN, subjectAltNames, and the SHA-256 fingerprint of the certificate.

#include <functional>
#include <optional>
#include <string>
#include <vector>

typedef struct ssl_st SSL;
typedef struct x509_st X509;

namespace hie::net {

struct PeerCertificate {
  std::string subject_cn;
  std::vector<std::string> subject_alt_names;  ///< DNS names and URIs
  std::string sha256;                          ///< lower-case hex, no separators
};

/// Decides, inside the TLS handshake, whether a client certificate that chains to the listener's
/// CA may connect: true when it belongs to a configured exchange. Runs on I/O threads, possibly
/// several at once, so it must be thread-safe and must not block.
using ClientCertificateCheck = std::function<bool(const PeerCertificate&)>;

/// What `certificate` says about its holder.
PeerCertificate describe_certificate(X509* certificate);

/// The verified client certificate of a TLS connection, or nothing when the client sent none.
std::optional<PeerCertificate> peer_certificate(SSL* ssl);

}  // namespace hie::net
