#include "broker/config/read_security.hpp"

#include <algorithm>
#include <set>

#include "broker/config/paths.hpp"

namespace hie::config {
namespace {

constexpr std::size_t kMaxClockSkewSeconds = 600;
constexpr std::size_t kMaxTokenCacheEntries = 10'000'000;

/// Resolves the file setting `key` of `reader` in place; a missing file is an error unless
/// `may_be_missing`.
void resolve_file(ObjectReader& reader, const char* key, std::string& path,
                  const std::string& base_dir, bool may_be_missing = false) {
  if (path.empty()) return;
  path = resolve_path(base_dir, path);
  if (!may_be_missing && !path_exists(path)) reader.fail(key, "file not found: " + path);
}

/// A string setting that, when given, must not be empty (an empty iss or aud would match a token
/// that leaves the claim out). Absent or not a string: reported by the reader (when required)
/// and `out` left as it was.
void non_empty(ObjectReader& reader, const char* key, std::string& out, bool required) {
  const std::string kUnread = "\x01unread";
  std::string value = kUnread;
  if (required)
    reader.required(key, value);
  else
    reader.optional(key, value);
  if (value == kUnread) return;
  if (value.empty())
    reader.fail(key, "must not be empty");
  else
    out = std::move(value);
}

void read_issuer(ObjectReader& item, JwtIssuer& out, const std::string& base_dir) {
  non_empty(item, "issuer", out.issuer, true);
  non_empty(item, "audience", out.audience, true);
  std::set<std::string> kids;
  for (auto& key : item.array_of_objects("keys")) {
    JwtKeyFile k;
    key.optional("kid", k.kid);
    key.required("pem", k.pem);
    resolve_file(key, "pem", k.pem, base_dir);
    if (!kids.insert(k.kid).second)
      key.fail("kid", k.kid.empty() ? "a second key without kid: keys without kid must be alone"
                                    : "kid \"" + k.kid + "\" is used twice for this issuer");
    key.finish();
    out.keys.push_back(std::move(k));
  }
  item.optional("jwks", out.jwks);
  resolve_file(item, "jwks", out.jwks, base_dir);
  if (out.keys.empty() && out.jwks.empty())
    item.fail("keys", "an issuer needs keys, a jwks file, or both");
}

void read_dev_issuer(ObjectReader& dev, DevIssuer& out, const std::string& base_dir) {
  non_empty(dev, "issuer", out.issuer, false);
  non_empty(dev, "audience", out.audience, false);
  dev.required("private_key", out.private_key);
  non_empty(dev, "kid", out.kid, false);
  dev.optional("optional", out.optional);
  resolve_file(dev, "private_key", out.private_key, base_dir, out.optional);
}

bool is_sha256_hex(const std::string& text) {
  return text.size() == 64 && std::ranges::all_of(text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void read_operator(ObjectReader& item, OperatorCertificate& out) {
  non_empty(item, "name", out.name, true);
  item.optional("cert_subject_cn", out.cert_subject_cn);
  item.optional("cert_sha256", out.cert_sha256);
  if (out.cert_subject_cn.empty() && out.cert_sha256.empty())
    item.fail("cert_subject_cn", "an operator needs cert_subject_cn, cert_sha256, or both");
  if (!out.cert_sha256.empty() && !is_sha256_hex(out.cert_sha256))
    item.fail("cert_sha256", "must be 64 lower-case hex digits (openssl x509 -noout -fingerprint -sha256, "
                             "without the colons)");
  item.optional("scope", out.scope);
  // Operators act for the broker, never for a patient or a clinician.
  std::size_t words = 0;
  for (std::size_t at = 0; at < out.scope.size();) {
    const std::size_t end = std::min(out.scope.find(' ', at), out.scope.size());
    const std::string word = out.scope.substr(at, end - at);
    if (!word.empty()) {
      ++words;
      if (!word.starts_with("system/")) item.fail("scope", "\"" + word + "\": operators get system/ scopes only");
    }
    at = end + 1;
  }
  if (words == 0) item.fail("scope", "must name at least one system/ scope");
}

}  // namespace

void read_security(ObjectReader& root, Security& out, const std::string& base_dir) {
  auto security = root.object("security");
  if (!security) return;
  if (auto jwt = security->object("jwt")) {
    Jwt& j = out.jwt;
    std::set<std::string> issuers;
    for (auto& item : jwt->array_of_objects("issuers")) {
      JwtIssuer issuer;
      read_issuer(item, issuer, base_dir);
      if (!issuer.issuer.empty() && !issuers.insert(issuer.issuer).second)
        item.fail("issuer", "issuer \"" + issuer.issuer + "\" is configured twice");
      item.finish();
      j.issuers.push_back(std::move(issuer));
    }
    std::size_t skew = static_cast<std::size_t>(j.clock_skew.count());
    jwt->optional("clock_skew_seconds", skew);
    if (skew > kMaxClockSkewSeconds)
      jwt->fail("clock_skew_seconds", "must be from 0 to " + std::to_string(kMaxClockSkewSeconds));
    else
      j.clock_skew = std::chrono::seconds(skew);
    jwt->optional("token_cache_entries", j.token_cache_entries);
    if (j.token_cache_entries > kMaxTokenCacheEntries)
      jwt->fail("token_cache_entries",
                "must be from 0 (no cache) to " + std::to_string(kMaxTokenCacheEntries));
    if (auto dev = jwt->object("dev_issuer")) {
      DevIssuer d;
      read_dev_issuer(*dev, d, base_dir);
      if (issuers.contains(d.issuer))
        dev->fail("issuer", "issuer \"" + d.issuer +
                                "\" is also in security.jwt.issuers: give the development "
                                "issuer a name of its own");
      dev->finish();
      j.dev_issuer = std::move(d);
    }
    jwt->finish();
  }
  std::set<std::string> names;
  for (auto& item : security->array_of_objects("operators")) {
    OperatorCertificate op;
    read_operator(item, op);
    if (!op.name.empty() && !names.insert(op.name).second) item.fail("name", "operator \"" + op.name + "\" is configured twice");
    item.finish();
    out.operators.push_back(std::move(op));
  }
  security->finish();
}

}  // namespace hie::config
