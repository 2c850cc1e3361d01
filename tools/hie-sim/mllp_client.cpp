#include "tools/hie-sim/mllp_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <deque>

#include "adapters/hl7v2/mllp_codec.hpp"
#include "broker/logging/log.hpp"
#include "tools/hie-sim/tls_client_context.hpp"

namespace hie::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace v2 = adapters::hl7v2;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kConnectTimeout = 10s;
constexpr auto kAckTimeout = 30s;
constexpr auto kFirstBackoff = 500ms;
constexpr auto kMaxBackoff = 10s;
constexpr unsigned kMaxFailuresInARow = 8;
constexpr std::size_t kMaxAckBytes = 1 << 20;

beast::tcp_stream& tcp_of(beast::tcp_stream& stream) { return stream; }
beast::tcp_stream& tcp_of(TlsStream& stream) { return beast::get_lowest_layer(stream); }

}  // namespace

std::string summary_json(const MllpSummary& s) {
  return R"({"mode":"mllp","sent":)" + std::to_string(s.sent) + R"(,"accepted":)" +
         std::to_string(s.accepted) + R"(,"refused":)" + std::to_string(s.refused) + "}";
}

struct MllpClient::State {
  State(asio::any_io_executor ex, std::shared_ptr<ssl::context> context, const MllpOptions& opts,
        std::vector<OutgoingMessage> list)
      : executor(std::move(ex)),
        tls(std::move(context)),
        options(opts),
        messages(std::move(list)),
        backoff(executor) {}

  asio::awaitable<int> run();
  asio::awaitable<bool> connect(beast::tcp_stream& tcp);
  template <class Stream>
  asio::awaitable<void> send_all(Stream& stream);
  template <class Stream>
  asio::awaitable<std::optional<std::string>> read_ack(Stream& stream, v2::MllpDecoder& decoder);

  asio::any_io_executor executor;
  std::shared_ptr<ssl::context> tls;
  const MllpOptions& options;
  std::vector<OutgoingMessage> messages;
  std::size_t next = 0;  // the first message not yet acknowledged
  unsigned failures = 0;
  bool stopping = false;
  Clock::time_point next_due = Clock::now();
  beast::tcp_stream* current = nullptr;
  asio::steady_timer backoff;
  MllpSummary summary;
};

asio::awaitable<int> MllpClient::State::run() {
  const std::string where = options.host + ":" + std::to_string(options.port);
  while (next < messages.size() && !stopping) {
    beast::tcp_stream tcp(executor);
    current = &tcp;
    if (co_await connect(tcp)) {
      if (!tls) {
        co_await send_all(tcp);
        boost::system::error_code ignored;
        tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      } else {
        TlsStream stream(std::move(tcp), *tls);
        current = &tcp_of(stream);
        tcp_of(stream).expires_after(kConnectTimeout);
        const bool named = prepare_client_ssl(stream.native_handle(), options.host);
        auto [ec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
        if (!named) {
          log::error({}, "OpenSSL refused the host name {}", options.host);
          co_return 1;
        }
        if (ec) {
          if (auto untrusted = untrusted_broker_reason(stream.native_handle());
              !untrusted.empty()) {
            log::error({}, "{} ({})", untrusted, where);
            co_return 1;
          }
          log::warn({}, "TLS handshake with {} failed: {}", where, ec.message());
        } else {
          co_await send_all(stream);
          tcp_of(stream).expires_after(2s);
          co_await stream.async_shutdown(kTuple);
        }
      }
    }
    current = nullptr;
    if (next == messages.size() || stopping) break;
    if (++failures >= kMaxFailuresInARow) {
      log::error({}, "giving up after {} failed attempts in a row to reach {}", failures, where);
      co_return 1;
    }
    const auto delay =
        std::min<Clock::duration>(kFirstBackoff * (1u << std::min(failures - 1, 8u)), kMaxBackoff);
    log::info({}, "reconnecting in {} ms",
              std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
    backoff.expires_after(delay);
    co_await backoff.async_wait(kTuple);
  }
  if (next < messages.size()) co_return 1;
  log::info({}, "{} messages sent: {} accepted, {} refused", summary.sent, summary.accepted,
            summary.refused);
  co_return summary.refused == 0 ? 0 : 1;
}

asio::awaitable<bool> MllpClient::State::connect(beast::tcp_stream& tcp) {
  asio::ip::tcp::resolver resolver(executor);
  auto [resolve_ec, addresses] =
      co_await resolver.async_resolve(options.host, std::to_string(options.port), kTuple);
  if (resolve_ec) {
    log::warn({}, "cannot resolve {}: {}", options.host, resolve_ec.message());
    co_return false;
  }
  tcp.expires_after(kConnectTimeout);
  auto [ec, endpoint] = co_await tcp.async_connect(addresses, kTuple);
  if (ec) {
    log::warn({}, "cannot connect to {}:{}: {}", options.host, options.port, ec.message());
    co_return false;
  }
  tcp.socket().set_option(asio::ip::tcp::no_delay(true));
  log::info({}, "connected to {}:{}{}", options.host, options.port, tls ? " (TLS)" : "");
  co_return true;
}

template <class Stream>
asio::awaitable<std::optional<std::string>> MllpClient::State::read_ack(Stream& stream,
                                                                        v2::MllpDecoder& decoder) {
  std::array<char, 16 * 1024> buffer;
  tcp_of(stream).expires_after(kAckTimeout);
  while (true) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(buffer), kTuple);
    if (ec) {
      if (!stopping) log::warn({}, "no ACK for {}: {}", messages[next].control_id, ec.message());
      co_return std::nullopt;
    }
    std::optional<std::string> ack;
    decoder.feed(std::string_view(buffer.data(), n));
    // Drain the decoder fully before the next feed; an ACK beyond the first is not expected.
    while (true) {
      auto event = decoder.next();
      if (!event) {
        log::warn({}, "unreadable MLLP frame from the broker: {}", event.error().describe());
        continue;
      }
      if (event->kind == v2::MllpEventKind::need_more) break;
      if (event->kind != v2::MllpEventKind::frame) continue;
      if (ack)
        log::warn({}, "an unexpected second ACK was ignored");
      else
        ack = std::string(event->payload);
    }
    if (ack) co_return ack;
  }
}

