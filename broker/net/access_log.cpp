#include "broker/net/access_log.hpp"

#include <algorithm>
#include <vector>

#include "broker/logging/log.hpp"

namespace hie::net {
namespace {

constexpr std::size_t kMaxPath = 200;
constexpr std::string_view kMasked = "{id}";

/// A word of the API's own vocabulary ("fhir", "Patient", "$everything", "dead-letters"):
/// letters and a few marks, no digits, so no NHS number, MRN or escaped text passes as one.
bool plain_word(std::string_view segment) {
  return std::ranges::all_of(segment, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '~' || c == '$' ||
           c == '-';
  });
}

/// Whether segment `index` of `segments` names a patient (or another record) by id, by where
/// it sits: /fhir/{type}/{id}[/...] and /admin/consents/{id}. `segments[0]` is the empty text
/// before the leading '/'. A FHIR operation ("$everything") or "_history" is not an id.
bool id_position(const std::vector<std::string_view>& segments, std::size_t index) {
  if (segments.size() < 4 || index != 3) return false;
  if (segments[1] == "fhir") return !segments[3].starts_with('$') && !segments[3].starts_with('_');
  return segments[1] == "admin" && segments[2] == "consents";
}

}  // namespace

std::string loggable_path(std::string_view target) {
  const std::string_view path = target.substr(0, target.find_first_of("?#"));
  std::vector<std::string_view> segments;
  for (std::size_t start = 0;;) {
    const std::size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    const bool mask = id_position(segments, i) || !plain_word(segments[i]);
    out += mask ? kMasked : segments[i];
    if (out.size() > kMaxPath) {
      out.resize(kMaxPath);
      out += "...";
      break;
    }
  }
  return out;
}

void log_access(const AccessRecord& record) {
  if (!log::enabled(log::Level::info)) return;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(record.took).count();
  // The method is a token the parser accepted, but an unknown one is still the client's text.
  const std::string_view method = plain_word(record.method) && record.method.size() <= 16 ? record.method : "other";
  log::write(log::Level::info, {record.connection_id, record.request_id}, "access",
             {{"method", method},
              {"path", loggable_path(record.target)},
              {"status", record.status},
              {"bytes", record.body_bytes},
              {"ms", static_cast<double>(micros) / 1000.0},
              {"remote", record.remote}});
}

}  // namespace hie::net
