#pragma once
// Result<T>: a value or an Error. boost::system::result rather than std::expected because
// clang 14 (the fuzz build) cannot use libstdc++ 12's <expected>.

#include <boost/system/result.hpp>

#include "broker/core/error.hpp"

namespace hie {

template <class T>
using Result = boost::system::result<T, Error>;

/// Result of an operation that yields nothing but may fail.
using Status = boost::system::result<void, Error>;

/// Shorthand for returning an error from a function returning Result<T>.
inline Error make_error(Errc code, std::string message, std::string location = {}) {
  return Error(code, std::move(message), std::move(location));
}

}  // namespace hie
