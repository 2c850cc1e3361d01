#include "tools/hie-sim/peer_protocol.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <span>

#include "broker/logging/log.hpp"
#include "tools/hie-sim/event_log.hpp"
#include "tools/hie-sim/peer_messages.hpp"
#include "tools/hie-sim/query_answer.hpp"

namespace hie::sim {
namespace {

std::string member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::string describe_refusal(const rapidjson::Value& nack) {
  std::string reason = member(nack, "reason");
  if (reason.empty()) reason = "no reason given";
  const std::string detail = member(nack, "detail");
  return detail.empty() ? reason : reason + " (" + detail + ")";
}

}  // namespace

std::string summary_json(std::string_view exchange, const PeerSummary& s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("mode");
  w.String("peer");
  w.Key("exchange");
  w.String(exchange.data(), static_cast<rapidjson::SizeType>(exchange.size()));
  for (auto [key, value] :
       {std::pair{"published", s.published}, {"acked", s.acked}, {"duplicates", s.duplicates}}) {
    w.Key(key);
    w.Uint64(value);
  }
  w.Key("nacked");
  w.StartObject();
  for (const auto& [reason, count] : s.nacked) {
    w.Key(reason.c_str());
    w.Uint64(count);
  }
  w.EndObject();
  for (auto [key, value] : {std::pair{"queries", s.queries}, {"answered", s.answered}}) {
    w.Key(key);
    w.Uint64(value);
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

PeerProtocol::PeerProtocol(const PeerOptions& options, const Dataset& dataset, EventSink keep_event)
    : options_(options),
      dataset_(dataset),
      keep_event_(std::move(keep_event)),
      random_(options.queries.seed ? *options.queries.seed : std::random_device{}()) {
  for (unsigned round = 1; round <= options.pacing.repeat; ++round)
    for (const auto& patient : dataset.patients)
      for (const auto& record : patient.records)
        items_.push_back(
            {&record, dataset.exchange + ":" + record.name + ":" + std::to_string(round)});
  const std::size_t chunks = (dataset.patients.size() + kAnnounceChunk - 1) / kAnnounceChunk;
  announce_answered_.assign(options.announce ? chunks : 0, false);
}

std::string PeerProtocol::next_id(char prefix) { return prefix + std::to_string(next_id_++); }

std::string PeerProtocol::begin_connection() {
  requests_.clear();
  for (auto& item : items_)
    if (item.state == Item::State::in_flight) item.state = Item::State::pending;
  in_flight_ = 0;
  cursor_ = 0;
  announces_in_flight_ = 0;
  subscribe_sent_ = false;
  hello_ = Hello::waiting;
  const std::string id = next_id('h');
  requests_[id] = {Request::Kind::hello, 0};
  return hello_message(id, dataset_.exchange, dataset_.format);
}

std::vector<std::string> PeerProtocol::announce_messages() {
  std::vector<std::string> out;
  const std::span<const Patient> patients(dataset_.patients);
  for (std::size_t chunk = 0; chunk < announce_answered_.size(); ++chunk) {
    if (announce_answered_[chunk]) continue;
    const std::size_t start = chunk * kAnnounceChunk;
    const std::string id = next_id('a');
    requests_[id] = {Request::Kind::announce, chunk};
    ++announces_in_flight_;
    out.push_back(announce_message(
        id, patients.subspan(start, std::min(kAnnounceChunk, patients.size() - start))));
  }
  return out;
}

std::optional<std::string> PeerProtocol::next_subscribe() {
  const auto& events = options_.events;
  if (events.subscribe.empty() || subscribe_sent_ || hello_ != Hello::accepted ||
      announces_in_flight_ > 0)
    return std::nullopt;
  subscribe_sent_ = true;
  const std::string id = next_id('s');
  requests_[id] = {Request::Kind::subscribe, 0};
  return subscribe_message(id, events.subscribe, events.patients);
}

std::optional<std::string> PeerProtocol::next_publish(std::size_t limit) {
  if (in_flight_ >= limit) return std::nullopt;
  while (cursor_ < items_.size() && items_[cursor_].state != Item::State::pending) ++cursor_;
  if (cursor_ == items_.size()) return std::nullopt;
  Item& item = items_[cursor_];
  item.state = Item::State::in_flight;
  ++in_flight_;
  if (!item.sent_once) {
    item.sent_once = true;
    ++summary_.published;
  }
  const std::string id = next_id('p');
  requests_[id] = {Request::Kind::publish, cursor_};
  return publish_message(id, dataset_.format, item.control_id, item.record->contents);
}

bool PeerProtocol::all_answered() const {
  return answered_items_ == items_.size() &&
         std::ranges::all_of(announce_answered_, [](bool b) { return b; }) &&
         (options_.events.subscribe.empty() || subscribe_answered_);
}

PeerProtocol::Reaction PeerProtocol::on_message(std::string_view text) {
  rapidjson::Document message;
  message.Parse(text.data(), text.size());
  if (message.HasParseError() || !message.IsObject()) {
    log::warn({}, "the broker sent a frame that is not a JSON object ({} bytes)", text.size());
    return {{nack_message(next_id('n'), "", "malformed", "not a JSON object")}, {}};
  }
  const std::string type = member(message, "type");
  const std::string id = member(message, "id");
  if (type.empty() || id.empty()) {
    log::warn({}, "the broker sent a message without a type or id");
    return {{nack_message(next_id('n'), id, "malformed", "a message needs a type and an id")}, {}};
  }
  if (type == "ack" || type == "nack") {
    on_reply(type == "ack", member(message, "re"), message);
    return {};
  }
  if (type == "query") return on_query(message, id);
  if (type == "ping") return {{pong_message(next_id('o'), id)}, {}};
  if (type == "event") return on_event(message, id);
  log::debug({}, "ignoring a {} message from the broker", type);
  return {};
}

void PeerProtocol::on_reply(bool ack, const std::string& re, const rapidjson::Value& message) {
  auto it = requests_.find(re);
  if (it == requests_.end()) {
    // Our results are not tracked: the broker only replies to one when it refuses it.
    if (!ack && re.starts_with('r'))
      log::info({}, "the broker refused the answer {}: {}", re, describe_refusal(message));
    else
      log::debug({}, "{} for {}, which is not waiting for a reply", ack ? "ack" : "nack",
                 re.empty() ? "\"\"" : re);
    return;
  }
  const Request request = it->second;
  requests_.erase(it);
  const std::string reason = ack                                 ? ""
                             : member(message, "reason").empty() ? "unspecified"
                                                                 : member(message, "reason");
  switch (request.kind) {
    case Request::Kind::hello:
      hello_ = ack ? Hello::accepted : Hello::refused;
      if (ack) {
        const std::string broker = member(message, "broker");
        log::info({}, "hello accepted by {}", broker.empty() ? "the broker" : broker);
      } else {
        refusal_ = describe_refusal(message);
      }
      return;
    case Request::Kind::announce:
      announce_answered_[request.index] = true;
      --announces_in_flight_;
      if (ack) {
        const auto count = message.HasMember("patients") && message["patients"].IsUint64()
                               ? message["patients"].GetUint64()
                               : 0;
        log::info({}, "announce acknowledged: {} patients", count);
      } else {
        ++summary_.nacked[reason];
        log::warn({}, "announce refused: {}", describe_refusal(message));
      }
      return;
    case Request::Kind::subscribe:
      subscribe_answered_ = true;
      if (ack) {
        subscription_ = member(message, "subscription");
        log::info({}, "subscribed to {} events as {}", options_.events.subscribe.size(),
                  subscription_.empty() ? "(unnamed)" : subscription_);
      } else {
        ++summary_.nacked[reason];
        log::error({}, "subscribe refused: {}", describe_refusal(message));
      }
      return;
    case Request::Kind::publish: {
      Item& item = items_[request.index];
      item.state = Item::State::done;
      --in_flight_;
      ++answered_items_;
      if (ack) {
        ++summary_.acked;
        if (message.HasMember("duplicate") && message["duplicate"].IsBool() &&
            message["duplicate"].GetBool())
          ++summary_.duplicates;
      } else {
        ++summary_.nacked[reason];
        log::warn({}, "publish {} refused: {}", item.control_id, describe_refusal(message));
      }
      if (answered_items_ % 100 == 0 || answered_items_ == items_.size())
        log::info({}, "{}/{} records answered: {} acked ({} duplicates), {} nacked",
                  answered_items_, items_.size(), summary_.acked, summary_.duplicates,
                  answered_items_ - summary_.acked);
      return;
    }
  }
}

PeerProtocol::Reaction PeerProtocol::on_event(const rapidjson::Value& message,
                                              const std::string& id) {
  auto line = event_line(message);
  if (!line) {
    log::warn({}, "event {} refused: {}", id, line.error().message());
    return {{nack_message(next_id('k'), id, "malformed", line.error().message())}, {}};
  }
  if (keep_event_ && !keep_event_(*line)) {
    // Not kept, so not acknowledged: the broker sends it again later.
    log::error({}, "event {} could not be written to --events-out: nack busy", id);
    return {{nack_message(next_id('k'), id, "busy", "the event could not be recorded")}, {}};
  }
  switch (options_.events.ack) {
    case EventAck::always:
      log::debug({}, "event {} ({}) acknowledged", id, member(message, "kind"));
      return {{ack_message(next_id('k'), id)}, {}};
    case EventAck::never:
      log::debug({}, "event {} ({}) kept, not answered (--event-ack never)", id,
                 member(message, "kind"));
      return {};
    case EventAck::nack:
      log::debug({}, "event {} ({}) kept, answered nack busy (--event-ack nack)", id,
                 member(message, "kind"));
      return {{nack_message(next_id('k'), id, "busy", "--event-ack nack")}, {}};
  }
  return {};
}

PeerProtocol::Reaction PeerProtocol::on_query(const rapidjson::Value& message,
                                              const std::string& id) {
  ++summary_.queries;
  const auto& q = options_.queries;
  if (q.silent) {
    log::debug({}, "query {} not answered (--silent)", id);
    return {};
  }
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::string reply;
  if (q.error_rate > 0 && uniform(random_) < q.error_rate) {
    reply = error_result(next_id('r'), id, "unavailable");
    ++summary_.answered;
    log::debug({}, "query {} answered unavailable (--error-rate)", id);
  } else if (q.garbage_rate > 0 && uniform(random_) < q.garbage_rate) {
    reply = garbage_message(id);
    log::debug({}, "query {} answered with garbage (--garbage-rate)", id);
  } else {
    auto answer = answer_query(dataset_, message, next_id('r'));
    reply = std::move(answer.reply);
    if (answer.outcome == QueryOutcome::malformed) {
      log::warn({}, "query {} names no patient properly: nack malformed", id);
    } else {
      ++summary_.answered;
      log::debug({}, "query {} answered: {} patients matched", id, answer.patients);
    }
  }
  if (q.answer_bytes > 0) {
    reply = oversized_result(next_id('r'), id, q.answer_bytes);
    log::debug({}, "query {} answered with {} bytes of filler (--answer-bytes)", id, reply.size());
  }
  Reaction reaction;
  if (q.drop_mid_answer)
    reaction.send_half_then_drop = std::move(reply);
  else if (q.latency_ms > 0)
    reaction.send_after_delay = std::move(reply);
  else
    reaction.send.push_back(std::move(reply));
  return reaction;
}

}  // namespace hie::sim
