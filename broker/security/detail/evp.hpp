#pragma once
// OpenSSL types behind the security library's public classes. Only this library's .cpp files
// include it.

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

#include "broker/security/public_key.hpp"

namespace hie::security {

namespace detail {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;

struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

/// The oldest OpenSSL error queued on this thread, as one line (and the queue cleared), or
/// `fallback` when there is none.
std::string openssl_error(const std::string& fallback);

/// Checks that `pkey` is a key JWS can use here (RSA ≥ 2048 bits, or EC on P-256) and wraps
/// its public half (a private key is accepted; only its public half is kept).
Result<PublicKey> make_public_key(EvpPkeyPtr pkey);

}  // namespace detail

struct PublicKey::Impl {
  detail::EvpPkeyPtr pkey;
  KeyType type = KeyType::rsa;
  int bits = 0;
};

}  // namespace hie::security
