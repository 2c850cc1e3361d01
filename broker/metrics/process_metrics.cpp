#include "broker/metrics/process_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>

namespace hie::metrics {

struct ProcessMetrics::Impl {
  prometheus::Counter* cpu_seconds = nullptr;
  double cpu_seconds_seen = 0;
  std::mutex mutex;  // scrapes may run on several I/O threads at once
  prometheus::Gauge* resident_bytes = nullptr;
  prometheus::Gauge* virtual_bytes = nullptr;
  prometheus::Gauge* open_fds = nullptr;
  prometheus::Gauge* max_fds = nullptr;
  prometheus::Gauge* start_time = nullptr;
};

namespace {

prometheus::Gauge& gauge(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

double boot_time_seconds() {
  std::ifstream stat("/proc/stat");
  std::string key;
  double value = 0;
  while (stat >> key) {
    if (key == "btime") {
      stat >> value;
      return value;
    }
    stat.ignore(1 << 16, '\n');
  }
  return 0;
}

}  // namespace

ProcessMetrics::ProcessMetrics(prometheus::Registry& registry) : impl_(std::make_unique<Impl>()) {
  impl_->cpu_seconds = &prometheus::BuildCounter()
                            .Name("process_cpu_seconds_total")
                            .Help("Total user and system CPU time spent in seconds")
                            .Register(registry)
                            .Add({});
  impl_->resident_bytes = &gauge(registry, "process_resident_memory_bytes", "Resident memory size in bytes");
  impl_->virtual_bytes = &gauge(registry, "process_virtual_memory_bytes", "Virtual memory size in bytes");
  impl_->open_fds = &gauge(registry, "process_open_fds", "Number of open file descriptors");
  impl_->max_fds = &gauge(registry, "process_max_fds", "Maximum number of open file descriptors");
  impl_->start_time = &gauge(registry, "process_start_time_seconds", "Start time of the process since unix epoch in seconds");
  update();
}

ProcessMetrics::~ProcessMetrics() = default;

void ProcessMetrics::update() {
  std::lock_guard lock(impl_->mutex);
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after the last ')'.
  auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::string f[24];
    for (auto& field : f) fields >> field;
    // f[0] is field 3 (state); utime=14, stime=15, starttime=22, vsize=23, rss=24.
    try {
      // A counter only moves forward: add what the kernel counted since the last scrape.
      const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
      if (cpu > impl_->cpu_seconds_seen) impl_->cpu_seconds->Increment(cpu - impl_->cpu_seconds_seen);
      impl_->cpu_seconds_seen = std::max(cpu, impl_->cpu_seconds_seen);
      impl_->start_time->Set(boot_time_seconds() + std::stod(f[19]) / ticks);
      impl_->virtual_bytes->Set(std::stod(f[20]));
      impl_->resident_bytes->Set(std::stod(f[21]) * page);
    } catch (const std::exception&) {
      // /proc format not as expected: leave the previous values.
    }
  }
  std::error_code ec;
  double fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++fds;
  impl_->open_fds->Set(fds);
  impl_->max_fds->Set(static_cast<double>(sysconf(_SC_OPEN_MAX)));
}

}  // namespace hie::metrics
