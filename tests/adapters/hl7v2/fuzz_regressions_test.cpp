// Every input scripts/fuzz ever broke the HL7 v2 adapter with: each must now translate (or be
// refused with an error) and serialise.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/collection_bundle.hpp"
#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "adapters/hl7v2/text.hpp"
#include "broker/model/json.hpp"

namespace hie::adapters::hl7v2 {
namespace {

TEST(Hl7v2FuzzRegressions, EveryKeptInputTranslatesAndSerialises) {
  const auto dir = std::filesystem::path(HIE_SOURCE_DIR) / "tests/data/fuzz-regressions/hl7v2";
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    Context context;
    auto translation = Hl7v2Adapter().to_model(bytes.str(), context);
    ++seen;
    if (!translation) continue;  // refused with an error value: fine
    auto json = model::to_json(to_collection_bundle(std::move(*translation)));
    EXPECT_TRUE(json) << entry.path().filename() << ": " << json.error().describe();
  }
  EXPECT_GE(seen, 1u);
}

TEST(Hl7v2FuzzRegressions, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(to_valid_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(to_valid_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(to_valid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace hie::adapters::hl7v2
