#pragma once
// Union-find over 0..n-1, for grouping resources that share identifiers.

#include <cstddef>
#include <numeric>
#include <vector>

namespace hie::routing::merge {

class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
  }

  std::size_t find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  /// Joins the sets of `a` and `b`; the smaller root stays the root, so the outcome does not depend
  /// on the order of the calls.
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
  }

 private:
  std::vector<std::size_t> parent_;
};

}  // namespace hie::routing::merge
