#include "broker/cli/args.hpp"

#include <algorithm>

namespace hie::cli {

Result<Args> Args::parse(int argc, char** argv, int first, const std::vector<FlagSpec>& specs) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string word = argv[i];
    if (word.size() < 2 || word.rfind("--", 0) != 0) {
      args.positionals_.push_back(word);
      continue;
    }
    std::string name = word;
    std::optional<std::string> inline_value;
    if (auto eq = word.find('='); eq != std::string::npos) {
      name = word.substr(0, eq);
      inline_value = word.substr(eq + 1);
    }
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) { return s.name == name; });
    if (spec == specs.end()) return make_error(Errc::invalid_argument, "unknown option " + name);
    if (!spec->takes_value) {
      if (inline_value) return make_error(Errc::invalid_argument, name + " takes no value");
      args.values_[name].push_back("");
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return make_error(Errc::invalid_argument, name + " needs a value");
    }
    auto& slot = args.values_[name];
    if (!slot.empty() && !spec->repeatable) return make_error(Errc::invalid_argument, name + " given twice");
    slot.push_back(std::move(value));
  }
  return args;
}

std::optional<std::string> Args::value(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::values(const std::string& flag) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace hie::cli
