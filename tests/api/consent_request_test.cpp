// A patient's Consent read into what the query engine enforces; everything else refused.
#include "broker/api/consent_request.hpp"

#include <gtest/gtest.h>

namespace hie::api {
namespace {

const std::vector<std::string> kExchanges{"city-hie", "north-hie", "valley-hie"};

std::string consent(const std::string& status, const std::string& provision,
                    const std::string& patient = "Patient/3870146052") {
  return R"({"resourceType":"Consent","status":")" + status +
         R"(","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
    "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":")" +
         patient + "\"}" + (provision.empty() ? "" : ",\"provision\":" + provision) + "}";
}

std::string actor(const std::string& system, const std::string& value) {
  return R"({"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},
    "reference":{"identifier":{"system":")" + system + R"(","value":")" + value + "\"}}}";
}

TEST(ConsentRequest, ADenialWithoutActorsIsAnOptOut) {
  auto r = read_consent(consent("active", R"({"type":"deny"})"), "3870146052", kExchanges);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->opt_out);
  EXPECT_TRUE(r->denied_exchanges.empty());
  EXPECT_EQ(r->nhs_number, "3870146052");
  EXPECT_NE(r->json.find("\"deny\""), std::string::npos);
}

TEST(ConsentRequest, ActorsNamingExchangesWithholdThoseExchanges) {
  const std::string provision = R"({"type":"deny","actor":[)" + actor("https://hiebroker.dev/exchange", "valley-hie") +
                                "," + actor("https://hiebroker.dev/exchange", "city-hie") + "]}";
  auto r = read_consent(consent("active", provision), "3870146052", kExchanges);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_FALSE(r->opt_out);
  EXPECT_EQ(r->denied_exchanges, (std::vector<std::string>{"city-hie", "valley-hie"}));
}

TEST(ConsentRequest, PermitInactiveAndRejectedShareEverythingAgain) {
  for (const auto& text : {consent("active", R"({"type":"permit"})"), consent("inactive", R"({"type":"deny"})"),
                           consent("rejected", ""), consent("active", "")}) {
    auto r = read_consent(text, "3870146052", kExchanges);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_FALSE(r->opt_out);
    EXPECT_TRUE(r->denied_exchanges.empty());
  }
}

TEST(ConsentRequest, WhatCannotBeEnforcedIsRefusedNotHalfApplied) {
  struct Case {
    std::string json, location;
  };
  const std::vector<Case> cases{
      {consent("active", R"({"type":"deny"})", "Patient/9434765919"), "Consent.patient"},  // someone else
      {consent("draft", R"({"type":"deny"})"), "Consent.status"},
      {consent("active", R"({"type":"deny","period":{"start":"2026-01-01"}})"), "Consent.provision"},
      {consent("active", R"({"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HRESCH"}]})"),
       "Consent.provision"},
      {consent("active", R"({"type":"deny","actor":[)" + actor("https://hiebroker.dev/exchange", "mars-hie") + "]}"),
       "Consent.provision.actor[0].reference"},
      {consent("active", R"({"type":"deny","actor":[)" + actor("http://example.org/practitioners", "dr-who") + "]}"),
       "Consent.provision.actor[0].reference"},
  };
  for (const auto& c : cases) {
    auto r = read_consent(c.json, "3870146052", kExchanges);
    ASSERT_FALSE(r) << c.location;
    EXPECT_EQ(r.error().location(), c.location) << r.error().describe();
  }
  EXPECT_FALSE(read_consent(R"({"resourceType":"Patient"})", "3870146052", kExchanges));
  EXPECT_FALSE(read_consent("not json", "3870146052", kExchanges));
  // A nested provision is held nowhere in the model: refused, never ignored.
  EXPECT_FALSE(read_consent(consent("active", R"({"type":"permit","provision":[{"type":"deny"}]})"), "3870146052",
                            kExchanges));
}

}  // namespace
}  // namespace hie::api
