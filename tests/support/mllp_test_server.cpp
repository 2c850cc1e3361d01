#include "mllp_test_server.hpp"

#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "adapters/hl7v2/ack.hpp"
#include "adapters/hl7v2/mllp_codec.hpp"

namespace hie::testing {
namespace {

namespace asio = boost::asio;
namespace v2 = adapters::hl7v2;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// What the server does with one message.
struct Answer {
  std::optional<std::string> reply;  ///< a payload to frame and send back
  bool close = false;
};

/// `ack` with its MSA-2 replaced by `control_id`.
std::string with_msa2(const std::string& ack, const std::string& control_id) {
  const auto msa = ack.find("\rMSA");
  const char separator = ack[3];
  const auto msa1 = ack.find(separator, msa + 1);
  const auto msa2 = ack.find(separator, msa1 + 1);
  const auto end = ack.find_first_of(std::string(1, separator) + "\r", msa2 + 1);
  return ack.substr(0, msa2 + 1) + control_id + (end == std::string::npos ? "" : ack.substr(end));
}

Answer answer(const std::string& message, MllpPolicy policy, std::uint64_t number) {
  if (policy == MllpPolicy::silent) return {};
  if (policy == MllpPolicy::close) return {std::nullopt, true};
  if (policy == MllpPolicy::garbage) return {"this is not an HL7 message", false};
  const v2::AckOptions options{"TESTACK" + std::to_string(number), "20240101120000", true};
  auto parsed = v2::Message::parse(message);
  if (!parsed)
    return {v2::build_reject_for_unparsed(message, {"MSH", "not HL7 v2", "100"}, options), false};
  std::vector<v2::AckError> errors;
  v2::AckCode code = v2::AckCode::accept;
  if (policy == MllpPolicy::error || policy == MllpPolicy::reject) {
    code = policy == MllpPolicy::error ? v2::AckCode::error : v2::AckCode::reject;
    errors.push_back({"MSH-10", "refused by the test policy", "207"});
  }
  std::string ack = v2::build_ack(*parsed, code, errors, options);
  if (policy == MllpPolicy::wrong_control_id)
    ack = with_msa2(ack, std::string(parsed->control_id()) + "-other");
  return {std::move(ack), false};
}

}  // namespace

struct MllpTestServer::Impl {
  std::shared_ptr<asio::ssl::context> tls;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::atomic<MllpPolicy> policy = MllpPolicy::accept;
  std::atomic<std::size_t> switch_at = SIZE_MAX;  // from this message number on, switch_to
  std::atomic<MllpPolicy> switch_to = MllpPolicy::accept;
  std::map<std::uint64_t, tcp::socket*> open;  // on the server's thread only
  std::uint64_t next_connection = 0;

  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<std::string> messages;
  std::size_t received_bytes = 0;
  std::size_t connections = 0;
  std::vector<std::string> server_names;

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) co_return;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    const std::uint64_t id = next_connection++;
    if (!tls) {
      open[id] = &socket;
      count_connection(nullptr);
      co_await serve(socket);
      open.erase(id);
      co_return;
    }
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
    open[id] = &stream.next_layer();
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (!ec) {
      const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
      count_connection(sni ? sni : "");
      co_await serve(stream);
    }
    open.erase(id);
  }

  void count_connection(const char* sni) {
    std::lock_guard lock(mutex);
    ++connections;
    if (sni) server_names.emplace_back(sni);
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream) {
    v2::MllpDecoder decoder(16 * 1024 * 1024);
    std::array<char, 16 * 1024> buffer;
    for (;;) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(buffer), kTuple);
      if (ec) co_return;
      {
        std::lock_guard lock(mutex);
        received_bytes += n;
      }
      decoder.feed(std::string_view(buffer.data(), n));
      for (;;) {
        auto event = decoder.next();
        if (!event) continue;
        if (event->kind == v2::MllpEventKind::need_more) break;
        if (event->kind != v2::MllpEventKind::frame) continue;
        std::string message(event->payload);
        std::uint64_t number = 0;
        {
          std::lock_guard lock(mutex);
          messages.push_back(message);
          number = messages.size();
        }
        arrived.notify_all();
        if (number >= switch_at.load()) policy = switch_to.load();
        Answer what = answer(message, policy.load(), number);
        if (what.close) co_return;
        if (!what.reply) continue;
        const std::string framed = v2::mllp_frame(*what.reply);
        auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(framed), kTuple);
        if (write_ec) co_return;
      }
    }
  }
};

MllpTestServer::MllpTestServer(std::shared_ptr<asio::ssl::context> tls)
    : impl_(std::make_unique<Impl>()) {
  impl_->tls = std::move(tls);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

MllpTestServer::~MllpTestServer() {
  impl_->io.stop();
  impl_->thread.join();
}

void MllpTestServer::set_policy(MllpPolicy policy) { impl_->policy = policy; }

void MllpTestServer::set_policy_from(std::size_t message_number, MllpPolicy policy) {
  impl_->switch_to = policy;
  impl_->switch_at = message_number;
}

std::vector<std::string> MllpTestServer::messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->messages;
}

bool MllpTestServer::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->messages.size() >= count; });
}

std::size_t MllpTestServer::received_bytes() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received_bytes;
}

std::size_t MllpTestServer::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

std::vector<std::string> MllpTestServer::server_names() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->server_names;
}

void MllpTestServer::close_connections() {
  std::promise<void> done;
  asio::post(impl_->io, [this, &done] {
    for (auto& [id, socket] : impl_->open) {
      boost::system::error_code ignored;
      socket->shutdown(tcp::socket::shutdown_both, ignored);
      socket->close(ignored);
    }
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace hie::testing