template <class Stream>
asio::awaitable<void> MllpClient::State::send_all(Stream& stream) {
  v2::MllpDecoder decoder(kMaxAckBytes);
  const auto interval = options.pacing.rate > 0
                            ? std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(1.0 / options.pacing.rate))
                            : Clock::duration::zero();
  while (next < messages.size() && !stopping) {
    if (Clock::now() < next_due) {
      backoff.expires_at(next_due);
      co_await backoff.async_wait(kTuple);
      continue;
    }
    const auto& message = messages[next];
    if (next == summary.sent) ++summary.sent;  // first time this one goes out
    const std::string frame = v2::mllp_frame(message.text);
    tcp_of(stream).expires_after(kAckTimeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(frame), kTuple);
    if (ec) {
      if (!stopping) log::warn({}, "sending {} failed: {}", message.control_id, ec.message());
      co_return;
    }
    auto ack = co_await read_ack(stream, decoder);
    if (!ack) co_return;
    failures = 0;
    auto fields = sim::read_ack(*ack);
    if (fields && is_accepted(fields->code)) {
      ++summary.accepted;
    } else {
      ++summary.refused;
      log::warn(
          {}, "{} from {} refused: {}", message.control_id, message.file,
          fields ? "MSA-1 " + fields->code : "unreadable ACK (" + fields.error().describe() + ")");
    }
    if (fields && fields->control_id != message.control_id)
      log::warn({}, "the ACK for {} names {} in MSA-2", message.control_id, fields->control_id);
    ++next;
    next_due = std::max(next_due + interval, Clock::now() - interval);
    if (next % 100 == 0) log::info({}, "{}/{} messages acknowledged", next, messages.size());
  }
}

MllpClient::MllpClient(asio::any_io_executor executor, std::shared_ptr<ssl::context> tls,
                       const MllpOptions& options, std::vector<OutgoingMessage> messages)
    : state_(std::make_unique<State>(std::move(executor), std::move(tls), options,
                                     std::move(messages))) {}

MllpClient::~MllpClient() = default;

asio::awaitable<int> MllpClient::run() { return state_->run(); }

void MllpClient::stop() {
  state_->stopping = true;
  state_->backoff.cancel();
  if (state_->current) {
    boost::system::error_code ignored;
    state_->current->socket().close(ignored);
  }
}

const MllpSummary& MllpClient::summary() const { return state_->summary; }

}  // namespace hie::sim
