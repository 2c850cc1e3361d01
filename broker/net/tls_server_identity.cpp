#include "broker/net/tls_server_identity.hpp"

#include <arpa/inet.h>
#include <openssl/x509v3.h>

namespace hie::net {
namespace {

bool is_address(const std::string& host, int family) {
  unsigned char out[sizeof(in6_addr)];
  return inet_pton(family, host.c_str(), out) == 1;
}

}  // namespace

Status expect_server_identity(SSL* ssl, const std::string& host) {
  if (is_address(host, AF_INET) || is_address(host, AF_INET6)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1)
      return make_error(Errc::internal, "cannot set the TLS host address");
    return {};
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1 || SSL_set1_host(ssl, host.c_str()) != 1)
    return make_error(Errc::internal, "cannot set the TLS host name");
  return {};
}

std::string client_handshake_failure(SSL* ssl, const boost::system::error_code& ec) {
  const long verified = SSL_get_verify_result(ssl);
  if (verified != X509_V_OK)
    return std::string("TLS handshake failed: the server's certificate: ") +
           X509_verify_cert_error_string(verified);
  return "TLS handshake failed: " + ec.message();
}

}  // namespace hie::net
