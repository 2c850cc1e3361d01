#include "broker/metrics/metric_reading.hpp"

#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <cmath>

namespace hie::metrics {

MetricReading MetricReading::of(const prometheus::Registry& registry) {
  MetricReading reading;
  for (const auto& family : registry.Collect()) {
    for (const auto& metric : family.metric) {
      Series series;
      series.family = family.name;
      for (const auto& label : metric.label) series.labels.emplace_back(label.name, label.value);
      switch (family.type) {
        case prometheus::MetricType::Counter: series.value = metric.counter.value; break;
        case prometheus::MetricType::Gauge: series.value = metric.gauge.value; break;
        case prometheus::MetricType::Histogram:
          series.value = static_cast<double>(metric.histogram.sample_count);
          for (const auto& bucket : metric.histogram.bucket)
            series.buckets.emplace_back(bucket.upper_bound, bucket.cumulative_count);
          break;
        default: continue;  // summaries and untyped: none of ours
      }
      reading.series_.push_back(std::move(series));
    }
  }
  return reading;
}

bool MetricReading::matches(const Series& series, std::string_view family, const LabelMatch& match) const {
  if (series.family != family) return false;
  return std::ranges::all_of(match, [&](const auto& wanted) {
    return std::ranges::any_of(series.labels, [&](const auto& label) {
      return label.first == wanted.first && label.second == wanted.second;
    });
  });
}

double MetricReading::sum(std::string_view family, const LabelMatch& match) const {
  double total = 0;
  for (const auto& series : series_)
    if (matches(series, family, match)) total += series.value;
  return total;
}

std::map<std::string, double> MetricReading::sum_by(std::string_view family, std::string_view by,
                                                    const LabelMatch& match) const {
  std::map<std::string, double> totals;
  for (const auto& series : series_) {
    if (!matches(series, family, match)) continue;
    for (const auto& [name, value] : series.labels)
      if (name == by) totals[value] += series.value;
  }
  return totals;
}

Buckets MetricReading::buckets(std::string_view family, const LabelMatch& match) const {
  Buckets total;
  for (const auto& series : series_) {
    if (!matches(series, family, match)) continue;
    // Every series of one family has the same bounds (they are fixed where it is declared).
    if (total.empty()) {
      total = series.buckets;
      continue;
    }
    for (std::size_t i = 0; i < total.size() && i < series.buckets.size(); ++i) total[i].second += series.buckets[i].second;
  }
  return total;
}

Buckets bucket_difference(const Buckets& now, const Buckets& before) {
  Buckets difference = now;
  if (before.size() != now.size()) return difference;
  for (std::size_t i = 0; i < difference.size(); ++i)
    difference[i].second = now[i].second >= before[i].second ? now[i].second - before[i].second : 0;
  return difference;
}

double quantile(double q, const Buckets& buckets) {
  if (buckets.empty() || buckets.back().second == 0) return -1;
  const double rank = q * static_cast<double>(buckets.back().second);
  double lower_bound = 0;
  std::uint64_t below = 0;
  for (const auto& [upper_bound, count] : buckets) {
    if (static_cast<double>(count) >= rank) {
      // The +Inf bucket has no upper edge: answer the highest finite bound, as Prometheus does.
      if (std::isinf(upper_bound)) return lower_bound;
      const auto in_bucket = static_cast<double>(count - below);
      if (in_bucket == 0) return upper_bound;
      return lower_bound + (upper_bound - lower_bound) * (rank - static_cast<double>(below)) / in_bucket;
    }
    lower_bound = upper_bound;
    below = count;
  }
  return lower_bound;
}

}  // namespace hie::metrics
