#include "broker/logging/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace hie::log {
namespace {

std::atomic<bool> g_json{false};

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::critical: return spdlog::level::critical;
    case Level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  out += '"';
}

std::string json_line(const Context& c, std::string_view message, std::span<const Field> fields) {
  std::string out = "\"msg\":";
  append_json_string(out, message);
  auto add = [&](std::string_view key, std::string_view value, bool quoted) {
    out += ',';
    append_json_string(out, key);
    out += ':';
    if (quoted)
      append_json_string(out, value);
    else
      out += value;
  };
  if (!c.connection.empty()) add("conn", c.connection, true);
  if (!c.request.empty()) add("req", c.request, true);
  if (!c.exchange.empty()) add("exchange", c.exchange, true);
  if (!c.query.empty()) add("query", c.query, true);
  for (const auto& f : fields) add(f.key, f.value, f.quoted);
  return out;
}

std::string text_line(const Context& c, std::string_view message, std::span<const Field> fields) {
  std::string out(message);
  for (const auto& f : fields) out += fmt::format(" {}={}", f.key, f.value);
  if (!c.connection.empty()) out += fmt::format(" conn={}", c.connection);
  if (!c.request.empty()) out += fmt::format(" req={}", c.request);
  if (!c.exchange.empty()) out += fmt::format(" exchange={}", c.exchange);
  if (!c.query.empty()) out += fmt::format(" query={}", c.query);
  return out;
}

}  // namespace

void configure(std::string_view level, bool json, std::shared_ptr<spdlog::sinks::sink> sink) {
  if (!sink) sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("hiebroker", std::move(sink));
  logger->set_level(spdlog::level::from_str(std::string(level)));
  // The JSON payload is assembled (and escaped) by write(); spdlog adds time and level.
  logger->set_pattern(json ? R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})"
                           : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                      spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::warn);
  g_json = json;
  spdlog::set_default_logger(std::move(logger));
}

void set_level(std::string_view level) {
  spdlog::default_logger_raw()->set_level(spdlog::level::from_str(std::string(level)));
}

bool enabled(Level level) { return spdlog::default_logger_raw()->should_log(to_spdlog(level)); }

void write(Level level, const Context& context, std::string_view message, std::initializer_list<Field> fields) {
  write(level, context, message, std::span<const Field>(fields.begin(), fields.size()));
}

void write(Level level, const Context& context, std::string_view message, std::span<const Field> fields) {
  auto* logger = spdlog::default_logger_raw();
  if (!logger->should_log(to_spdlog(level))) return;
  logger->log(to_spdlog(level), "{}",
              g_json ? json_line(context, message, fields) : text_line(context, message, fields));
}

}  // namespace hie::log
