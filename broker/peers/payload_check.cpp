#include "broker/peers/payload_check.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "adapters/hl7v2/message.hpp"

namespace hie::peers {
namespace {

std::string_view skip_bom_and_space(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' || text.front() == '\n'))
    text.remove_prefix(1);
  return text;
}

/// Syntax only: one JSON object, without building a tree.
Status check_json_object(std::string_view text, const std::string& where) {
  text = skip_bom_and_space(text);
  if (!text.starts_with('{')) return Error(Errc::parse_error, "expected a JSON object", where);
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::BaseReaderHandler<> ignore;
  rapidjson::Reader reader;
  // Iterative: a peer's deeply nested payload must not exhaust the stack.
  if (reader.Parse<rapidjson::kParseIterativeFlag>(stream, ignore).IsError())
    return Error(Errc::parse_error,
                 std::string("not JSON: ") + rapidjson::GetParseError_En(reader.GetParseErrorCode()) + " at offset " +
                     std::to_string(reader.GetErrorOffset()),
                 where);
  return {};
}

/// One resource or Bundle, or NDJSON: one resource per line.
Status check_fhir(std::string_view payload) {
  if (check_json_object(payload, "payload")) return {};
  std::size_t line_number = 0, objects = 0;
  for (std::size_t start = 0; start < payload.size();) {
    std::size_t end = payload.find('\n', start);
    if (end == std::string_view::npos) end = payload.size();
    std::string_view line = skip_bom_and_space(payload.substr(start, end - start));
    ++line_number;
    if (!line.empty()) {
      if (auto checked = check_json_object(line, "line " + std::to_string(line_number)); !checked) {
        // A broken single document is reported as such, not as line 1 of NDJSON.
        if (objects == 0) return check_json_object(payload, "payload");
        return checked;
      }
      ++objects;
    }
    start = end + 1;
  }
  if (objects == 0) return Error(Errc::parse_error, "no JSON object", "payload");
  return {};
}

}  // namespace

Status check_payload(std::string_view format, std::string_view payload) {
  if (payload.empty()) return Error(Errc::parse_error, "the payload is empty", "payload");
  if (format == "hl7v2") {
    auto message = adapters::hl7v2::Message::parse(payload);
    if (!message) return message.error();
    return {};
  }
  if (format == "fhir") return check_fhir(payload);
  if (format == "cda") {
    if (!skip_bom_and_space(payload).starts_with('<'))
      return Error(Errc::parse_error, "expected an XML document (it does not start with '<')", "payload");
    return {};
  }
  if (format == "csv") {
    if (payload.find('\0') != std::string_view::npos)
      return Error(Errc::parse_error, "a NUL byte: this is not CSV text", "payload");
    return {};
  }
  return {};
}

}  // namespace hie::peers
