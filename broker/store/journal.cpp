#include "broker/store/journal.hpp"
#include "broker/store/store.hpp"

#include <cstdio>
#include <ctime>

namespace hie::store {

std::string_view to_string(JournalStatus status) {
  switch (status) {
    case JournalStatus::accepted: return "accepted";
    case JournalStatus::rejected: return "rejected";
  }
  return "unknown";
}

std::string_view to_string(TranslationState state) {
  switch (state) {
    case TranslationState::pending: return "pending";
    case TranslationState::translated: return "translated";
    case TranslationState::failed: return "failed";
    case TranslationState::skipped: return "skipped";
  }
  return "unknown";
}

std::string format_utc(std::chrono::system_clock::time_point time) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(since_epoch.count() / 1000);
  const int millis = static_cast<int>(since_epoch.count() % 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];  // room for any int values, so the compiler sees no truncation
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return text;
}

}  // namespace hie::store
