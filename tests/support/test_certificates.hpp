#pragma once
// Throw-away PKI for TLS tests: a CA, a server certificate for 127.0.0.1 and a client
// certificate, made with the openssl command in a fresh temporary folder.

#include <string>

namespace hie::testing {

struct TestCertificates {
  std::string dir;
  std::string ca_cert;
  std::string server_cert, server_key;
  std::string client_cert, client_key;
  std::string other_ca_cert;  ///< a CA that signed nothing here, for "unknown issuer" cases
};

/// Creates the files once per process (later calls return the same set); throws on failure.
const TestCertificates& test_certificates();

}  // namespace hie::testing
