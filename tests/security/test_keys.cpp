#include "tests/security/test_keys.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "broker/security/base64url.hpp"

namespace hie::security::testing {
namespace {

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return text;
}

std::string bn_param(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
    throw std::runtime_error(std::string("no parameter ") + name);
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return bytes;
}

TestKey describe(EVP_PKEY* pkey) {
  if (!pkey) throw std::runtime_error("key generation failed");
  TestKey key;
  BIO* priv = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  key.private_pem = bio_text(priv);
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, pkey);
  key.public_pem = bio_text(pub);
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    key.jwk = R"({"kty":"RSA","n":")" + base64url_encode(bn_param(pkey, OSSL_PKEY_PARAM_RSA_N)) +
              R"(","e":")" + base64url_encode(bn_param(pkey, OSSL_PKEY_PARAM_RSA_E)) + R"("})";
  } else {
    auto pad = [](std::string s) {
      return std::string(32 - std::min<std::size_t>(32, s.size()), '\0') + s;
    };
    std::string crv = EVP_PKEY_get_bits(pkey) == 256 ? "P-256" : "P-384";
    key.jwk = R"({"kty":"EC","crv":")" + crv + R"(","x":")" +
              base64url_encode(pad(bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X))) + R"(","y":")" +
              base64url_encode(pad(bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y))) + R"("})";
  }
  EVP_PKEY_free(pkey);
  return key;
}

}  // namespace

const TestKey& rsa_key() {
  static const TestKey key = describe(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  return key;
}
const TestKey& second_rsa_key() {
  static const TestKey key = describe(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  return key;
}
const TestKey& ec_key() {
  static const TestKey key = describe(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  return key;
}
const TestKey& rsa_1024_key() {
  static const TestKey key = describe(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}));
  return key;
}
const TestKey& ec_p384_key() {
  static const TestKey key = describe(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  return key;
}

std::string jwk_with(const TestKey& key, const std::string& kid, const std::string& extra) {
  std::string jwk = key.jwk;
  jwk.pop_back();
  return jwk + R"(,"kid":")" + kid + "\"" + (extra.empty() ? "" : "," + extra) + "}";
}

}  // namespace hie::security::testing
