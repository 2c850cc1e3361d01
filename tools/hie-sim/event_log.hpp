#pragma once
// --events-out: each `event` the broker sends, kept as one JSON line before it is acknowledged,
// so that tests can read what arrived, in what order, and how often.

#include <rapidjson/document.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "broker/core/result.hpp"

namespace hie::sim {

/// The line kept for one `event` message (no newline):
/// {"id":..,"kind":..,"format":..,"source":..,"occurred":..,"attempt":..,"payload":..}.
/// `id`, `kind`, `format` and `payload` must be strings (else an error naming the member);
/// `source` and `occurred` are copied when strings and `attempt` when a whole number, else
/// written as null, so a line always has the same members.
Result<std::string> event_line(const rapidjson::Value& event);

/// An append-only file of event lines (or stdout), each flushed as it is written.
class EventLog {
 public:
  /// Opens `path` for appending ("-": stdout). The error names the file and the reason.
  static Result<EventLog> open(const std::string& path);

  /// Writes `line` and a newline, and flushes; false when either failed (the event is then not
  /// kept and must not be acknowledged).
  bool append(std::string_view line);

  const std::string& path() const { return path_; }

 private:
  struct Close {
    void operator()(std::FILE* file) const;
  };
  EventLog(std::string path, std::FILE* file, bool owned);

  std::string path_;
  std::unique_ptr<std::FILE, Close> owned_;
  std::FILE* file_ = nullptr;
};

}  // namespace hie::sim
