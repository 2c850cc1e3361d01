// hiebroker journal: the durable journal as JSON lines, read straight from the store file, so
// it works whether or not the broker is running.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <iostream>

#include "broker/cli/config_flags.hpp"
#include "broker/cli/commands.hpp"
#include "broker/store/sqlite_store.hpp"

namespace hie::cli {
namespace {

constexpr const char* kUsage =
    "usage: hiebroker journal --config FILE [--set PATH=VALUE]... [--exchange ID] [--after ID]\n"
    "                         [--limit N] [--payload]\n"
    "\n"
    "Prints the durable journal as JSON lines, oldest first, one per stored message: id, exchange,\n"
    "control_id, format, received, status, detail, bytes, translation, translation_detail (and\n"
    "payload with --payload: it holds patient data). --after ID continues from a row id; --limit bounds the rows (default all).\n";

std::optional<std::int64_t> to_number(const std::string& text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < 0) return std::nullopt;
  return n;
}

std::string to_json_line(const store::JournalRecord& r) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto text = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  w.Key("id");
  w.Int64(r.id);
  text("exchange", r.exchange);
  text("control_id", r.control_id);
  text("format", r.format);
  text("received", r.received);
  text("status", r.status);
  text("detail", r.detail);
  w.Key("bytes");
  w.Int64(r.bytes);
  text("translation", r.translation);
  text("translation_detail", r.translation_detail);
  if (r.payload) text("payload", *r.payload);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

int journal_command(int argc, char** argv) {
  auto flags = parse_config_flags(argc, argv, "journal", kUsage,
                                  {{"--exchange", true}, {"--after", true}, {"--limit", true}, {"--payload", false}});
  if (const int* exit_code = std::get_if<int>(&flags)) return *exit_code;
  const Args& args = std::get<Args>(flags);
  store::JournalQuery query;
  query.exchange = args.value("--exchange").value_or("");
  query.with_payload = args.has("--payload");
  std::optional<std::int64_t> after, limit;
  for (auto [flag, target] : {std::pair{"--after", &after}, std::pair{"--limit", &limit}}) {
    if (auto text = args.value(flag)) {
      *target = to_number(*text);
      if (!*target) {
        std::cerr << "hiebroker journal: " << flag << " needs a non-negative whole number\n";
        return 2;
      }
    }
  }
  query.after_id = after.value_or(0);
  auto loaded = load_config_or_report(args);
  if (!loaded) return 1;
  if (!loaded->store.sqlite) {
    std::cerr << "hiebroker journal: the configuration has no store.sqlite\n";
    return 1;
  }
  // Pages of 1000 rows: the output may be the whole journal, memory stays bounded.
  std::int64_t left = limit.value_or(INT64_MAX);
  while (left > 0) {
    query.limit = static_cast<std::size_t>(std::min<std::int64_t>(left, 1000));
    auto rows = store::read_journal_file(loaded->store.sqlite->path, query);
    if (!rows) {
      std::cerr << "hiebroker journal: " << rows.error().describe() << "\n";
      return 1;
    }
    for (const auto& row : *rows) std::cout << to_json_line(row) << "\n";
    if (rows->size() < query.limit) break;
    query.after_id = rows->back().id;
    left -= static_cast<std::int64_t>(rows->size());
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace hie::cli
