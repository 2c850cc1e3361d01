#include "broker/peers/fhir_bundle_reader.hpp"

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace hie::peers::fhir_rest {
namespace {

std::string_view string_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

/// How an error names a resourceType that is not Bundle: a type name as it is, anything else
/// (a server's arbitrary string, perhaps with line breaks) not echoed, to keep the reason one line.
std::string describe_type(std::string_view type) {
  if (type.empty()) return "JSON without a resourceType";
  const bool type_name = type.size() <= 64 && std::ranges::all_of(type, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
  return type_name ? "resourceType " + std::string(type) + ", not Bundle"
                   : std::string("resourceType not a FHIR type name, not Bundle");
}

}  // namespace

Result<BundleSummary> read_bundle(std::string_view body) {
  rapidjson::Document document;
  // Iterative: a hostile server's deeply nested body must not exhaust the stack.
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  document.Parse<kFlags>(body.data(), body.size());
  if (document.HasParseError())
    return make_error(Errc::parse_error, std::string("not JSON: ") +
                                             rapidjson::GetParseError_En(document.GetParseError()) +
                                             " at byte " +
                                             std::to_string(document.GetErrorOffset()));
  const auto type = string_member(document, "resourceType");
  if (type != "Bundle")
    return make_error(Errc::parse_error, describe_type(type));
  BundleSummary summary;
  const rapidjson::Value& root = document;  // const iterators: clang finds mutable ones ambiguous
  if (auto links = root.FindMember("link"); links != root.MemberEnd() && links->value.IsArray())
    for (const auto& link : links->value.GetArray())
      if (string_member(link, "relation") == "next") {
        summary.next = string_member(link, "url");
        break;
      }
  if (auto entries = root.FindMember("entry");
      entries != root.MemberEnd() && entries->value.IsArray())
    for (const auto& entry : entries->value.GetArray()) {
      if (!entry.IsObject()) continue;
      auto resource = entry.FindMember("resource");
      if (resource == entry.MemberEnd() ||
          string_member(resource->value, "resourceType") != "Patient")
        continue;
      if (auto search = entry.FindMember("search"); search != entry.MemberEnd()) {
        const auto mode = string_member(search->value, "mode");
        if (mode == "include" || mode == "outcome") continue;
      }
      summary.patient_ids.emplace_back(string_member(resource->value, "id"));
    }
  return summary;
}

}  // namespace hie::peers::fhir_rest
