#pragma once
// Each configured exchange's adapter: its format from the registry, configured by the exchange's
// mapping file when it has one (a CSV dialect). Built once at start-up, immutable after, so a bad
// format name or mapping stops `serve` and `check-config` instead of failing every message.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/registry.hpp"
#include "broker/config/config.hpp"

namespace hie::routing {

class ExchangeAdapters {
 public:
  /// Reads every exchange's mapping file and configures its adapter. Each problem becomes one
  /// line in `problems` ("exchanges[2] (city-hie): mapping city.json:12: ..."); an exchange with
  /// a problem gets no adapter.
  static ExchangeAdapters build(const std::vector<config::Exchange>& exchanges,
                                const adapters::Registry& registry, std::vector<std::string>& problems);

  /// The adapter for what `exchange` sent as `format`: the exchange's own adapter when `format` is
  /// its configured one, else the registry's adapter of that name; nullptr when there is none.
  const adapters::Adapter* find(std::string_view exchange, std::string_view format) const;

 private:
  struct Entry {
    std::string format;
    const adapters::Adapter* adapter = nullptr;
  };
  const adapters::Registry* registry_ = nullptr;
  std::map<std::string, Entry, std::less<>> by_exchange_;
  std::vector<std::shared_ptr<const adapters::Adapter>> configured_;  // built from mapping files
};

/// Reads a mapping file and configures `format`'s adapter with it; the error names the file.
Result<std::unique_ptr<adapters::Adapter>> adapter_with_mapping_file(const adapters::Adapter& adapter,
                                                                   const std::string& path);

}  // namespace hie::routing
