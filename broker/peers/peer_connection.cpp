#include "broker/peers/peer_connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

#include "broker/logging/log.hpp"
#include "broker/peers/async_append.hpp"
#include "broker/peers/payload_check.hpp"

namespace hie::peers {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
/// WebSocket close code for a peer that broke the protocol's rules (RFC 6455 §7.4.1).
constexpr std::uint16_t kPolicyViolation = 1008;

}  // namespace

PeerConnection::PeerConnection(std::shared_ptr<PeerEndpoint> endpoint, const config::Exchange& exchange,
                               net::WebSocketPeer peer, std::shared_ptr<net::WebSocketOutbox> outbox)
    : endpoint_(std::move(endpoint)), exchange_(exchange), peer_(std::move(peer)), outbox_(std::move(outbox)) {}

std::string PeerConnection::next_id() { return "b" + std::to_string(next_id_++); }

void PeerConnection::reply(const std::string& type, const std::string& outcome, std::string text) {
  endpoint_->peer_metrics_->message(exchange_.id, type, outcome);
  outbox_->send(std::move(text));
}

void PeerConnection::refuse(const std::string& type, std::string_view re, std::string_view reason,
                            std::string_view detail) {
  log::write(log::Level::info, {.connection = peer_.connection_id, .exchange = exchange_.id}, "peer message refused",
             {{"type", type}, {"reason", reason}, {"detail", detail}});
  reply(type, std::string(reason), protocol::nack(next_id(), re, reason, detail));
}

asio::awaitable<void> PeerConnection::on_message(std::string text, bool binary) {
  endpoint_->peer_metrics_->seen(exchange_.id);
  if (binary) {
    refuse("binary", "", "malformed", "binary frames are not accepted: send each message as a JSON text frame");
    co_return;
  }
  auto read = protocol::read_message(text);
  if (auto* unreadable = std::get_if<protocol::Unreadable>(&read)) {
    refuse("unreadable", unreadable->re, unreadable->reason, unreadable->detail);
    co_return;
  }
  auto& in = std::get<protocol::Incoming>(read);
  if (!ready_ && in.type != "hello") {
    refuse(in.type, in.id, "hello-first", "send hello before any other message");
    co_return;
  }
  if (auto* hello = std::get_if<protocol::Hello>(&in.body)) {
    on_hello(in, *hello);
  } else if (auto* publish = std::get_if<protocol::Publish>(&in.body)) {
    co_await on_publish(in, std::move(*publish));
  } else if (auto* announce = std::get_if<protocol::Announce>(&in.body)) {
    co_await on_announce(in, std::move(*announce));
  } else if (auto* result = std::get_if<protocol::QueryResult>(&in.body)) {
    on_result(in, std::move(*result));
  } else if (std::holds_alternative<protocol::Ping>(in.body)) {
    reply("ping", "ok", protocol::pong(next_id(), in.id));
  } else if (auto* query = std::get_if<protocol::Query>(&in.body)) {
    on_query(in, std::move(*query));
  } else if (auto* subscribe = std::get_if<protocol::Subscribe>(&in.body)) {
    co_await on_subscribe(in, std::move(*subscribe));
  } else if (!on_event_reply(in)) {
    // pong, or an ack/nack of nothing in flight (an event's, after its deadline): nothing to answer.
    endpoint_->peer_metrics_->message(exchange_.id, in.type, "ok");
  }
}

void PeerConnection::disconnect(std::string reason) {
  log::write(log::Level::info, {.connection = peer_.connection_id, .exchange = exchange_.id},
             "peer disconnected by the broker", {{"reason", reason}});
  // 1008: policy violation, the close code RFC 6455 gives an endpoint that ends a connection it
  // will not serve; the peer's reconnect is again subject to the configuration.
  outbox_->close(1008, std::move(reason));
}

