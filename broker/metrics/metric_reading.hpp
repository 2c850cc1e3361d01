#pragma once
// One reading of a metrics registry, for views that add series up (the operators' /admin/stats
// and its dashboard): the same numbers /metrics shows, so the page and Prometheus never disagree.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prometheus {
class Registry;
}

namespace hie::metrics {

/// A histogram's buckets: upper bound -> observations at or below it (cumulative, as exposed).
using Buckets = std::vector<std::pair<double, std::uint64_t>>;

/// Labels a series must carry to be counted: name -> value.
using LabelMatch = std::vector<std::pair<std::string_view, std::string_view>>;

class MetricReading {
 public:
  MetricReading() = default;
  /// Reads every family of `registry` now (thread-safe: the registry locks).
  static MetricReading of(const prometheus::Registry& registry);

  /// The sum of counter or gauge `family`'s series that carry every label in `match`.
  double sum(std::string_view family, const LabelMatch& match = {}) const;
  /// The same, per value of the label `by` (series without it are left out).
  std::map<std::string, double> sum_by(std::string_view family, std::string_view by,
                                       const LabelMatch& match = {}) const;
  /// Histogram `family`'s buckets added up over the series that carry every label in `match`.
  Buckets buckets(std::string_view family, const LabelMatch& match = {}) const;

 private:
  struct Series {
    std::string family;
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;  ///< counter, gauge; a histogram's count
    Buckets buckets;   ///< histograms only
  };
  bool matches(const Series& series, std::string_view family, const LabelMatch& match) const;

  std::vector<Series> series_;
};

/// Observations in `now` that are not in `before` (two readings of one histogram).
Buckets bucket_difference(const Buckets& now, const Buckets& before);

/// The `q` quantile (0..1) of what `buckets` counted, interpolated linearly inside the bucket that
/// holds it, as Prometheus' histogram_quantile does; negative when nothing was counted.
double quantile(double q, const Buckets& buckets);

}  // namespace hie::metrics
