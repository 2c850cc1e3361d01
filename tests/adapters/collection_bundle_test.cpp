// What `hiebroker translate` prints: one collection Bundle, each resource once.

#include "adapters/collection_bundle.hpp"

#include <gtest/gtest.h>

namespace hie::adapters {
namespace {

model::Patient patient(std::string id, std::string family) {
  model::Patient p;
  p.id = std::move(id);
  model::HumanName name;
  name.family = std::move(family);
  p.name.push_back(name);
  return p;
}

TEST(CollectionBundle, OneEntryPerResourceThenTheOutcome) {
  Translation t;
  t.resources = {patient("a", "Doe"), patient("b", "Roe")};
  auto bundle = to_collection_bundle(std::move(t));
  EXPECT_EQ(bundle.type, "collection");
  ASSERT_EQ(bundle.entry.size(), 3u);
  EXPECT_EQ(bundle.entry[0].full_url, "urn:uuid:a");
  EXPECT_EQ(model::resource_type(*bundle.entry[2].resource), "OperationOutcome");
}

TEST(CollectionBundle, AResourceReadTwiceIsWrittenOnceAndADifferingCopyIsReported) {
  Translation t;
  t.resources = {patient("a", "Doe"), patient("a", "Doe"), patient("a", "Smith")};
  auto bundle = to_collection_bundle(std::move(t));
  ASSERT_EQ(bundle.entry.size(), 2u);
  EXPECT_EQ(std::get<model::Patient>(*bundle.entry[0].resource).name[0].family, "Doe");
  const auto& outcome = std::get<model::OperationOutcome>(*bundle.entry[1].resource);
  ASSERT_EQ(outcome.issue.size(), 1u);
  EXPECT_EQ(outcome.issue[0].code, "duplicate");
  EXPECT_EQ(outcome.issue[0].severity, "warning");
  ASSERT_EQ(outcome.issue[0].location.size(), 1u);
  EXPECT_EQ(outcome.issue[0].location[0], "Patient/a");
}

}  // namespace
}  // namespace hie::adapters
