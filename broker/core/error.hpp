#pragma once
// The error value carried by Result<T> across every internal boundary.

#include <boost/assert/source_location.hpp>

#include <string>
#include <string_view>

namespace hie {

/// What kind of failure happened; stable, so callers and metrics can branch on it.
enum class Errc {
  ok = 0,
  invalid_argument,  ///< a caller passed something that cannot be right
  parse_error,       ///< bytes could not be read as the expected format
  validation_error,  ///< well-formed input that breaks a rule (required element, value format)
  config_error,      ///< configuration is missing, malformed or inconsistent
  not_found,         ///< a named thing does not exist
  io_error,          ///< file or socket failure
  unsupported,       ///< well-formed, but not something we handle
  limit_exceeded,    ///< a configured size, count or time limit was hit
  unavailable,       ///< the other side could not be reached (resolve, connect, TLS): nothing was sent
  internal,          ///< a bug: an invariant did not hold
};

/// Short stable name of an error code ("parse_error"), for logs and metric labels.
std::string_view to_string(Errc code);

/// An error: a code, a human-readable message (never patient data), and where it happened.
///
/// The location is whatever pinpoints the fault for the reader of the message:
/// `PID-3[2].1`, `config/demo.json:14`, `/entry/3/resource/code`.
/// Not an aggregate and default-constructible, as boost::system::result requires.
class Error {
 public:
  Error() = default;
  Error(Errc code, std::string message, std::string location = {})
      : code_(code), message_(std::move(message)), location_(std::move(location)) {}

  Errc code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& location() const { return location_; }

  /// Returns a copy with `outer` prefixed to the location ("/entry/3" + "/resource/code").
  Error within(std::string_view outer) const;

  /// "location: message", or just the message when there is no location.
  std::string describe() const;

  friend bool operator==(const Error&, const Error&) = default;

 private:
  Errc code_ = Errc::internal;
  std::string message_;
  std::string location_;
};

/// Thrown only when code calls value() on a Result holding an error: that is a bug.
class ErrorException : public std::exception {
 public:
  explicit ErrorException(Error error);
  const char* what() const noexcept override { return what_.c_str(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
  std::string what_;
};

/// Found by ADL from boost::system::result<T, Error>::value().
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

}  // namespace hie
