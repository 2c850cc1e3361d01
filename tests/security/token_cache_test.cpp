// The verified-token cache, alone and behind the verifier.

#include "broker/security/token_cache.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <thread>

#include "tests/security/verifier_fixture.hpp"

namespace hie::security::testing {
namespace {

using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

std::shared_ptr<const Principal> principal_until(std::int64_t exp, std::string subject = "s") {
  auto p = std::make_shared<Principal>();
  p->subject = std::move(subject);
  p->expires = TimePoint(seconds(exp));
  return p;
}

TEST(TokenCache, FindsWhatWasInsertedUntilItExpires) {
  TokenCache cache(10);
  auto p = principal_until(kNow + 100);
  cache.insert("token-a", p);
  EXPECT_EQ(cache.find("token-a", TimePoint(seconds(kNow))), p);
  EXPECT_EQ(cache.find("token-b", TimePoint(seconds(kNow))), nullptr);
  EXPECT_EQ(cache.find("token-a", TimePoint(seconds(kNow + 99))), p);
  EXPECT_EQ(cache.find("token-a", TimePoint(seconds(kNow + 100))), nullptr);  // expired: dropped
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(TokenCache, StaysWithinItsBoundDroppingTheLeastRecentlyUsed) {
  TokenCache cache(3);
  const TimePoint now{seconds(kNow)};
  for (std::string token : {"t1", "t2", "t3"})
    cache.insert(token, principal_until(kNow + 100, token));
  ASSERT_NE(cache.find("t1", now), nullptr);  // t1 is now the most recent; t2 the least
  cache.insert("t4", principal_until(kNow + 100, "t4"));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.find("t2", now), nullptr);
  for (std::string token : {"t1", "t3", "t4"}) {
    auto found = cache.find(token, now);
    ASSERT_NE(found, nullptr) << token;
    EXPECT_EQ(found->subject, token);
  }
  for (int i = 0; i < 100; ++i) cache.insert("x" + std::to_string(i), principal_until(kNow + 100));
  EXPECT_EQ(cache.size(), 3u);
}

TEST(TokenCache, ZeroEntriesCachesNothing) {
  TokenCache cache(0);
  cache.insert("t", principal_until(kNow + 100));
  EXPECT_EQ(cache.find("t", TimePoint(seconds(kNow))), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(TokenCache, IsSafeToShareBetweenThreads) {
  TokenCache cache(50);
  const TimePoint now{seconds(kNow)};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&cache, now, t] {
      for (int i = 0; i < 2000; ++i) {
        auto token = "t" + std::to_string((i * 7 + t) % 120);
        if (!cache.find(token, now)) cache.insert(token, principal_until(kNow + 100, token));
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache.size(), 50u);
  EXPECT_EQ(cache.hits() + cache.misses(), 8000u);
}

TEST_F(VerifierTest, SecondVerifyIsACacheHitWithTheSamePrincipal) {
  verifier_ = make_verifier({seconds(60), 100});
  auto token = rs256(patient_claims());
  auto first = verify(token);
  ASSERT_TRUE(first);
  EXPECT_EQ(verifier_->cache_misses(), 1u);
  EXPECT_EQ(verifier_->cache_hits(), 0u);
  auto second = verify(token, kNow + 10);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *first);  // the very same Principal: no second signature check
  EXPECT_EQ(verifier_->cache_hits(), 1u);
  EXPECT_EQ(verifier_->cached_tokens(), 1u);
  // Past exp the entry is gone and the full check says why.
  EXPECT_EQ(outcome(token, kNow + 300), "accepted");  // within the skew: verified again
  EXPECT_EQ(outcome(token, kNow + 400), "expired");
  // Refusals are not cached.
  auto bad = rs256(patient_claims().text("aud", "x"));
  EXPECT_EQ(outcome(bad), "audience_mismatch");
  EXPECT_EQ(outcome(bad), "audience_mismatch");
  EXPECT_EQ(verifier_->cached_tokens(), 0u);  // the expired entry dropped; refusals never added
}

TEST_F(VerifierTest, CacheHoldsAtMostItsEntries) {
  verifier_ = make_verifier({seconds(60), 2});
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i)
    tokens.push_back(es256(patient_claims().text("jti", "t" + std::to_string(i))));
  for (const auto& t : tokens) ASSERT_EQ(outcome(t), "accepted");
  EXPECT_EQ(verifier_->cached_tokens(), 2u);
  EXPECT_EQ(verifier_->cache_misses(), 3u);
  EXPECT_EQ(outcome(tokens[0]), "accepted");  // dropped first: verified again
  EXPECT_EQ(verifier_->cache_misses(), 4u);
  EXPECT_EQ(outcome(tokens[2]), "accepted");
  EXPECT_EQ(verifier_->cache_hits(), 1u);
}

TEST_F(VerifierTest, CountsOutcomesCacheLookupsAndIgnoredScopesAsMetrics) {
  prometheus::Registry registry;
  verifier_ = make_verifier({seconds(60), 10}, &registry);
  auto token = rs256(patient_claims().text("scope", "patient/*.read bogus"));
  EXPECT_EQ(outcome(token), "accepted");
  EXPECT_EQ(outcome(token), "accepted");
  EXPECT_EQ(outcome(compact(R"({"alg":"none"})", patient_claims().json(), "")), "alg_none");
  auto text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(text.find(R"(hie_jwt_verifications_total{outcome="accepted"} 2)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(hie_jwt_verifications_total{outcome="alg_none"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(hie_jwt_verifications_total{outcome="expired"} 0)"), std::string::npos);
  EXPECT_NE(text.find(R"(hie_jwt_cache_lookups_total{result="hit"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(hie_jwt_cache_lookups_total{result="miss"} 2)"), std::string::npos);
  EXPECT_NE(text.find("hie_jwt_scope_words_ignored_total 1"), std::string::npos);
}

}  // namespace
}  // namespace hie::security::testing
