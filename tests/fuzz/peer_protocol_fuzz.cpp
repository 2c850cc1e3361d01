// libFuzzer target: any bytes as one WebSocket text message from a peer, through
// hie::peers::protocol::read_message (broker/peers/peer_protocol), and the reply the broker would
// send, written with the protocol's own writers from the values read, read back.
// Invariants: no crash, no hang, no sanitizer report; an Unreadable has reason malformed or
// unknown-type, an `re` no longer than an id, and a one-line detail (the broker logs it at info);
// an Incoming's members stay within the protocol's bounds (id, type, re, control_id, patients,
// identifiers, query sizes, event words) and its body is the one its type names;
// invalid_nhs_number names an identifier that is an NHS number failing its check, or none when
// there is none; every reply reads back as the expected type with `re` the request's id and the
// same reason and detail; a query the broker forwards reads back as the same query; and a
// message that is valid JSON text (UTF-8 throughout, escapes included) gets replies that are.

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "broker/model/event_kind.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/peers/peer_protocol.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace hie::peers::protocol;
using Patients = std::vector<std::vector<hie::store::PatientIdentity>>;

bool one_line(std::string_view text) {
  return text.find_first_of("\r\n") == std::string_view::npos;
}

bool within(const std::string& text, std::size_t max) {
  return !text.empty() && text.size() <= max;
}

/// UTF-8 as RFC 3629 has it: no overlong forms, surrogates, or code points past U+10FFFF.
bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t more = 0;  // continuation bytes
    if (lead >= 0xC2 && lead <= 0xDF)
      more = 1;
    else if (lead >= 0xE0 && lead <= 0xEF)
      more = 2;
    else if (lead >= 0xF0 && lead <= 0xF4)
      more = 3;
    else if (lead >= 0x80)
      return false;
    std::uint32_t code = lead & (0x7F >> more);
    if (text.size() - i <= more) return false;
    for (std::size_t k = 1; k <= more; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = code << 6 | (next & 0x3F);
    }
    if ((more == 2 && code < 0x800) || (more == 3 && (code < 0x10000 || code > 0x10FFFF)) ||
        (code >= 0xD800 && code <= 0xDFFF))
      return false;
    i += more + 1;
  }
  return true;
}

/// JSON that a strict peer library reads as text: valid UTF-8, and every string valid UTF-8 once
/// its escapes are decoded (RapidJSON 1.1 decodes a lone "\udc00" to bytes that are not).
bool strict_json(std::string_view text) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
      text.data(), text.size());
  if (document.HasParseError()) return false;
  std::vector<const rapidjson::Value*> values{&document};  // no recursion: the nesting may be deep
  while (!values.empty()) {
    const rapidjson::Value& value = *values.back();
    values.pop_back();
    if (value.IsString() && !valid_utf8({value.GetString(), value.GetStringLength()})) return false;
    if (value.IsArray())
      for (const auto& item : value.GetArray()) values.push_back(&item);
    if (value.IsObject())
      for (const auto& member : value.GetObject())
        values.insert(values.end(), {&member.name, &member.value});
  }
  return true;
}

/// `reply` as read back: the expected type, the broker's id and `re`; its Incoming.
Incoming read_reply(const std::string& reply, std::string_view type, std::string_view re,
                    bool utf8) {
  if (utf8) CHECK(strict_json(reply));
  auto read = read_message(reply);
  CHECK(std::holds_alternative<Incoming>(read));
  auto& in = std::get<Incoming>(read);
  CHECK(in.type == type && in.id == "b1" && in.re == re);
  return std::move(in);
}

void expect_nack(std::string_view re, std::string_view reason, std::string_view detail, bool utf8) {
  auto in = read_reply(nack("b1", re, reason, detail), "nack", re, utf8);
  const auto* body = std::get_if<Nack>(&in.body);
  CHECK(body && body->reason == reason && body->detail == detail);
}

void check_patients(const Patients& patients) {
  for (const auto& identifiers : patients) {
    CHECK(!identifiers.empty());
    for (const auto& identity : identifiers)
      CHECK(within(identity.system, 1024) && within(identity.value, 256));
  }
}

/// invalid_nhs_number names patients[P].identifiers[I] that is an NHS number failing its check,
/// and the first such; none when there is none.
void check_nhs_numbers(const Patients& patients, const std::optional<std::string>& problem) {
  using hie::model::NhsNumber;
  auto bad = [&](std::size_t p, std::size_t i) {
    return patients[p][i].system == NhsNumber::system && !NhsNumber::parse(patients[p][i].value);
  };
  std::optional<std::pair<std::size_t, std::size_t>> first;
  for (std::size_t p = 0; p < patients.size() && !first; ++p)
    for (std::size_t i = 0; i < patients[p].size() && !first; ++i)
      if (bad(p, i)) first = {p, i};
  CHECK(first.has_value() == problem.has_value());
  if (!first) return;
  CHECK(*problem == "patients[" + std::to_string(first->first) + "].identifiers[" +
                        std::to_string(first->second) + "].value: not a valid NHS number");
}

void check_unreadable(const Unreadable& bad, bool utf8) {
  CHECK(bad.reason == "malformed" || bad.reason == "unknown-type");
  CHECK(!bad.detail.empty() && one_line(bad.detail));
  CHECK(bad.re.size() <= kMaxIdLength);
  expect_nack(bad.re, bad.reason, bad.detail, utf8);
}

