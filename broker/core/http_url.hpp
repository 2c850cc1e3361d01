#pragma once
// http:// and https:// URLs as the broker meets them: an exchange's FHIR base URL in the
// configuration, and the `next` links its server answers with. Pure: no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hie {

/// An absolute http(s) URL taken apart. The scheme and host are lower-case; an IPv6 host is
/// kept without its brackets.
struct HttpUrl {
  std::string scheme;      ///< "http" or "https"
  std::string host;        ///< a DNS name, an IPv4 address or an IPv6 address
  std::uint16_t port = 0;  ///< as written, else 80 / 443
  std::string path;        ///< "" or "/..." as written (percent-encoding kept)
  std::string query;       ///< after '?', without it; "" when there is none
  bool has_query = false;
  bool has_fragment = false;  ///< a '#...' was written (it is never sent)

  bool is_tls() const { return scheme == "https"; }
  /// True when the host is an IPv4 or IPv6 address rather than a DNS name.
  bool host_is_address() const;
  /// The Host header's value: the host (IPv6 in brackets), with ":port" unless it is the default.
  std::string authority() const;
  /// The request target: the path ("/" when empty) with "?query" when there is one.
  std::string target() const;
};

/// `text` as an absolute http(s) URL with a host; nothing when it is not one. No user info
/// ("user@"), no blanks or control characters; the port, when written, is 1-65535.
std::optional<HttpUrl> parse_http_url(std::string_view text);

/// Same scheme, host and port (RFC 6454 origin).
bool same_origin(const HttpUrl& a, const HttpUrl& b);

/// `text` with every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~) written
/// as %XX, fit for one query parameter's name or value.
std::string percent_encode(std::string_view text);

}  // namespace hie
