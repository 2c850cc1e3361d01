#include "tools/hiebench/events_load.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "adapters/hl7v2/mllp_codec.hpp"
#include "tools/hiebench/admission_feed.hpp"
#include "tools/hiebench/delivery_tally.hpp"
#include "tools/hiebench/load_support.hpp"

namespace hie::tools {
namespace {

namespace asio = boost::asio;
namespace v2 = adapters::hl7v2;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxDeliveryBytes = 1 << 20;

void report_failure(std::exception_ptr thrown) {
  if (!thrown) return;
  try {
    std::rethrow_exception(thrown);
  } catch (const std::exception& e) {
    std::cerr << "hiebench: a subscriber failed: " << e.what() << "\n";
  }
}

/// One connection from the broker to subscriber `subscriber`: every delivery is counted the
/// moment its bytes are read, then answered (several ACKs in one write when frames came together).
asio::awaitable<void> subscriber_session(tcp::socket socket, std::size_t subscriber,
                                         DeliveryTally& tally) {
  v2::MllpDecoder decoder(kMaxDeliveryBytes);
  std::array<char, 16 * 1024> buffer;
  for (;;) {
    auto [read_ec, n] = co_await socket.async_read_some(asio::buffer(buffer), kTuple);
    if (read_ec) co_return;
    const auto now = Clock::now();
    decoder.feed(std::string_view(buffer.data(), n));
    std::string replies;
    for (;;) {
      auto event = decoder.next();
      if (!event) continue;  // a malformed frame is dropped; the broker's timeout will tell
      if (event->kind == v2::MllpEventKind::need_more) break;
      if (event->kind != v2::MllpEventKind::frame) continue;
      tally.received(subscriber, event->payload, now);
      replies += v2::mllp_frame(subscriber_ack(event->payload));
    }
    if (replies.empty()) continue;
    auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(replies), kTuple);
    if (write_ec) co_return;
  }
}

asio::awaitable<void> subscriber_listener(tcp::acceptor acceptor, std::size_t subscriber,
                                          DeliveryTally& tally) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (ec) co_return;
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    asio::co_spawn(acceptor.get_executor(),
                   subscriber_session(std::move(socket), subscriber, tally), report_failure);
  }
}

/// An acceptor on 127.0.0.1:port, or why not.
std::optional<tcp::acceptor> listen_on(asio::io_context& io, std::uint16_t port,
                                       std::string& error) {
  tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  const tcp::endpoint where(asio::ip::make_address_v4("127.0.0.1"), port);
  acceptor.open(where.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(where, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + ec.message();
    return std::nullopt;
  }
  return acceptor;
}

struct SenderCount {
  std::uint64_t sent = 0, accepted = 0, failed = 0;
};

/// Sender `s` of `options.senders` sends events s, s + senders, s + 2 × senders… one at a time.
SenderCount send_admissions(const EventsLoadOptions& options, unsigned s,
                            const std::vector<std::string>& nhs, Clock::time_point started,
                            DeliveryTally& tally) {
  SenderCount mine;
  const int fd = connect_to(options.host, options.port);
  std::string buffer;
  for (std::size_t i = s; i < options.events; i += options.senders) {
    ++mine.sent;
    if (fd < 0) {
      ++mine.failed;
      continue;
    }
    if (options.rate > 0)  // on schedule, or at once when behind it
      std::this_thread::sleep_until(
          started + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(i) / options.rate)));
    const std::string frame = v2::mllp_frame(admission_message(options.run_id, i, nhs[i]));
    tally.sent(i, Clock::now());
    if (::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(frame.size())) {
      ++mine.failed;
      continue;
    }
    const std::string code = msa_code(read_mllp_frame(fd, buffer, std::chrono::seconds(10)));
    if (code == "AA" || code == "CA")
      ++mine.accepted;
    else
      ++mine.failed;
  }
  if (fd >= 0) ::close(fd);
  return mine;
}

}  // namespace

double EventsLoadResult::percentile_ms(double p) const { return percentile(latencies_ms, p); }

EventsLoadResult run_events_load(const EventsLoadOptions& options) {
  EventsLoadResult result;
  result.subscribers = static_cast<unsigned>(options.subscriber_ports.size());
  result.senders = options.senders;
  result.rate = options.rate;
  DeliveryTally tally(options.run_id, options.events, options.subscriber_ports.size());
  asio::io_context io(1);
  for (std::size_t k = 0; k < options.subscriber_ports.size(); ++k) {
    auto acceptor = listen_on(io, options.subscriber_ports[k], result.listen_error);
    if (!acceptor) return result;
    asio::co_spawn(io, subscriber_listener(std::move(*acceptor), k, tally), report_failure);
  }
  std::thread subscribers([&io] { io.run(); });

  const auto nhs = bench_nhs_numbers(options.events);
  std::mutex mutex;
  std::vector<std::thread> senders;
  const auto started = Clock::now();
  for (unsigned s = 0; s < options.senders; ++s)
    senders.emplace_back([&, s] {
      const SenderCount mine = send_admissions(options, s, nhs, started, tally);
      std::lock_guard lock(mutex);
      result.sent += mine.sent;
      result.accepted += mine.accepted;
      result.ingest_failed += mine.failed;
    });
  for (auto& t : senders) t.join();

  result.expected = result.accepted * result.subscribers;
  tally.wait_for(result.expected, options.idle_timeout);
  io.stop();
  subscribers.join();

  auto summary = tally.summary();
  result.delivered = summary.delivered;
  result.duplicates = summary.duplicates;
  result.unmatched = summary.unmatched;
  result.complete_events = summary.complete_events;
  result.seconds = summary.seconds;
  result.latencies_ms = std::move(summary.latencies_ms);
  return result;
}

}  // namespace hie::tools
