#pragma once
// Which exchanges a merged searchset says its records came from.

#include <rapidjson/document.h>

#include <set>
#include <string>

namespace hie::testing {

/// The exchanges named by the Provenance agents of a searchset (none when it has no entries or
/// is not an object).
inline std::set<std::string> provenance_sources(const rapidjson::Document& bundle) {
  std::set<std::string> out;
  if (!bundle.IsObject() || !bundle.HasMember("entry")) return out;
  for (const auto& e : bundle["entry"].GetArray()) {
    const auto& r = e["resource"];
    if (std::string(r["resourceType"].GetString()) != "Provenance") continue;
    for (const auto& agent : r["agent"].GetArray())
      if (agent["who"].HasMember("identifier")) out.insert(agent["who"]["identifier"]["value"].GetString());
  }
  return out;
}

}  // namespace hie::testing
