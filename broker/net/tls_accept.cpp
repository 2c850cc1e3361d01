#include "broker/net/tls_accept.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/x509_vfy.h>

#include "broker/logging/log.hpp"
#include "broker/net/listener_metrics.hpp"

namespace hie::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

/// Lets OpenSSL verify the chain as configured, then asks `accept` about the leaf, so that a
/// certificate of the right CA but of no configured exchange fails the handshake itself. The
/// refusal names the certificate (never a patient) so an operator can add it to an exchange.
void check_client_certificate(TlsStream& stream, const ClientCertificateCheck& accept, std::string connection_id) {
  stream.set_verify_callback([&accept, connection_id = std::move(connection_id)](
                                 bool preverified, asio::ssl::verify_context& verify) {
    X509_STORE_CTX* store = verify.native_handle();
    if (!preverified || X509_STORE_CTX_get_error_depth(store) != 0) return preverified;
    const PeerCertificate certificate = describe_certificate(X509_STORE_CTX_get_current_cert(store));
    if (accept(certificate)) return true;
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    log::write(log::Level::info, {connection_id, {}}, "client certificate refused",
               {{"reason", "it belongs to no configured exchange"},
                {"subject_cn", certificate.subject_cn},
                {"sha256", certificate.sha256}});
    return false;
  });
}

}  // namespace

asio::awaitable<bool> accept_tls(TlsStream& stream, SessionControl& control, const SessionSettings& settings,
                                 const std::string& connection_id) {
  control.cancel = [&stream] {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().cancel(ignored);
  };
  if (settings.accept_client_certificate)
    check_client_certificate(stream, settings.accept_client_certificate, connection_id);
  beast::get_lowest_layer(stream).expires_after(settings.limits.handshake_timeout);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
  if (!ec) co_return true;
  if (settings.metrics) settings.metrics->rejected("tls_handshake");
  log::write(log::Level::info, {connection_id, {}}, "tls handshake failed", {{"reason", ec.message()}});
  co_return false;
}

}  // namespace hie::net
