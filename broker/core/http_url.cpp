#include "broker/core/http_url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace hie {
namespace {

bool is_address(const std::string& host, int family) {
  unsigned char scratch[sizeof(in6_addr)];
  return inet_pton(family, host.c_str(), scratch) == 1;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  });
  return out;
}

/// A DNS name as a host: letters, digits, '-' and '.', no empty label.
bool is_dns_name(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' ||
      host.find("..") != std::string_view::npos)
    return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

}  // namespace

bool HttpUrl::host_is_address() const {
  return is_address(host, AF_INET) || is_address(host, AF_INET6);
}

std::string HttpUrl::authority() const {
  std::string out = is_address(host, AF_INET6) ? "[" + host + "]" : host;
  const std::uint16_t default_port = is_tls() ? 443 : 80;
  if (port != default_port) out += ":" + std::to_string(port);
  return out;
}

std::string HttpUrl::target() const {
  std::string out = path.empty() ? "/" : path;
  if (has_query) out += "?" + query;
  return out;
}

std::optional<HttpUrl> parse_http_url(std::string_view text) {
  // Blanks, controls and non-ASCII bytes are never part of a URL written correctly.
  if (std::any_of(text.begin(), text.end(), [](char c) {
        auto b = static_cast<unsigned char>(c);
        return b <= 0x20 || b >= 0x7f;
      }))
    return std::nullopt;
  HttpUrl url;
  const auto colon = text.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  url.scheme = lower(text.substr(0, colon));
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(colon + 3);

  if (auto hash = rest.find('#'); hash != std::string_view::npos) {
    url.has_fragment = true;
    rest = rest.substr(0, hash);
  }
  const auto authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view after =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = lower(authority.substr(1, close - 1));
    if (!is_address(url.host, AF_INET6)) return std::nullopt;
    std::string_view tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return std::nullopt;
      port_text = tail.substr(1);
      if (port_text.empty()) return std::nullopt;
    }
  } else {
    const auto port_colon = authority.find(':');
    url.host = lower(authority.substr(0, port_colon));
    if (port_colon != std::string_view::npos) {
      port_text = authority.substr(port_colon + 1);
      if (port_text.empty()) return std::nullopt;
    }
    if (!is_dns_name(url.host)) return std::nullopt;
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
      return std::nullopt;
    url.port = static_cast<std::uint16_t>(value);
  } else {
    url.port = url.is_tls() ? 443 : 80;
  }

  const auto question = after.find('?');
  url.path = std::string(after.substr(0, question));
  if (question != std::string_view::npos) {
    url.has_query = true;
    url.query = std::string(after.substr(question + 1));
  }
  return url;
}

bool same_origin(const HttpUrl& a, const HttpUrl& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0x0f];
    }
  }
  return out;
}

}  // namespace hie
