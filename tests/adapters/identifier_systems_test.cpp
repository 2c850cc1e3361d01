#include "adapters/identifier_systems.hpp"

#include <gtest/gtest.h>

namespace hie::adapters {
namespace {

Context with_table() {
  Context c;
  c.identifier_systems = {{"HOSP", "https://hospital.example/mrn"},
                          {"PAS", "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48"},
                          {"HOSP", "https://shadowed.example/mrn"}};
  return c;
}

TEST(IdentifierSystemFor, FindsTheConfiguredSystem) {
  auto c = with_table();
  EXPECT_EQ(identifier_system_for(c, "PAS"), "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48");
}

TEST(IdentifierSystemFor, FirstEntryWins) {
  auto c = with_table();
  EXPECT_EQ(identifier_system_for(c, "HOSP"), "https://hospital.example/mrn");
}

TEST(IdentifierSystemFor, MatchesExactlyAndNeverOnEmpty) {
  auto c = with_table();
  EXPECT_FALSE(identifier_system_for(c, "hosp"));
  EXPECT_FALSE(identifier_system_for(c, "HOSP "));
  EXPECT_FALSE(identifier_system_for(c, ""));
  c.identifier_systems.emplace_back("", "https://empty.example");
  EXPECT_FALSE(identifier_system_for(c, ""));
}

TEST(IdentifierSystemFor, NothingWithoutATable) {
  Context c;
  EXPECT_FALSE(identifier_system_for(c, "HOSP"));
}

}  // namespace
}  // namespace hie::adapters
