#include "broker/routing/exchange_adapters.hpp"

#include <fstream>
#include <sstream>

namespace hie::routing {

Result<std::unique_ptr<adapters::Adapter>> adapter_with_mapping_file(const adapters::Adapter& adapter,
                                                                   const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::io_error, "cannot read the mapping file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return adapter.with_mapping(text.str(), path);
}

ExchangeAdapters ExchangeAdapters::build(const std::vector<config::Exchange>& exchanges,
                                         const adapters::Registry& registry, std::vector<std::string>& problems) {
  ExchangeAdapters out;
  out.registry_ = &registry;
  for (std::size_t i = 0; i < exchanges.size(); ++i) {
    const auto& exchange = exchanges[i];
    const std::string where = "exchanges[" + std::to_string(i) + "] (" + exchange.id + "): ";
    Entry entry{exchange.format, registry.find(exchange.format)};
    if (!entry.adapter) {
      std::string known;
      for (auto name : registry.formats()) known += (known.empty() ? "" : ", ") + std::string(name);
      problems.push_back(where + "format: no adapter named '" + exchange.format + "' (known: " + known + ")");
    } else if (exchange.mapping.empty() && entry.adapter->needs_mapping()) {
      problems.push_back(where + "mapping: format '" + exchange.format +
                         "' needs a mapping file (which column fills which element; see config/mappings/)");
      entry.adapter = nullptr;
    } else if (!exchange.mapping.empty()) {
      auto configured = adapter_with_mapping_file(*entry.adapter, exchange.mapping);
      if (configured) {
        out.configured_.push_back(std::move(*configured));
        entry.adapter = out.configured_.back().get();
      } else {
        problems.push_back(where + "mapping: " + configured.error().describe());
        entry.adapter = nullptr;
      }
    }
    out.by_exchange_.emplace(exchange.id, std::move(entry));
  }
  return out;
}

const adapters::Adapter* ExchangeAdapters::find(std::string_view exchange, std::string_view format) const {
  auto it = by_exchange_.find(exchange);
  if (it != by_exchange_.end() && it->second.format == format) return it->second.adapter;
  return registry_ ? registry_->find(format) : nullptr;
}

}  // namespace hie::routing
