#include "broker/core/error.hpp"

#include <boost/throw_exception.hpp>

namespace hie {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::ok: return "ok";
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::parse_error: return "parse_error";
    case Errc::validation_error: return "validation_error";
    case Errc::config_error: return "config_error";
    case Errc::not_found: return "not_found";
    case Errc::io_error: return "io_error";
    case Errc::unsupported: return "unsupported";
    case Errc::limit_exceeded: return "limit_exceeded";
    case Errc::unavailable: return "unavailable";
    case Errc::internal: return "internal";
  }
  return "unknown";
}

Error Error::within(std::string_view outer) const {
  Error copy = *this;
  copy.location_ = std::string(outer) + location_;
  return copy;
}

std::string Error::describe() const {
  if (location_.empty()) return message_;
  return location_ + ": " + message_;
}

ErrorException::ErrorException(Error error) : error_(std::move(error)), what_(error_.describe()) {}

void throw_exception_from_error(const Error& error, const boost::source_location& loc) {
  boost::throw_exception(ErrorException(error), loc);
}

}  // namespace hie
