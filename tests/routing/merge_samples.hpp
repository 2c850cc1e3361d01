#pragma once
// Real samples translated by the real adapters, as the exchanges' answers the merge tests feed in.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "adapters/registry.hpp"
#include "broker/model/json.hpp"
#include "broker/model/validate.hpp"
#include "broker/routing/merge.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::routing::testing {

inline adapters::Context context_for(
    std::string exchange,
    std::vector<std::pair<std::string, std::string>> identifier_systems = {}) {
  adapters::Context context;
  context.exchange_id = std::move(exchange);
  context.default_utc_offset = "+00:00";
  context.identifier_systems = std::move(identifier_systems);
  return context;
}

/// `bytes` read by the `format` adapter (csv: configured by config/mappings/city-hie.json).
inline std::vector<model::Resource> translate_bytes(const std::string& format,
                                                    const std::string& bytes,
                                                    const adapters::Context& context) {
  const adapters::Adapter* adapter = adapters::all_adapters().find(format);
  std::unique_ptr<adapters::Adapter> configured;
  if (format == "csv") {
    auto mapped = adapter->with_mapping(
        hie::testing::read_source_file("config/mappings/city-hie.json"), "city-hie.json");
    EXPECT_TRUE(mapped) << mapped.error().describe();
    if (!mapped) return {};
    configured = std::move(*mapped);
    adapter = configured.get();
  }
  auto translation = adapter->to_model(bytes, context);
  EXPECT_TRUE(translation) << translation.error().describe();
  return translation ? std::move(translation->resources) : std::vector<model::Resource>{};
}

/// Every resource of the source files (relative to the source tree) as one answer.
inline SourceAnswer answer_from(const std::string& format, const std::vector<std::string>& files,
                                const adapters::Context& context, std::string retrieved,
                                bool stored = false) {
  SourceAnswer answer;
  answer.exchange = context.exchange_id;
  answer.retrieved = std::move(retrieved);
  answer.stored = stored;
  for (const auto& file : files)
    for (auto& r : translate_bytes(format, hie::testing::read_source_file(file), context))
      answer.resources.push_back(std::move(r));
  return answer;
}

template <class T>
std::vector<const T*> all_of_type(const std::vector<model::Resource>& resources) {
  std::vector<const T*> out;
  for (const auto& r : resources)
    if (const auto* t = std::get_if<T>(&r)) out.push_back(t);
  return out;
}

/// Every Reference.reference in `resource`.
std::vector<std::string> references_in(model::Resource resource);

/// The Provenance whose target is `type`/`id`, in order.
std::vector<const model::Provenance*> provenance_of(const MergedRecord& record,
                                                    const std::string& type, const std::string& id);

bool has_conflict_tag(const model::Resource& resource);

/// Compact JSON of a Bundle; fails the test when it cannot be written or our validator finds an
/// error in it (but the one a sample carries: see the .cpp).
std::string checked_json(const model::Bundle& bundle);

}  // namespace hie::routing::testing
