#pragma once
// A small command-line reader: `--flag VALUE`, `--flag=VALUE`, repeatable flags, positionals.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::cli {

struct FlagSpec {
  std::string name;         ///< "--config"
  bool takes_value = true;  ///< false for switches like --help
  bool repeatable = false;  ///< --set may be given many times
};

class Args {
 public:
  /// Parses argv[first..]; unknown flags and missing values are errors naming the flag.
  static Result<Args> parse(int argc, char** argv, int first, const std::vector<FlagSpec>& specs);

  bool has(const std::string& flag) const { return values_.contains(flag); }
  std::optional<std::string> value(const std::string& flag) const;
  std::vector<std::string> values(const std::string& flag) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

}  // namespace hie::cli
