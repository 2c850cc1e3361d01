#pragma once
// Structured logging over spdlog: text or JSON lines, with connection, request, exchange and
// query ids when a line has them.
//
// Rule: message payloads and patient identifiers are never passed to info() or above.
// Use debug() for anything that may carry patient data; production runs at info.

#include <fmt/format.h>

#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace spdlog::sinks {
class sink;
}

namespace hie::log {

enum class Level { trace, debug, info, warn, error, critical, off };

/// What a line is about; empty parts are left out. Views only, so building one costs nothing;
/// the strings must outlive the call. None of them ever holds patient data.
struct Context {
  std::string_view connection = {};  ///< "c17": JSON "conn", text " conn=c17"
  std::string_view request = {};     ///< "c17-3" or the caller's X-Request-Id: JSON "req"
  std::string_view exchange = {};    ///< a configured exchange id: JSON "exchange"
  std::string_view query = {};       ///< a query engine id ("5f3a-2c"): JSON "query"
};

/// One extra key/value on a line. Numbers are written unquoted in JSON.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, const char* v) : key(k), value(v), quoted(true) {}
  template <class N>
    requires std::is_arithmetic_v<N>
  Field(std::string_view k, N n) : key(k), value(fmt::format("{}", n)), quoted(false) {}
  std::string_view key;
  std::string value;
  bool quoted;
};

/// Sets up the process logger: `level` as in config ("info"), `json` for JSON lines.
/// Lines go to `sink` when given (tests), otherwise to stderr (stdout is for `listening` lines).
void configure(std::string_view level, bool json, std::shared_ptr<spdlog::sinks::sink> sink = nullptr);

/// Changes the level of the configured logger while it runs (a configuration reload).
void set_level(std::string_view level);

bool enabled(Level level);
void write(Level level, const Context& context, std::string_view message,
           std::initializer_list<Field> fields = {});
/// The same, for lines whose set of fields is known only at run time.
void write(Level level, const Context& context, std::string_view message, std::span<const Field> fields);

template <class... Args>
void debug(const Context& c, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::debug)) write(Level::debug, c, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(const Context& c, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::info)) write(Level::info, c, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(const Context& c, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::warn)) write(Level::warn, c, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(const Context& c, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::error)) write(Level::error, c, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace hie::log
