#include "tools/hie-sim/event_log.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cstring>

namespace hie::sim {

Result<std::string> event_line(const rapidjson::Value& event) {
  if (!event.IsObject()) return make_error(Errc::invalid_argument, "an event is a JSON object");
  for (const char* required : {"id", "kind", "format", "payload"}) {
    auto it = event.FindMember(required);
    if (it == event.MemberEnd() || !it->value.IsString())
      return make_error(Errc::invalid_argument,
                        std::string("an event needs a string \"") + required + "\"");
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const char* name : {"id", "kind", "format", "source", "occurred"}) {
    w.Key(name);
    auto it = event.FindMember(name);
    if (it != event.MemberEnd() && it->value.IsString())
      w.String(it->value.GetString(), it->value.GetStringLength());
    else
      w.Null();
  }
  w.Key("attempt");
  auto attempt = event.FindMember("attempt");
  if (attempt != event.MemberEnd() && attempt->value.IsUint64())
    w.Uint64(attempt->value.GetUint64());
  else
    w.Null();
  const auto& payload = event["payload"];
  w.Key("payload");
  w.String(payload.GetString(), payload.GetStringLength());
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void EventLog::Close::operator()(std::FILE* file) const { std::fclose(file); }

EventLog::EventLog(std::string path, std::FILE* file, bool owned)
    : path_(std::move(path)), owned_(owned ? file : nullptr), file_(file) {}

Result<EventLog> EventLog::open(const std::string& path) {
  if (path == "-") return EventLog(path, stdout, false);
  std::FILE* file = std::fopen(path.c_str(), "ab");
  if (!file)
    return make_error(Errc::io_error,
                      "--events-out: cannot open " + path + ": " + std::strerror(errno));
  return EventLog(path, file, true);
}

bool EventLog::append(std::string_view line) {
  // A simulator's file write is small and synchronous on purpose: the ack must follow it.
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) return false;
  if (std::fputc('\n', file_) == EOF) return false;
  return std::fflush(file_) == 0;
}

}  // namespace hie::sim
