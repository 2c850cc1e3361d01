#pragma once
// The HTTP access log: one info line per request answered, naming the path but never the query
// string, and with every path segment that may be a patient's id masked.

#include <chrono>
#include <string>
#include <string_view>

namespace hie::net {

/// What one access line says about a request and its response.
struct AccessRecord {
  std::string_view connection_id;
  std::string_view request_id;
  std::string_view method;
  std::string_view target;  ///< as received; loggable_path() makes it safe
  std::string_view remote;  ///< "127.0.0.1:50122"
  unsigned status = 0;
  std::size_t body_bytes = 0;  ///< the response body sent (0 for HEAD)
  std::chrono::steady_clock::duration took{};  ///< first request byte to response written
};

/// `target` without its query string or fragment, each segment that could identify a patient
/// replaced by `{id}`: the id in /fhir/{type}/{id} and /admin/consents/{id}, and any other
/// segment that is not a plain word (letters, `.`, `_`, `~`, `$`, `-`), such as one holding a
/// digit or a percent escape. Cut to 200 characters.
std::string loggable_path(std::string_view target);

/// Writes the line: message "access" with method, path, status, bytes, ms, remote and req.
void log_access(const AccessRecord& record);

}  // namespace hie::net