void check_incoming(const Incoming& in, bool utf8) {
  CHECK(within(in.id, kMaxIdLength) && within(in.type, 32) && in.re.size() <= kMaxIdLength);
  if (const auto* hello = std::get_if<Hello>(&in.body)) {
    CHECK(in.type == "hello" && within(hello->exchange, kMaxIdLength));
    read_reply(hello_ack("b1", in.id, "hiebroker 0.1.0"), "ack", in.id, utf8);
  } else if (const auto* publish = std::get_if<Publish>(&in.body)) {
    CHECK(in.type == "publish" && within(publish->format, 32) &&
          within(publish->control_id, kMaxControlIdLength) && !publish->payload.empty());
    read_reply(publish_ack("b1", in.id, 4211, false), "ack", in.id, utf8);
  } else if (const auto* announce = std::get_if<Announce>(&in.body)) {
    CHECK(in.type == "announce" && announce->patients.size() <= kMaxAnnouncedPatients);
    check_patients(announce->patients);
    auto problem = invalid_nhs_number(announce->patients);
    check_nhs_numbers(announce->patients, problem);
    if (problem)
      expect_nack(in.id, "malformed", *problem, utf8);
    else
      read_reply(announce_ack("b1", in.id, announce->patients.size()), "ack", in.id, utf8);
  } else if (const auto* answered = std::get_if<QueryResult>(&in.body)) {
    CHECK(in.type == "result" && !in.re.empty());
    CHECK(answered->error.empty() || answered->error == "not-found" ||
          answered->error == "refused" || answered->error == "unavailable");
    if (answered->error.empty()) CHECK(within(answered->format, 32));
    expect_nack(in.id, "too-late", "", utf8);  // a result after its query's deadline
  } else if (std::holds_alternative<Ping>(in.body)) {
    CHECK(in.type == "ping");
    read_reply(pong("b1", in.id), "pong", in.id, utf8);
  } else if (std::holds_alternative<Pong>(in.body)) {
    CHECK(in.type == "pong");
  } else if (std::holds_alternative<Ack>(in.body)) {
    CHECK(in.type == "ack");
  } else if (const auto* peer_nack = std::get_if<Nack>(&in.body)) {
    CHECK(in.type == "nack");
    // The broker's writer and reader agree on a nack: the peer's, written back, reads the same.
    auto again = read_message(nack(in.id, in.re, peer_nack->reason, peer_nack->detail));
    CHECK(std::holds_alternative<Incoming>(again));
    const auto* body = std::get_if<Nack>(&std::get<Incoming>(again).body);
    CHECK(body && body->reason == peer_nack->reason && body->detail == peer_nack->detail &&
          std::get<Incoming>(again).re == in.re);
  } else if (const auto* asked = std::get_if<Query>(&in.body)) {
    CHECK(in.type == "query" && !asked->patient.empty() && asked->patient.size() <= 16);
    for (const auto& identity : asked->patient)
      CHECK(within(identity.system, 1024) && within(identity.value, 256));
    CHECK(asked->resource_types.size() <= 32 && asked->date_ge.size() <= 40 &&
          asked->date_le.size() <= 40);
    for (const auto& type : asked->resource_types) CHECK(within(type, 64));
    auto answer = read_reply(result("b1", in.id, "fhir", "{}"), "result", in.id, utf8);
    const auto* records = std::get_if<QueryResult>(&answer.body);
    CHECK(records && records->error.empty() && records->format == "fhir" &&
          records->payloads == std::vector<std::string>{"{}"});
    auto refusal =
        read_reply(result_error("b1", in.id, "refused", "no such type"), "result", in.id, utf8);
    CHECK(std::get<QueryResult>(refusal.body).error == "refused");
    // The same query, as the broker would forward it to a peer, reads back as itself.
    QueryRequest forward{asked->patient, asked->resource_types, asked->date_ge, asked->date_le};
    auto forwarded = read_reply(query("b1", forward), "query", "", utf8);
    const auto* same = std::get_if<Query>(&forwarded.body);
    CHECK(same && same->patient == asked->patient &&
          same->resource_types == asked->resource_types && same->date_ge == asked->date_ge &&
          same->date_le == asked->date_le);
  } else if (const auto* subscribe = std::get_if<Subscribe>(&in.body)) {
    CHECK(in.type == "subscribe" && !subscribe->events.empty());
    for (const auto& event : subscribe->events)
      CHECK(hie::model::parse_event_kind(event).has_value());
    CHECK(subscribe->patients == "held" || subscribe->patients == "all" ||
          subscribe->patients == "listed");
    CHECK((subscribe->patients == "listed") == !subscribe->listed.empty());
    CHECK(subscribe->listed.size() <= kMaxAnnouncedPatients);
    check_patients(subscribe->listed);
    auto problem = invalid_nhs_number(subscribe->listed);
    check_nhs_numbers(subscribe->listed, problem);
    if (subscribe->patients == "all")
      expect_nack(in.id, "refused", "patients \"all\" is for operators", utf8);
    else if (problem)
      expect_nack(in.id, "malformed", *problem, utf8);
    else
      read_reply(subscribe_ack("b1", in.id, "peer:city-hie"), "ack", in.id, utf8);
  } else {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool utf8 = strict_json(text);
  auto read = read_message(text);
  if (const auto* bad = std::get_if<Unreadable>(&read)) {
    CHECK(!utf8 || !bad->detail.starts_with("not JSON"));  // what a strict parser reads is JSON
    check_unreadable(*bad, utf8);
  } else {
    check_incoming(std::get<Incoming>(read), utf8);
  }
  return 0;
}
