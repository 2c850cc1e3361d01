// The adapter registry: one explicit list, no duplicate names, and every registered adapter
// walked over its sample inputs (a format added without samples fails here).

#include "adapters/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "adapters/collection_bundle.hpp"
#include "broker/model/json.hpp"
#include "tests/support/fhir_validator.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::adapters {
namespace {

namespace fs = std::filesystem;

/// Where each format's samples are, and the mapping that configures it (CSV dialects).
struct Samples {
  std::vector<std::string> folders;  ///< relative to the source tree, searched recursively
  std::string extension;
  std::string mapping;  ///< empty: the format takes none
};

const std::map<std::string, Samples> kSamplesByFormat = {
    {"hl7v2", {{"tests/data/hl7v2"}, ".hl7", ""}},
    {"cda", {{"tests/data/ccda"}, ".xml", ""}},
    {"fhir", {{"tests/data/fhir"}, ".json", ""}},
    {"csv", {{"config/sim/data/city"}, ".csv", "config/mappings/city-hie.json"}},
};

/// Samples whose output cannot be valid FHIR, and why (the adapter reports the loss).
const std::map<std::string, std::string> kNotValidOutput = {
    {"MedicationStatement-example001.json",
     "its medication is a contained resource, which the model does not hold: the required "
     "medication[x] is lost, with a warning"},
};

std::vector<fs::path> sample_files(const Samples& samples) {
  std::vector<fs::path> files;
  for (const auto& folder : samples.folders)
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(HIE_SOURCE_DIR) / folder)) {
      const auto path = entry.path();
      if (entry.is_regular_file() && path.extension() == samples.extension &&
          path.string().find("/malformed/") == std::string::npos)
        files.push_back(path);
    }
  std::ranges::sort(files);
  return files;
}

TEST(Registry, RefusesASecondAdapterWithATakenName) {
  Registry registry;
  struct Named : Adapter {
    std::string_view format() const override { return "same"; }
    Result<Translation> to_model(std::string_view, const Context&) const override { return Translation{}; }
    bool sniff(std::string_view) const override { return false; }
  };
  EXPECT_TRUE(registry.add(std::make_unique<Named>()));
  auto second = registry.add(std::make_unique<Named>());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message().find("'same' is already registered"), std::string::npos);
  EXPECT_EQ(registry.formats().size(), 1u);
}

TEST(Registry, EveryRegisteredFormatHasSamplesAndEverySampledFormatIsRegistered) {
  std::vector<std::string> registered;
  for (auto name : all_adapters().formats()) registered.emplace_back(name);
  std::vector<std::string> sampled;
  for (const auto& [format, samples] : kSamplesByFormat) sampled.push_back(format);
  std::ranges::sort(registered);
  EXPECT_EQ(registered, sampled);
}

TEST(Registry, EveryAdapterReadsAndSniffsItsSamplesIntoValidFhir) {
  std::vector<std::string> bundles;
  std::vector<std::string> names;
  for (const auto& [format, samples] : kSamplesByFormat) {
    const Adapter* registered = all_adapters().find(format);
    ASSERT_NE(registered, nullptr) << format;
    std::unique_ptr<Adapter> configured;
    const Adapter* adapter = registered;
    if (!samples.mapping.empty()) {
      const auto path = fs::path(HIE_SOURCE_DIR) / samples.mapping;
      auto with_mapping = registered->with_mapping(hie::testing::read_file_bytes(path), path.string());
      ASSERT_TRUE(with_mapping) << with_mapping.error().describe();
      configured = std::move(*with_mapping);
      adapter = configured.get();
    }
    const auto files = sample_files(samples);
    std::size_t resources = 0;
    EXPECT_GE(files.size(), 3u) << format;
    for (const auto& file : files) {
      const std::string bytes = hie::testing::read_file_bytes(file);
      EXPECT_TRUE(adapter->sniff(std::string_view(bytes).substr(0, sniff_bytes))) << file;
      Context context;
      context.exchange_id = "registry-test";
      context.default_utc_offset = "+00:00";
      auto translation = adapter->to_model(bytes, context);
      ASSERT_TRUE(translation) << file << ": " << translation.error().describe();
      // An input with nothing the model holds (an ACK, a Bundle of other types) must say so.
      if (translation->resources.empty()) {
        EXPECT_FALSE(translation->issues.empty()) << file;
      }
      resources += translation->resources.size();
      auto json = model::to_json(to_collection_bundle(std::move(*translation)));
      ASSERT_TRUE(json) << file;
      if (kNotValidOutput.contains(file.filename().string())) continue;
      bundles.push_back(std::move(*json));
      names.push_back(file.string());
    }
    EXPECT_GE(resources, files.size()) << format;
  }
  const auto results = hie::testing::validate_fhir_batch(bundles);
  ASSERT_EQ(results.size(), bundles.size());
  for (std::size_t i = 0; i < results.size(); ++i) EXPECT_TRUE(results[i].valid) << names[i] << "\n" << results[i].issues;
}

}  // namespace
}  // namespace hie::adapters
