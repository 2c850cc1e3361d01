#include "tools/hie-sim/tls_client_context.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <filesystem>

namespace hie::sim {

namespace ssl = boost::asio::ssl;

Result<std::shared_ptr<ssl::context>> make_client_tls_context(const TlsFiles& files) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_verify_mode(ssl::verify_peer);
  // Each file in turn, so that the error names the one that failed.
  const std::pair<const char*, const std::string*> named[] = {
      {"--ca", &files.ca}, {"--cert", &files.cert}, {"--key", &files.key}};
  for (const auto& [flag, path] : named) {
    if (path->empty()) continue;
    std::error_code exists_ec;
    if (!std::filesystem::is_regular_file(*path, exists_ec))
      return make_error(Errc::not_found, "file not found: " + *path, flag);
    boost::system::error_code ec;
    if (path == &files.ca)
      context->load_verify_file(*path, ec);
    else if (path == &files.cert)
      context->use_certificate_chain_file(*path, ec);
    else
      context->use_private_key_file(*path, ssl::context::pem, ec);
    if (ec)
      return make_error(Errc::config_error, "cannot use " + *path + ": " + ec.message(), flag);
  }
  if (!files.cert.empty() && SSL_CTX_check_private_key(context->native_handle()) != 1)
    return make_error(Errc::config_error, files.key + " is not the key of " + files.cert, "--key");
  return context;
}

bool prepare_client_ssl(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  const bool is_address = !ec;
  // SNI names hosts only (RFC 6066); the certificate check covers addresses too.
  if (!is_address && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) return false;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (is_address) return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
  return X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
}

std::string untrusted_broker_reason(SSL* ssl) {
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return "";
  return std::string("the broker's certificate is not trusted: ") +
         X509_verify_cert_error_string(result);
}

}  // namespace hie::sim
