#include "broker/security/jws_signer.hpp"

#include <openssl/pem.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "broker/security/base64url.hpp"
#include "broker/security/detail/evp.hpp"
#include "broker/security/jws_signature.hpp"

namespace hie::security {

struct JwsSigner::Key {
  detail::EvpPkeyPtr pkey;
  KeyType type = KeyType::rsa;
};

Result<JwsSigner> JwsSigner::from_private_key_pem(std::string_view pem, std::string kid) {
  detail::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error(Errc::internal, "out of memory");
  // An empty passphrase callback result: encrypted keys fail instead of prompting on the terminal.
  auto no_passphrase = [](char*, int, int, void*) { return 0; };
  detail::EvpPkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!pkey) {
    detail::openssl_error("");
    return make_error(Errc::parse_error, "not an unencrypted PEM private key");
  }
  // make_public_key applies the same rules to the key as verification does (P-256, RSA ≥ 2048).
  detail::EvpPkeyPtr copy(pkey.get());
  EVP_PKEY_up_ref(pkey.get());
  auto public_key = detail::make_public_key(std::move(copy));
  if (!public_key) return public_key.error();
  auto key = std::make_shared<Key>();
  key->type = public_key->type();
  key->pkey = std::move(pkey);
  return JwsSigner(std::move(key), std::move(*public_key), std::move(kid));
}

Result<JwsSigner> JwsSigner::load_private_key_file(const std::string& path, std::string kid) {
  auto text = read_small_file(path);
  if (!text) return text.error();
  auto signer = from_private_key_pem(*text, std::move(kid));
  if (!signer) return Error(signer.error().code(), signer.error().message(), path);
  return signer;
}

std::string_view JwsSigner::alg() const { return jws_alg_of(key_->type); }

Result<std::string> JwsSigner::signature(std::string_view signing_input) const {
  detail::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1)
    return make_error(Errc::internal, detail::openssl_error("cannot sign"));
  std::string out(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1)
    return make_error(Errc::internal, detail::openssl_error("cannot sign"));
  out.resize(length);
  if (key_->type == KeyType::ec_p256) return es256_der_to_raw(out);
  return out;
}

Result<std::string> JwsSigner::sign_parts(std::string_view header_json,
                                          std::string_view payload_json) const {
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  auto sig = signature(input);
  if (!sig) return sig.error();
  return input + "." + base64url_encode(*sig);
}

Result<std::string> JwsSigner::sign(std::string_view claims_json) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("alg");
  w.String(alg().data(), static_cast<rapidjson::SizeType>(alg().size()));
  w.Key("typ");
  w.String("JWT");
  if (!kid_.empty()) {
    w.Key("kid");
    w.String(kid_.data(), static_cast<rapidjson::SizeType>(kid_.size()));
  }
  w.EndObject();
  return sign_parts({buffer.GetString(), buffer.GetSize()}, claims_json);
}

}  // namespace hie::security
