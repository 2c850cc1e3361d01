#include "broker/security/jws_signature.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include "broker/security/detail/evp.hpp"

namespace hie::security {
namespace {

struct EcdsaSigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;

constexpr std::size_t kP256Bytes = 32;

}  // namespace

Result<std::string> es256_raw_to_der(std::string_view raw) {
  if (raw.size() != 2 * kP256Bytes)
    return make_error(Errc::validation_error, "an ES256 signature is 64 bytes");
  auto bytes = reinterpret_cast<const unsigned char*>(raw.data());
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes, kP256Bytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + kP256Bytes, kP256Bytes, nullptr);
  if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    return make_error(Errc::internal, "out of memory");
  }
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0)
    return make_error(Errc::internal, detail::openssl_error("cannot encode the signature"));
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

Result<std::string> es256_der_to_raw(std::string_view der) {
  auto cursor = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!sig)
    return make_error(Errc::parse_error, detail::openssl_error("not a DER ECDSA signature"));
  std::string out(2 * kP256Bytes, '\0');
  auto bytes = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), bytes, kP256Bytes) != kP256Bytes ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), bytes + kP256Bytes, kP256Bytes) != kP256Bytes)
    return make_error(Errc::validation_error, "ECDSA signature values longer than 32 bytes");
  return out;
}

bool verify_jws_signature(const PublicKey& key, std::string_view signing_input,
                          std::string_view signature) {
  std::string der;
  if (key.type() == KeyType::ec_p256) {
    auto converted = es256_raw_to_der(signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  detail::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.impl().pkey.get()) == 1 &&
      EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  // A bad signature leaves a reason on the thread's error queue; nobody will read it.
  ERR_clear_error();
  return ok;
}

}  // namespace hie::security