void PeerConnection::on_hello(const protocol::Incoming& in, const protocol::Hello& hello) {
  if (ready_) {
    refuse("hello", in.id, "malformed", "hello was already acknowledged on this connection");
    return;
  }
  std::string_view reason, detail;
  std::string why;
  if (hello.exchange != exchange_.id) {
    reason = "exchange-mismatch";
    why = "the client certificate belongs to exchange " + exchange_.id;
  } else if (hello.protocol != protocol::kVersion) {
    reason = "unsupported-protocol";
    why = "this broker speaks protocol " + std::to_string(protocol::kVersion);
  } else {
    for (const auto& format : hello.formats)
      if (format != exchange_.format) {
        reason = "unknown-format";
        why = "exchange " + exchange_.id + " is configured for format " + exchange_.format;
      }
  }
  if (!reason.empty()) {
    refuse("hello", in.id, reason, why);
    outbox_->close(kPolicyViolation, std::string(reason));
    return;
  }
  ready_ = true;
  log::write(log::Level::info, {.connection = peer_.connection_id, .exchange = exchange_.id}, "peer said hello");
  reply("hello", "ok", protocol::hello_ack(next_id(), in.id, endpoint_->settings_.broker));
  if (endpoint_->settings_.ready) endpoint_->settings_.ready(exchange_.id);
}

asio::awaitable<void> PeerConnection::on_publish(const protocol::Incoming& in, protocol::Publish publish) {
  const auto started = Clock::now();
  const std::size_t bytes = publish.payload.size();
  auto& ingest = *endpoint_->ingest_metrics_;
  if (publish.format != exchange_.format) {
    ingest.message(exchange_.id, exchange_.format, "rejected", bytes, Clock::now() - started);
    refuse("publish", in.id, "unknown-format", "exchange " + exchange_.id + " publishes " + exchange_.format);
    co_return;
  }
  store::InboundMessage inbound;
  inbound.exchange = exchange_.id;
  inbound.control_id = publish.control_id;
  inbound.format = publish.format;
  inbound.payload = std::move(publish.payload);
  const auto readable = check_payload(inbound.format, inbound.payload);
  if (!readable) {
    // Kept for the record as rejected, so an operator can see what was sent.
    inbound.status = store::JournalStatus::rejected;
    inbound.detail = readable.error().location().empty()
                         ? readable.error().message()
                         : readable.error().location() + ": " + readable.error().message();
    const std::string detail = inbound.detail;
    auto journaled = co_await async_append(endpoint_->store_, std::move(inbound), asio::use_awaitable);
    if (!journaled)
      log::write(log::Level::error, {.connection = peer_.connection_id, .exchange = exchange_.id}, "refused message could not be journaled",
                 {{"error", journaled.error().describe()}});
    ingest.message(exchange_.id, publish.format, "rejected", bytes, Clock::now() - started);
    refuse("publish", in.id, "unreadable", detail);
    co_return;
  }
  auto appended = co_await async_append(endpoint_->store_, std::move(inbound), asio::use_awaitable);
  if (!appended) {
    ingest.message(exchange_.id, publish.format, "store_error", bytes, Clock::now() - started);
    log::write(log::Level::error, {.connection = peer_.connection_id, .exchange = exchange_.id}, "published message not stored",
               {{"error", appended.error().describe()}});
    refuse("publish", in.id, "busy", "the message could not be stored now; publish it again later");
    co_return;
  }
  ingest.message(exchange_.id, publish.format, appended->duplicate ? "duplicate" : "accepted", bytes,
                 Clock::now() - started);
  if (!appended->duplicate && endpoint_->settings_.stored) endpoint_->settings_.stored();
  reply("publish", "ok", protocol::publish_ack(next_id(), in.id, appended->id, appended->duplicate));
}

asio::awaitable<void> PeerConnection::on_announce(const protocol::Incoming& in, protocol::Announce announce) {
  if (auto problem = protocol::invalid_nhs_number(announce.patients)) {
    refuse("announce", in.id, "malformed", *problem);
    co_return;
  }
  store::TranslationBatch batch;
  for (auto& identifiers : announce.patients) batch.sightings.push_back({exchange_.id, std::move(identifiers), {}});
  const std::size_t patients = batch.sightings.size();
  auto sightings = batch.sightings;  // the locator hears about them once they are committed
  auto committed = co_await async_record_translations(endpoint_->store_, std::move(batch), asio::use_awaitable);
  if (!committed) {
    log::write(log::Level::error, {.connection = peer_.connection_id, .exchange = exchange_.id}, "announce not stored",
               {{"error", committed.error().describe()}});
    refuse("announce", in.id, "busy", "the announcement could not be stored now; send it again later");
    co_return;
  }
  if (endpoint_->settings_.announced) endpoint_->settings_.announced(sightings);
  log::write(log::Level::info, {.connection = peer_.connection_id, .exchange = exchange_.id}, "peer announced patients",
             {{"patients", patients}});
  reply("announce", "ok", protocol::announce_ack(next_id(), in.id, patients));
}

