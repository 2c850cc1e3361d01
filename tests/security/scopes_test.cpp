#include "broker/security/scopes.hpp"

#include <gtest/gtest.h>

namespace hie::security {
namespace {

TEST(Scopes, V1ReadCoversReadAndSearchOfEveryTypeForItsContextOnly) {
  auto scopes = Scopes::parse("patient/*.read");
  EXPECT_TRUE(scopes.allows(ContextKind::patient, "Observation", Access::read));
  EXPECT_TRUE(scopes.allows(ContextKind::patient, "Condition", Access::search));
  EXPECT_FALSE(scopes.allows(ContextKind::patient, "Condition", Access::create));
  EXPECT_FALSE(scopes.allows(ContextKind::user, "Condition", Access::read));
  EXPECT_FALSE(scopes.allows(ContextKind::system, "Condition", Access::read));
  EXPECT_EQ(scopes.ignored_words(), 0u);
}

TEST(Scopes, V1NamedTypeAndWrite) {
  auto scopes = Scopes::parse("patient/Observation.read user/Condition.write");
  EXPECT_TRUE(scopes.allows(ContextKind::patient, "Observation", Access::read));
  EXPECT_FALSE(scopes.allows(ContextKind::patient, "Condition", Access::read));
  EXPECT_TRUE(scopes.allows(ContextKind::user, "Condition", Access::update));
  EXPECT_FALSE(scopes.allows(ContextKind::user, "Condition", Access::read));  // write is not read
  EXPECT_TRUE(Scopes::parse("user/*.*").allows(ContextKind::user, "Patient", Access::delete_));
}

TEST(Scopes, V2LettersGrantExactlyWhatTheyName) {
  auto rs = Scopes::parse("patient/Observation.rs");
  EXPECT_TRUE(rs.allows(ContextKind::patient, "Observation", Access::read));
  EXPECT_TRUE(rs.allows(ContextKind::patient, "Observation", Access::search));
  EXPECT_FALSE(rs.allows(ContextKind::patient, "Observation", Access::update));

  auto r_only = Scopes::parse("patient/Observation.r");
  EXPECT_TRUE(r_only.allows(ContextKind::patient, "Observation", Access::read));
  EXPECT_FALSE(r_only.allows(ContextKind::patient, "Observation", Access::search));

  auto cruds = Scopes::parse("user/Condition.cruds");
  for (Access a : {Access::create, Access::read, Access::update, Access::delete_, Access::search})
    EXPECT_TRUE(cruds.allows(ContextKind::user, "Condition", a));
  EXPECT_FALSE(cruds.allows(ContextKind::user, "Observation", Access::read));

  auto system = Scopes::parse("system/*.read");
  EXPECT_TRUE(system.allows(ContextKind::system, "Encounter", Access::search));
  EXPECT_TRUE(system.has_context(ContextKind::system));
  EXPECT_FALSE(system.has_context(ContextKind::user));
}

TEST(Scopes, IdentityAndLaunchScopesAreToleratedAndGrantNothing) {
  auto scopes =
      Scopes::parse("openid fhirUser launch/patient offline_access profile online_access launch");
  EXPECT_TRUE(scopes.grants().empty());
  EXPECT_EQ(scopes.ignored_words(), 0u);
}

TEST(Scopes, UnparsableWordsAreIgnoredButCounted) {
  auto scopes = Scopes::parse(
      "patient/*.read  patient/Observation.sr patient/Observation.rr patient/Observation.x "
      "clinician/*.read "
      "patient/observation.read patient/Observation patient/.read "
      "patient/Observation.rs?category=laboratory "
      "admin");
  ASSERT_EQ(scopes.grants().size(), 1u);  // only patient/*.read
  EXPECT_EQ(scopes.grants()[0].resource_type, "*");
  EXPECT_EQ(scopes.ignored_words(), 9u);
}

TEST(Scopes, ArrayFormParsesLikeTheString) {
  auto scopes =
      Scopes::parse(std::vector<std::string>{"user/Observation.rs", "openid", "nonsense"});
  EXPECT_TRUE(scopes.allows(ContextKind::user, "Observation", Access::search));
  EXPECT_EQ(scopes.ignored_words(), 1u);
}

}  // namespace
}  // namespace hie::security
