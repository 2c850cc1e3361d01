#pragma once
// Throw-away PKI for TLS tests: a CA, a server certificate for 127.0.0.1 and two client
// certificates, made with the openssl command in a fresh temporary folder.

#include <string>

#include "tls_client.hpp"

namespace hie::testing {

struct TestCertificates {
  std::string dir;
  std::string ca_cert;
  std::string server_cert, server_key;
  std::string client_cert, client_key;      ///< CN north-hie
  std::string stranger_cert, stranger_key;  ///< CN stranger-hie: same CA, no exchange of that name
  std::string other_ca_cert;  ///< a CA that signed nothing here, for "unknown issuer" cases
};

/// Creates the files once per process (later calls return the same set); throws on failure.
const TestCertificates& test_certificates();

/// Clients of the test PKI: each trusts its CA and offers TLS up to `max_version` (0: OpenSSL's
/// default). They present the north-hie certificate, the stranger-hie one, or none.
TlsClientOptions north_hie_client(int max_version = 0);
TlsClientOptions stranger_client(int max_version = 0);
TlsClientOptions anonymous_client(int max_version = 0);

}  // namespace hie::testing
