#include "broker/security/jwks.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <set>

#include "broker/security/base64url.hpp"
#include "broker/security/detail/evp.hpp"

namespace hie::security {
namespace {

struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

/// The member `name` of `jwk` as base64url-decoded bytes, or an error naming it.
Result<std::string> bytes_member(const rapidjson::Value& jwk, const char* name) {
  auto it = jwk.FindMember(name);
  if (it == jwk.MemberEnd())
    return make_error(Errc::validation_error, std::string("has no \"") + name + "\"");
  if (!it->value.IsString())
    return make_error(Errc::validation_error, std::string("\"") + name + "\" is not a string");
  auto bytes = base64url_decode({it->value.GetString(), it->value.GetStringLength()});
  if (!bytes || bytes->empty())
    return make_error(Errc::validation_error,
                      std::string("\"") + name + "\" is not unpadded base64url");
  return *bytes;
}

/// A string member, or "" when absent; nothing when present but not a string.
std::optional<std::string> string_member(const rapidjson::Value& jwk, const char* name) {
  auto it = jwk.FindMember(name);
  if (it == jwk.MemberEnd()) return std::string();
  if (!it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

Result<PublicKey> from_params(const char* type, OSSL_PARAM_BLD* builder) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(builder));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return make_error(Errc::validation_error, detail::openssl_error("is not a valid key"));
  detail::EvpPkeyPtr pkey(raw);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1)
    return make_error(Errc::validation_error, detail::openssl_error("fails the public key check"));
  return detail::make_public_key(std::move(pkey));
}

Result<PublicKey> rsa_key(const rapidjson::Value& jwk) {
  auto n = bytes_member(jwk, "n");
  if (!n) return n.error();
  auto e = bytes_member(jwk, "e");
  if (!e) return e.error();
  auto as_bn = [](const std::string& bytes) {
    return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()), nullptr));
  };
  BnPtr modulus = as_bn(*n), exponent = as_bn(*e);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (!modulus || !exponent || !builder ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()))
    return make_error(Errc::internal, "out of memory");
  return from_params("RSA", builder.get());
}

Result<PublicKey> ec_key(const rapidjson::Value& jwk) {
  auto x = bytes_member(jwk, "x");
  if (!x) return x.error();
  auto y = bytes_member(jwk, "y");
  if (!y) return y.error();
  if (x->size() != 32 || y->size() != 32)
    return make_error(Errc::validation_error, "P-256 \"x\" and \"y\" must be 32 bytes each");
  std::string point = "\x04" + *x + *y;  // uncompressed SEC 1 point
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                       0) ||
      !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()))
    return make_error(Errc::internal, "out of memory");
  return from_params("EC", builder.get());
}

/// Why the key at `jwk` is not one for JWS verification here; empty when it is.
std::string not_for_us(const std::string& kty, const std::string& use, const std::string& alg,
                       const std::string& crv) {
  if (!use.empty() && use != "sig") return "use \"" + use + "\" is not sig";
  if (kty != "RSA" && kty != "EC") return "kty \"" + kty + "\" is not RSA or EC";
  if (kty == "EC" && crv != "P-256") return "curve \"" + crv + "\" is not P-256";
  if (!alg.empty() && alg != (kty == "RSA" ? "RS256" : "ES256"))
    return "alg \"" + alg + "\" is not accepted";
  return {};
}

}  // namespace

Result<Jwks> parse_jwks(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(json.data(),
                                                                                    json.size());
  if (doc.HasParseError())
    return make_error(Errc::parse_error, std::string("not JSON: ") +
                                             rapidjson::GetParseError_En(doc.GetParseError()) +
                                             " at offset " + std::to_string(doc.GetErrorOffset()));
  if (!doc.IsObject() || !doc.HasMember("keys") || !doc["keys"].IsArray())
    return make_error(Errc::validation_error, "a JWKS is an object with a \"keys\" array");
  Jwks out;
  std::set<std::string> kids;
  const auto& keys = doc["keys"];
  for (rapidjson::SizeType i = 0; i < keys.Size(); ++i) {
    const std::string where = "keys[" + std::to_string(i) + "]: ";
    const auto& jwk = keys[i];
    if (!jwk.IsObject()) return make_error(Errc::validation_error, where + "is not an object");
    auto kty = string_member(jwk, "kty"), use = string_member(jwk, "use"),
         alg = string_member(jwk, "alg"), crv = string_member(jwk, "crv"),
         kid = string_member(jwk, "kid");
    for (auto [name, value] :
         {std::pair{"kty", &kty}, {"use", &use}, {"alg", &alg}, {"crv", &crv}, {"kid", &kid}})
      if (!*value)
        return make_error(Errc::validation_error, where + "\"" + name + "\" is not a string");
    if (kty->empty()) return make_error(Errc::validation_error, where + "has no \"kty\"");
    if (auto why = not_for_us(*kty, *use, *alg, *crv); !why.empty()) {
      out.skipped.push_back(where + why);
      continue;
    }
    auto key = *kty == "RSA" ? rsa_key(jwk) : ec_key(jwk);
    if (!key) return make_error(key.error().code(), where + *kty + " key " + key.error().message());
    if (!kids.insert(*kid).second)
      return make_error(Errc::validation_error,
                        where + (kid->empty() ? "a second key without \"kid\""
                                              : "kid \"" + *kid + "\" is used twice"));
    out.keys.push_back({std::move(*kid), std::move(*alg), std::move(*key)});
  }
  if (out.keys.empty())
    return make_error(Errc::validation_error, "has no RSA or EC P-256 signature key");
  return out;
}

Result<Jwks> load_jwks_file(const std::string& path) {
  auto text = read_small_file(path);
  if (!text) return text.error();
  auto jwks = parse_jwks(*text);
  if (!jwks) return Error(jwks.error().code(), jwks.error().message(), path);
  return jwks;
}

}  // namespace hie::security
