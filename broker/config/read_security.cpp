#include "broker/config/read_security.hpp"

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
  security->finish();
}

}  // namespace hie::config
