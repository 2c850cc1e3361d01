#include "broker/metrics/metric_reading.hpp"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <limits>

namespace hie::metrics {
namespace {

TEST(MetricReading, SumsCounterSeriesThatCarryTheWantedLabels) {
  prometheus::Registry registry;
  auto& family = prometheus::BuildCounter().Name("hie_x_total").Help("x").Register(registry);
  family.Add({{"exchange", "north"}, {"outcome", "accepted"}}).Increment(5);
  family.Add({{"exchange", "north"}, {"outcome", "rejected"}}).Increment(2);
  family.Add({{"exchange", "valley"}, {"outcome", "accepted"}}).Increment(7);
  auto reading = MetricReading::of(registry);
  EXPECT_EQ(reading.sum("hie_x_total"), 14);
  EXPECT_EQ(reading.sum("hie_x_total", {{"exchange", "north"}}), 7);
  EXPECT_EQ(reading.sum("hie_x_total", {{"exchange", "north"}, {"outcome", "rejected"}}), 2);
  EXPECT_EQ(reading.sum("hie_x_total", {{"exchange", "city"}}), 0);
  EXPECT_EQ(reading.sum("hie_absent_total"), 0);
  auto by_outcome = reading.sum_by("hie_x_total", "outcome");
  EXPECT_EQ(by_outcome["accepted"], 12);
  EXPECT_EQ(by_outcome["rejected"], 2);
}

TEST(MetricReading, ReadsGaugesAndHistogramCountsAndBuckets) {
  prometheus::Registry registry;
  prometheus::BuildGauge().Name("hie_g").Help("g").Register(registry).Add({{"exchange", "a"}}).Set(3);
  auto& histogram = prometheus::BuildHistogram().Name("hie_h_seconds").Help("h").Register(registry);
  const prometheus::Histogram::BucketBoundaries bounds = {0.01, 0.1, 1};
  histogram.Add({{"exchange", "a"}}, bounds).Observe(0.005);
  histogram.Add({{"exchange", "b"}}, bounds).Observe(0.05);
  histogram.Add({{"exchange", "b"}}, bounds).Observe(5);
  auto reading = MetricReading::of(registry);
  EXPECT_EQ(reading.sum("hie_g"), 3);
  EXPECT_EQ(reading.sum("hie_h_seconds"), 3);  // a histogram's value is its count
  const Buckets all = reading.buckets("hie_h_seconds");
  ASSERT_EQ(all.size(), 4u);  // three bounds and +Inf
  EXPECT_EQ(all[0].second, 1u);
  EXPECT_EQ(all[1].second, 2u);
  EXPECT_EQ(all[2].second, 2u);
  EXPECT_EQ(all[3].second, 3u);
  EXPECT_EQ(reading.buckets("hie_h_seconds", {{"exchange", "a"}})[3].second, 1u);
}

TEST(Quantile, InterpolatesInsideTheBucketLikeHistogramQuantile) {
  // 100 observations: 50 up to 10 ms, 40 more up to 100 ms, 10 more up to 1 s.
  const Buckets buckets = {{0.01, 50}, {0.1, 90}, {1, 100}, {std::numeric_limits<double>::infinity(), 100}};
  EXPECT_DOUBLE_EQ(quantile(0.5, buckets), 0.01);
  EXPECT_DOUBLE_EQ(quantile(0.25, buckets), 0.005);
  EXPECT_NEAR(quantile(0.7, buckets), 0.01 + 0.09 * 0.5, 1e-12);
  EXPECT_NEAR(quantile(0.95, buckets), 0.1 + 0.9 * 0.5, 1e-12);
}

TEST(Quantile, AnswersTheHighestFiniteBoundForTheInfBucketAndNegativeForNothing) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_DOUBLE_EQ(quantile(0.99, {{0.1, 1}, {1, 1}, {inf, 10}}), 1);
  EXPECT_LT(quantile(0.5, {{0.1, 0}, {inf, 0}}), 0);
  EXPECT_LT(quantile(0.5, {}), 0);
}

TEST(BucketDifference, CountsOnlyWhatWasObservedBetweenTwoReadings) {
  const double inf = std::numeric_limits<double>::infinity();
  const Buckets before = {{0.1, 3}, {1, 5}, {inf, 6}};
  const Buckets now = {{0.1, 4}, {1, 9}, {inf, 10}};
  const Buckets difference = bucket_difference(now, before);
  EXPECT_EQ(difference[0].second, 1u);
  EXPECT_EQ(difference[1].second, 4u);
  EXPECT_EQ(difference[2].second, 4u);
  // A reading from before the histogram existed has no buckets: everything is new.
  EXPECT_EQ(bucket_difference(now, {})[2].second, 10u);
}

}  // namespace
}  // namespace hie::metrics
