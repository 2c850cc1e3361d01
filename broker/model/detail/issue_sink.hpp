#pragma once
// Appends issues up to a cap, so that hostile input cannot grow the issue list without bound:
// past the cap, one final issue counts the ones not listed. Internal to broker/model.

#include <string>

#include "broker/model/issues.hpp"

namespace hie::model::detail {

class IssueSink {
 public:
  explicit IssueSink(Issues& out) : out_(out), start_(out.size()) {}

  void add(Severity severity, std::string code, std::string location, std::string message) {
    if (out_.size() - start_ >= max_issues_per_document) {
      ++unlisted_;
      if (severity == Severity::error || severity == Severity::fatal) unlisted_errors_ = true;
      return;
    }
    out_.push_back({severity, std::move(code), std::move(location), std::move(message)});
  }

  /// Adds the final "N further issues not listed" issue, if any were left out.
  void finish() {
    if (unlisted_ == 0) return;
    out_.push_back({unlisted_errors_ ? Severity::error : Severity::warning, "too-costly", "",
                    std::to_string(unlisted_) + " further issues not listed"});
    unlisted_ = 0;
  }

 private:
  Issues& out_;
  std::size_t start_;
  std::size_t unlisted_ = 0;
  bool unlisted_errors_ = false;
};

}  // namespace hie::model::detail