void PeerConnection::on_query(const protocol::Incoming& in, protocol::Query query) {
  const auto& answer_query = endpoint_->settings_.answer_query;
  if (!answer_query) {
    reply("query", "unavailable",
          protocol::result_error(next_id(), in.id, "unavailable", "this broker does not answer peer queries"));
    return;
  }
  // The answer comes from the engine's threads: back onto this connection's strand to send it.
  answer_query(exchange_, std::move(query), [self = shared_from_this(), re = in.id](Result<std::string> answer) {
    asio::post(self->peer_.strand, [self, re, answer = std::move(answer)]() mutable {
      if (self->closed_) return;
      if (answer) {
        self->reply("query", "ok", protocol::result(self->next_id(), re, "fhir", *answer));
      } else {
        const bool busy = answer.error().code() == Errc::limit_exceeded;
        self->reply("query", busy ? "unavailable" : "refused",
                    protocol::result_error(self->next_id(), re, busy ? "unavailable" : "refused",
                                           answer.error().message()));
      }
    });
  });
}

void PeerConnection::on_result(const protocol::Incoming& in, protocol::QueryResult result) {
  if (!pending_.contains(in.re)) {
    refuse("result", in.id, "too-late", "no query " + in.re.substr(0, 32) + " is waiting: its deadline passed");
    return;
  }
  PeerAnswer answer;
  answer.outcome = result.error.empty() ? PeerAnswer::Outcome::answered : PeerAnswer::Outcome::error;
  answer.error = std::move(result.error);
  answer.format = std::move(result.format);
  answer.payloads = std::move(result.payloads);
  endpoint_->peer_metrics_->message(exchange_.id, "result", "ok");
  finish_query(in.re, std::move(answer));
}

void PeerConnection::query(protocol::QueryRequest request, std::function<void(PeerAnswer)> done) {
  asio::post(peer_.strand, [self = shared_from_this(), request = std::move(request), done = std::move(done)]() mutable {
    self->start_query(std::move(request), std::move(done));
  });
}

void PeerConnection::start_query(protocol::QueryRequest request, std::function<void(PeerAnswer)> done) {
  const std::string id = "q" + std::to_string(next_id_++);
  auto deadline = std::make_unique<asio::steady_timer>(peer_.strand, request.deadline);
  deadline->async_wait([weak = weak_from_this(), id](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock())
      self->finish_query(id, {PeerAnswer::Outcome::timed_out, "no answer before the deadline", {}, {}});
  });
  pending_.emplace(id, Pending{std::move(done), std::move(deadline)});
  log::debug({.connection = peer_.connection_id, .exchange = exchange_.id, .query = request.query_id},
             "query sent to the peer as {}", id);
  if (closed_ || !outbox_->send(protocol::query(id, request)))
    finish_query(id, {PeerAnswer::Outcome::disconnected, "the peer's connection is closed", {}, {}});
}

void PeerConnection::finish_query(const std::string& id, PeerAnswer answer) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  pending.deadline->cancel();
  endpoint_->peer_metrics_->query(exchange_.id, std::string(to_string(answer.outcome)));
  pending.done(std::move(answer));
}

void PeerConnection::on_closed() {
  closed_ = true;
  ready_ = false;
  while (!pending_.empty())
    finish_query(pending_.begin()->first, {PeerAnswer::Outcome::disconnected, "the peer disconnected", {}, {}});
  while (!pending_events_.empty())
    finish_delivery(pending_events_.begin()->first,
                    {EventReceipt::Outcome::refused, "the peer disconnected before its ack"});
  endpoint_->closed(exchange_.id, this);
  log::write(log::Level::info, {.connection = peer_.connection_id, .exchange = exchange_.id}, "peer disconnected");
}

}  // namespace hie::peers
