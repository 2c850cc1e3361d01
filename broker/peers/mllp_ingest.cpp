#include "broker/peers/mllp_ingest.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "adapters/hl7v2/ack.hpp"
#include "adapters/hl7v2/message.hpp"
#include "broker/logging/log.hpp"
#include "broker/peers/async_append.hpp"

namespace hie::peers {
namespace {

namespace asio = boost::asio;
namespace v2 = adapters::hl7v2;
using Clock = std::chrono::steady_clock;
constexpr const char* kFormat = "hl7v2";

/// MSH-7 of an ACK: now, UTC, to the second.
std::string hl7_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[80];  // room for any int values, so the compiler sees no truncation
  std::snprintf(text, sizeof text, "%04d%02d%02d%02d%02d%02d+0000", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                utc.tm_hour, utc.tm_min, utc.tm_sec);
  return text;
}

/// MSH-10 of an ACK: unique within this process, and across restarts by its time prefix.
v2::AckOptions ack_options() {
  static const std::string prefix =
      "HIE" + std::to_string(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())) + "-";
  static std::atomic<std::uint64_t> next{1};
  return {prefix + std::to_string(next++), hl7_now()};
}

std::string exchange_label(const Result<const config::Exchange*>& sender) {
  return sender ? (*sender)->id : std::string("unknown");
}

}  // namespace

MllpIngest::MllpIngest(MllpIngestSettings settings, std::shared_ptr<const ExchangeDirectory> directory,
                       store::Store& store, std::shared_ptr<IngestMetrics> metrics)
    : settings_(std::move(settings)), directory_(std::move(directory)), store_(store), metrics_(std::move(metrics)) {}

asio::awaitable<std::optional<std::string>> MllpIngest::on_frame(std::string payload, const net::MllpPeer& peer) {
  const auto started = Clock::now();
  const std::size_t bytes = payload.size();
  store::InboundMessage inbound;
  inbound.format = kFormat;
  inbound.payload = payload;  // a copy: the parsed message below holds views into `payload`

  // Refusals are journaled too (status rejected), so an operator can see what was sent.
  auto refuse = [&](std::string exchange, const v2::AckError& why, std::string reply)
      -> asio::awaitable<std::optional<std::string>> {
    log::write(log::Level::warn, {.connection = peer.connection_id, .exchange = exchange}, "hl7v2 message refused",
               {{"where", why.location}, {"reason", why.reason}});
    inbound.exchange = exchange;
    inbound.status = store::JournalStatus::rejected;
    inbound.detail = why.location.empty() ? why.reason : why.location + ": " + why.reason;
    auto journaled = co_await async_append(store_, std::move(inbound), asio::use_awaitable);
    if (!journaled)
      log::write(log::Level::error, {.connection = peer.connection_id, .exchange = exchange}, "refused message could not be journaled",
                 {{"error", journaled.error().describe()}});
    metrics_->message(exchange, kFormat, "rejected", bytes, Clock::now() - started);
    co_return reply;
  };

  auto parsed = v2::Message::parse(payload);
  if (!parsed) {
    auto sender = directory_->resolve_mllp_sender(peer.certificate, "", "", settings_.default_exchange);
    v2::AckError why{parsed.error().location(), parsed.error().message(), "100"};
    std::string reply = v2::build_reject_for_unparsed(payload, why, ack_options());
    co_return co_await refuse(exchange_label(sender), why, std::move(reply));
  }
  const v2::Message& message = *parsed;
  const std::string_view facility = message.msh().field(4);
  auto sender = directory_->resolve_mllp_sender(peer.certificate, facility,
                                                v2::piece(facility, message.delimiters().component, 1),
                                                settings_.default_exchange);
  if (!sender) {
    v2::AckError why{sender.error().location(), sender.error().message(), "204"};
    std::string reply = v2::build_ack(message, v2::AckCode::reject, {why}, ack_options());
    co_return co_await refuse(exchange_label(directory_->resolve_mllp_sender(std::nullopt, "", "",
                                                                             settings_.default_exchange)),
                              why, std::move(reply));
  }
  const std::string& exchange = (*sender)->id;
  if (message.control_id().empty()) {
    v2::AckError why{"MSH-10", "the message control id is required", "101"};
    std::string reply = v2::build_ack(message, v2::AckCode::reject, {why}, ack_options());
    co_return co_await refuse(exchange, why, std::move(reply));
  }

  inbound.exchange = exchange;
  inbound.control_id = std::string(message.control_id());
  auto appended = co_await async_append(store_, std::move(inbound), asio::use_awaitable);
  v2::AckCode code = v2::AckCode::accept;
  std::vector<v2::AckError> errors;
  std::string outcome = "accepted";
  if (!appended) {
    // Not durable, so not accepted: AE (CE) asks the sender to send it again.
    code = v2::AckCode::error;
    errors.push_back({"", "the message could not be stored; send it again", "207"});
    outcome = "store_error";
    log::write(log::Level::error, {.connection = peer.connection_id, .exchange = exchange}, "hl7v2 message not stored",
               {{"error", appended.error().describe()}});
  } else if (appended->duplicate) {
    outcome = "duplicate";
    log::write(log::Level::info, {.connection = peer.connection_id, .exchange = exchange}, "resent hl7v2 message acknowledged again",
               {{"journal_id", std::to_string(appended->id)}});
  } else {
    log::write(log::Level::debug, {.connection = peer.connection_id, .exchange = exchange}, "hl7v2 message journaled",
               {{"journal_id", std::to_string(appended->id)}});
    if (settings_.stored) settings_.stored();
  }
  metrics_->message(exchange, kFormat, outcome, bytes, Clock::now() - started);
  // MLLP is synchronous: senders wait for a reply whatever MSH-15/16 say, so every message gets
  // one. The commit ACK (CA/CE/CR) when MSH-15 asks for it; otherwise the application ACK
  // (AA/AE/AR), since storing the message is all the processing this acknowledgement covers.
  v2::AckOptions options = ack_options();
  options.application_ack = !v2::commit_ack_wanted(message, code);
  co_return v2::build_ack(message, code, errors, options);
}

const config::Exchange* MllpIngest::exchange_of(const net::MllpPeer& peer) const {
  return peer.certificate ? directory_->by_certificate(*peer.certificate) : nullptr;
}

std::optional<std::string> MllpIngest::on_open(const net::MllpPeer& peer) {
  const config::Exchange* exchange = exchange_of(peer);
  if (!exchange) return std::nullopt;  // known per message (MSH-4), not per connection
  std::lock_guard lock(mutex_);
  std::size_t& open = connections_[exchange->id];
  if (open >= settings_.max_connections_per_exchange)
    return "exchange " + exchange->id + " already holds " + std::to_string(open) +
           " connections (limits.max_connections_per_exchange)";
  ++open;
  return std::nullopt;
}

void MllpIngest::on_close(const net::MllpPeer& peer) {
  const config::Exchange* exchange = exchange_of(peer);
  if (!exchange) return;
  std::lock_guard lock(mutex_);
  if (auto it = connections_.find(exchange->id); it != connections_.end() && it->second > 0) --it->second;
}

std::optional<std::string> MllpIngest::on_framing_error(const Error& error, const net::MllpPeer&) {
  // The frame is gone (too large, cut short): nothing to journal, and no MSH-10 to answer to.
  v2::AckError why{error.location(), error.message(), "100"};
  return v2::build_reject_for_unparsed("", why, ack_options());
}

}  // namespace hie::peers
