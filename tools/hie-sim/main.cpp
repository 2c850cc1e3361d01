// hie-sim: an exchange simulator for hiebroker's tests, demo and benchmarks. See docs/hie-sim.md.
//
//   hie-sim peer --url wss://HOST:PORT/peer --dataset FILE --cert FILE --key FILE --ca FILE [...]
//   hie-sim mllp --host HOST --port PORT [--tls --cert FILE --key FILE --ca FILE] [...] FILE...
//
// Progress on stderr (never patient data), one JSON summary line on stdout at exit.
// Exit 0 success, 1 runtime failure, 2 usage error or unusable input files.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>

#include "broker/logging/log.hpp"
#include "tools/hie-sim/dataset.hpp"
#include "tools/hie-sim/event_log.hpp"
#include "tools/hie-sim/mllp_client.hpp"
#include "tools/hie-sim/peer_client.hpp"
#include "tools/hie-sim/sim_options.hpp"
#include "tools/hie-sim/tls_client_context.hpp"

namespace {

namespace asio = boost::asio;
using namespace hie::sim;

/// Runs `client` until it returns; the first SIGINT/SIGTERM asks it to stop, a second one ends
/// the run at once (exit 1).
template <class Client>
int run_until_done(asio::io_context& io, Client& client) {
  int exit_code = 1;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal;
  int signals_seen = 0;
  on_signal = [&](const boost::system::error_code& ec, int) {
    if (ec) return;
    if (++signals_seen == 1) {
      client.stop();
      signals.async_wait(on_signal);
    } else {
      io.stop();
    }
  };
  signals.async_wait(on_signal);
  asio::co_spawn(io, client.run(), [&](std::exception_ptr error, int code) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        hie::log::error({}, "hie-sim failed: {}", e.what());
      }
      code = 1;
    }
    exit_code = code;
    boost::system::error_code ignored;
    signals.cancel(ignored);
  });
  io.run();
  return exit_code;
}

int run_peer(const PeerOptions& options) {
  auto dataset = load_dataset(options.dataset);
  if (!dataset) {
    for (const auto& error : dataset.error().errors)
      std::cerr << "hie-sim: " << error.describe() << "\n";
    return 2;
  }
  auto tls = make_client_tls_context(options.tls);
  if (!tls) {
    std::cerr << "hie-sim: " << tls.error().describe() << "\n";
    return 2;
  }
  std::optional<EventLog> events;
  PeerProtocol::EventSink keep_event;
  if (!options.events.out.empty()) {
    auto log = EventLog::open(options.events.out);
    if (!log) {
      std::cerr << "hie-sim: " << log.error().describe() << "\n";
      return 2;
    }
    events.emplace(std::move(*log));
    keep_event = [&events](std::string_view line) { return events->append(line); };
  }
  hie::log::info({}, "{}: {} patients, {} records in {} (x{}), to {}", dataset->exchange,
                 dataset->patients.size(), dataset->record_count(), dataset->format,
                 options.pacing.repeat, options.url);
  asio::io_context io;
  PeerClient client(io.get_executor(), *tls, options, *dataset, std::move(keep_event));
  const int code = run_until_done(io, client);
  std::cout << summary_json(dataset->exchange, client.summary()) << std::endl;
  return code;
}

int run_mllp(const MllpOptions& options) {
  auto messages = load_mllp_messages(options.files, options.pacing.repeat);
  if (!messages) {
    std::cerr << "hie-sim: " << messages.error().describe() << "\n";
    return 2;
  }
  std::shared_ptr<asio::ssl::context> tls;
  if (options.tls) {
    auto context = make_client_tls_context(*options.tls);
    if (!context) {
      std::cerr << "hie-sim: " << context.error().describe() << "\n";
      return 2;
    }
    tls = *context;
  }
  hie::log::info({}, "{} messages from {} files to {}:{}", messages->size(), options.files.size(),
                 options.host, options.port);
  asio::io_context io;
  MllpClient client(io.get_executor(), tls, options, std::move(*messages));
  const int code = run_until_done(io, client);
  std::cout << summary_json(client.summary()) << std::endl;
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  auto options = parse_options(args);
  if (!options) {
    std::cerr << "hie-sim: " << options.error().message() << "\n" << kUsage;
    return 2;
  }
  if (std::holds_alternative<HelpRequest>(*options)) {
    std::cout << help_text();
    return 0;
  }
  // HIE_SIM_LOG_LEVEL=debug shows each query, event and ignored message (never their payloads).
  const char* level = std::getenv("HIE_SIM_LOG_LEVEL");
  hie::log::configure(level ? level : "info", false);
  try {
    if (const auto* peer = std::get_if<PeerOptions>(&*options)) return run_peer(*peer);
    return run_mllp(std::get<MllpOptions>(*options));
  } catch (const std::exception& e) {
    std::cerr << "hie-sim: " << e.what() << "\n";
    return 1;
  }
}
