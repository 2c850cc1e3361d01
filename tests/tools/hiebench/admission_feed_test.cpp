// hiebench events' admissions: valid, distinct NHS numbers, and messages the broker reads as one
// admission for a patient who carries the run's identifier.
#include "tools/hiebench/admission_feed.hpp"

#include <gtest/gtest.h>

#include <set>

#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/model/resource.hpp"

namespace hie::tools {
namespace {

TEST(BenchNhsNumbers, AreDistinctAndPassTheModulus11Check) {
  const auto numbers = bench_nhs_numbers(500);
  ASSERT_EQ(numbers.size(), 500u);
  EXPECT_EQ(numbers[0], "9000000009");  // 9 × 10 = 90; 11 − 90 mod 11 = 9
  EXPECT_EQ(numbers[1], "9000000017");
  EXPECT_EQ(std::set<std::string>(numbers.begin(), numbers.end()).size(), numbers.size());
  for (const auto& n : numbers) EXPECT_TRUE(model::NhsNumber::parse(n)) << n;
}

TEST(BenchNhsNumbers, SkipStemsWithoutACheckDigit) {
  // 900000005: 90 + 5 × 2 = 100, 11 − 100 mod 11 = 10, no valid number: the stem is skipped.
  const auto numbers = bench_nhs_numbers(8);
  EXPECT_EQ(numbers[4], "9000000041");
  EXPECT_EQ(numbers[5], "9000000068");
}

TEST(RunIds, OnlyWhatHl7v2CarriesUnescaped) {
  EXPECT_TRUE(valid_run_id("r0-1-4242"));
  EXPECT_FALSE(valid_run_id(""));
  EXPECT_FALSE(valid_run_id("a|b"));
  EXPECT_FALSE(valid_run_id("a^b"));
  EXPECT_FALSE(valid_run_id(std::string(41, 'a')));
}

TEST(AdmissionMessage, TranslatesToOneAdmissionForThePatientWithBothIdentifiers) {
  const auto nhs = bench_nhs_numbers(8);
  const std::string message = admission_message("run7", 7, nhs[7]);
  adapters::Context context;
  context.exchange_id = "source";
  context.default_utc_offset = "+00:00";
  auto translation = adapters::hl7v2::Hl7v2Adapter().to_model(message, context);
  ASSERT_TRUE(translation) << translation.error().describe();
  ASSERT_EQ(translation->events.size(), 1u);
  EXPECT_EQ(translation->events[0].kind, model::EventKind::admission);
  const model::Patient* patient = nullptr;
  for (const auto& r : translation->resources)
    if (const auto* p = std::get_if<model::Patient>(&r)) patient = p;
  ASSERT_NE(patient, nullptr);
  EXPECT_EQ(patient->id, translation->events[0].patient_id);
  std::set<std::string> values;
  for (const auto& id : patient->identifier) values.insert(id.value);
  EXPECT_EQ(values, (std::set<std::string>{nhs[7], "EVrun7-7"}));
}

}  // namespace
}  // namespace hie::tools
