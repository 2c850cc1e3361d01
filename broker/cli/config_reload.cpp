#include "broker/cli/config_reload.hpp"

#include "broker/config/load_config.hpp"
#include "broker/logging/log.hpp"
#include "broker/peers/exchange_directory.hpp"

namespace hie::cli {

namespace {

/// An exchange as far as a reload cannot change it: everything but its credentials.
config::Exchange without_credentials(config::Exchange exchange) {
  exchange.credentials = {};
  return exchange;
}

}  // namespace

ReloadPlan plan_reload(const config::Config& running, const config::Config& next) {
  ReloadPlan plan;
  plan.log_level = running.logging.level != next.logging.level;
  auto differs = [&](bool changed, const char* path) {
    if (changed) plan.needs_restart.emplace_back(path);
  };
  differs(running.threads != next.threads, "threads");
  differs(running.listeners != next.listeners, "listeners");
  differs(running.store != next.store, "store");
  differs(running.limits != next.limits, "limits");
  differs(running.logging.format != next.logging.format, "logging.format");
  differs(running.logging.access_log != next.logging.access_log, "logging.access_log");
  differs(running.security != next.security, "security");
  differs(running.events != next.events, "events");
  // Adding or removing an exchange touches adapters, the record locator and event delivery.
  if (running.exchanges.size() != next.exchanges.size()) {
    plan.needs_restart.emplace_back("exchanges (added or removed)");
    return plan;
  }
  for (std::size_t i = 0; i < next.exchanges.size(); ++i) {
    const auto& before = running.exchanges[i];
    const auto& after = next.exchanges[i];
    if (without_credentials(before) != without_credentials(after))
      plan.needs_restart.push_back("exchanges[" + std::to_string(i) + "] (" + after.id + ")");
    else if (before.credentials != after.credentials)
      plan.new_credentials.push_back(i);
  }
  return plan;
}

config::Config apply_reload(config::Config running, const config::Config& next, const ReloadPlan& plan) {
  if (plan.log_level) running.logging.level = next.logging.level;
  for (std::size_t i : plan.new_credentials) running.exchanges[i].credentials = next.exchanges[i].credentials;
  return running;
}

config::Config reload_configuration(const config::Config& running, const std::string& path,
                                    const std::vector<std::string>& overrides, peers::ExchangeDirectory& directory) {
  auto loaded = config::load_config(path, overrides);
  if (!loaded) {
    for (const auto& error : loaded.error().errors)
      log::write(log::Level::error, {}, "configuration reload refused: nothing changed", {{"error", error.describe()}});
    return running;
  }
  const ReloadPlan plan = plan_reload(running, *loaded);
  config::Config in_force = apply_reload(running, *loaded, plan);
  if (plan.log_level) log::set_level(in_force.logging.level);
  if (!plan.new_credentials.empty()) directory.replace(in_force.exchanges);
  std::string applied;
  if (plan.log_level) applied += "logging.level ";
  if (!plan.new_credentials.empty()) applied += "exchanges[].credentials ";
  std::string waiting;
  for (const auto& setting : plan.needs_restart) waiting += setting + " ";
  if (!applied.empty()) applied.pop_back();
  if (!waiting.empty()) waiting.pop_back();
  log::write(waiting.empty() ? log::Level::info : log::Level::warn, {}, "configuration reloaded",
             {{"applied", applied.empty() ? "nothing changed" : applied},
              {"needs_restart", waiting.empty() ? "none" : waiting}});
  return in_force;
}

}  // namespace hie::cli
