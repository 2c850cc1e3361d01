#include "broker/net/tls_context.hpp"

#include <boost/asio/ssl/context.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace hie::net {
namespace {

// Forward-secret AEAD suites only, for TLS 1.2 (TLS 1.3 suites are fixed and already strong).
constexpr const char* kDefaultCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string openssl_reason(const boost::system::error_code& ec) {
  return ec.message().empty() ? "OpenSSL error" : ec.message();
}

/// The certificate chain and its private key, checked to belong together; errors name the file.
Status use_certificate_and_key(boost::asio::ssl::context& ctx, const std::string& cert, const std::string& key) {
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(cert, ec);
  if (ec) return make_error(Errc::config_error, "cannot use certificate: " + openssl_reason(ec), cert);
  ctx.use_private_key_file(key, boost::asio::ssl::context::pem, ec);
  if (ec) return make_error(Errc::config_error, "cannot use private key: " + openssl_reason(ec), key);
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    return make_error(Errc::config_error, "private key does not match the certificate", key);
  return {};
}

}  // namespace

Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(
    const config::TlsSettings& settings) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                   ssl::context::single_dh_use);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, settings.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  const std::string ciphers = settings.ciphers.empty() ? kDefaultCiphers : settings.ciphers;
  if (SSL_CTX_set_cipher_list(native, ciphers.c_str()) != 1)
    return make_error(Errc::config_error, "no usable cipher in the configured list", "tls.ciphers");

  if (auto used = use_certificate_and_key(*ctx, settings.cert, settings.key); !used) return used.error();

  boost::system::error_code ec;
  if (!settings.ca.empty()) {
    ctx->load_verify_file(settings.ca, ec);
    if (ec) return make_error(Errc::config_error, "cannot use CA bundle: " + openssl_reason(ec), settings.ca);
  }
  // With a CA, client certificates are asked for (and verified when sent), so exchanges can be
  // identified by them; require_client_cert makes one mandatory.
  if (settings.require_client_cert)
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  else if (!settings.ca.empty())
    ctx->set_verify_mode(ssl::verify_peer);
  // Without a session id context OpenSSL refuses TLS 1.2 resumption once peers are verified.
  static constexpr unsigned char kSessionContext[] = "hiebroker";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  return ctx;
}

Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const config::ClientTlsSettings& settings) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(native, kDefaultCiphers) != 1)
    return make_error(Errc::internal, "no usable cipher in the default list");

  boost::system::error_code ec;
  if (settings.ca.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(settings.ca, ec);
  if (ec)
    return make_error(Errc::config_error, "cannot use CA bundle: " + openssl_reason(ec),
                      settings.ca.empty() ? "the system's CA store" : settings.ca);
  if (!settings.cert.empty())
    if (auto used = use_certificate_and_key(*ctx, settings.cert, settings.key); !used) return used.error();
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

}  // namespace hie::net
