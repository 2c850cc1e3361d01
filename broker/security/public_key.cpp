#include "broker/security/public_key.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>

#include "broker/security/detail/evp.hpp"

namespace hie::security {

namespace detail {

std::string openssl_error(const std::string& fallback) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

Result<PublicKey> make_public_key(EvpPkeyPtr pkey) {
  if (!pkey) return make_error(Errc::internal, "no key");
  auto impl = std::make_shared<PublicKey::Impl>();
  if (EVP_PKEY_is_a(pkey.get(), "RSA")) {
    impl->type = KeyType::rsa;
    impl->bits = EVP_PKEY_get_bits(pkey.get());
    if (impl->bits < 2048)
      return make_error(Errc::unsupported, "RSA key of " + std::to_string(impl->bits) +
                                               " bits: RS256 keys need 2048 bits or more");
  } else if (EVP_PKEY_is_a(pkey.get(), "EC")) {
    char group[64] = {};
    std::size_t length = 0;
    if (!EVP_PKEY_get_utf8_string_param(pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &length))
      return make_error(Errc::unsupported,
                        "EC key without a named curve: ES256 keys must be on P-256");
    if (std::string_view(group) != "prime256v1")
      return make_error(Errc::unsupported, "EC key on curve " + std::string(group) +
                                               ": ES256 keys must be on P-256 (prime256v1)");
    impl->type = KeyType::ec_p256;
    impl->bits = 256;
  } else {
    return make_error(Errc::unsupported,
                      std::string("key of type ") + EVP_PKEY_get0_type_name(pkey.get()) +
                          ": only RSA (RS256) and EC P-256 (ES256) keys are supported");
  }
  // Keep the public half only: a private key handed in (the development issuer's) is not
  // needed to verify and should not linger in the verifier.
  unsigned char* der = nullptr;
  int der_length = i2d_PUBKEY(pkey.get(), &der);
  if (der_length <= 0)
    return make_error(Errc::internal, openssl_error("cannot encode the public key"));
  const unsigned char* cursor = der;
  impl->pkey.reset(d2i_PUBKEY(nullptr, &cursor, der_length));
  OPENSSL_free(der);
  if (!impl->pkey) return make_error(Errc::internal, openssl_error("cannot decode the public key"));
  return PublicKey(std::move(impl));
}

}  // namespace detail

std::string_view jws_alg_of(KeyType type) { return type == KeyType::rsa ? "RS256" : "ES256"; }

KeyType PublicKey::type() const { return impl_->type; }
int PublicKey::bits() const { return impl_->bits; }

Result<PublicKey> parse_public_key_pem(std::string_view pem) {
  detail::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error(Errc::internal, "out of memory");
  detail::EvpPkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) {
    ERR_clear_error();
    BIO_reset(bio.get());
    if (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      pkey.reset(X509_get_pubkey(cert));
      X509_free(cert);
    }
  }
  if (!pkey) {
    ERR_clear_error();
    return make_error(Errc::parse_error,
                      "not a PEM public key (-----BEGIN PUBLIC KEY-----) or certificate");
  }
  return detail::make_public_key(std::move(pkey));
}

Result<std::string> read_small_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::io_error, "cannot read the file", path);
  std::string text;
  char chunk[4096];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      return make_error(Errc::limit_exceeded, "larger than " + std::to_string(max_bytes) + " bytes",
                        path);
  }
  if (in.bad()) return make_error(Errc::io_error, "cannot read the file", path);
  return text;
}

Result<PublicKey> load_public_key_pem_file(const std::string& path) {
  auto text = read_small_file(path);
  if (!text) return text.error();
  auto key = parse_public_key_pem(*text);
  if (!key) return Error(key.error().code(), key.error().message(), path);
  return key;
}

}  // namespace hie::security
