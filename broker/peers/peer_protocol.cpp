#include "broker/peers/peer_protocol.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>

#include "broker/model/event_kind.hpp"
#include "broker/model/nhs_number.hpp"

namespace hie::peers::protocol {
namespace {

using Value = rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// A word the peer sent, as a detail names it: at most 32 bytes, not cut inside a UTF-8 character,
/// control characters as '?', so that the detail stays one line of valid text (it is logged).
std::string echo(std::string_view word) {
  std::size_t size = std::min<std::size_t>(word.size(), 32);
  while (size > 0 && size < word.size() && (static_cast<unsigned char>(word[size]) & 0xC0) == 0x80) --size;
  std::string out(word.substr(0, size));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

/// A member that must be a string of 1..max characters, or the problem with it.
std::optional<std::string> read_string(const Value& object, const char* member, std::string& out,
                                       std::size_t max = SIZE_MAX, bool required = true) {
  auto it = object.FindMember(member);
  if (it == object.MemberEnd()) return required ? std::optional<std::string>(std::string(member) + ": is required")
                                                : std::nullopt;
  if (!it->value.IsString()) return std::string(member) + ": expected a string";
  out.assign(it->value.GetString(), it->value.GetStringLength());
  if (required && out.empty()) return std::string(member) + ": must not be empty";
  if (out.size() > max) return std::string(member) + ": longer than " + std::to_string(max) + " characters";
  return std::nullopt;
}

std::optional<std::string> read_hello(const Value& object, Hello& hello) {
  auto it = object.FindMember("protocol");
  if (it == object.MemberEnd() || !it->value.IsInt()) return "protocol: expected a whole number";
  hello.protocol = it->value.GetInt();
  if (auto problem = read_string(object, "exchange", hello.exchange, kMaxIdLength)) return problem;
  auto formats = object.FindMember("formats");
  if (formats == object.MemberEnd()) return std::nullopt;
  if (!formats->value.IsArray()) return "formats: expected an array of strings";
  for (const auto& format : formats->value.GetArray()) {
    if (!format.IsString()) return "formats: expected an array of strings";
    hello.formats.emplace_back(format.GetString(), format.GetStringLength());
  }
  return std::nullopt;
}

std::optional<std::string> read_publish(const Value& object, Publish& publish) {
  if (auto problem = read_string(object, "format", publish.format, 32)) return problem;
  if (auto problem = read_string(object, "control_id", publish.control_id, kMaxControlIdLength)) return problem;
  return read_string(object, "payload", publish.payload);
}

/// `patients`: an array of {identifiers: [{system, value}, ...]}, each a non-empty list.
std::optional<std::string> read_patients(const Value& patients,
                                         std::vector<std::vector<store::PatientIdentity>>& out) {
  for (rapidjson::SizeType p = 0; p < patients.Size(); ++p) {
    const std::string where = "patients[" + std::to_string(p) + "]";
    const Value& patient = patients[p];
    if (!patient.IsObject()) return where + ": expected an object";
    auto identifiers = patient.FindMember("identifiers");
    if (identifiers == patient.MemberEnd() || !identifiers->value.IsArray() || identifiers->value.Empty())
      return where + ".identifiers: expected a non-empty array";
    std::vector<store::PatientIdentity> identities;
    for (rapidjson::SizeType i = 0; i < identifiers->value.Size(); ++i) {
      const std::string at = where + ".identifiers[" + std::to_string(i) + "]";
      const Value& identifier = identifiers->value[i];
      if (!identifier.IsObject()) return at + ": expected an object";
      store::PatientIdentity identity;
      if (auto problem = read_string(identifier, "system", identity.system, 1024)) return at + "." + *problem;
      if (auto problem = read_string(identifier, "value", identity.value, 256)) return at + "." + *problem;
      identities.push_back(std::move(identity));
    }
    out.push_back(std::move(identities));
  }
  return std::nullopt;
}

std::optional<std::string> read_announce(const Value& object, Announce& announce) {
  auto patients = object.FindMember("patients");
  if (patients == object.MemberEnd() || !patients->value.IsArray()) return "patients: expected an array";
  if (patients->value.Size() > kMaxAnnouncedPatients)
    return "patients: more than " + std::to_string(kMaxAnnouncedPatients) + " in one announce";
  return read_patients(patients->value, announce.patients);
}

/// `events`: event words; `patients`: "held", "all", or a list of patients as in announce.
std::optional<std::string> read_subscribe(const Value& object, Subscribe& subscribe) {
  auto events = object.FindMember("events");
  if (events == object.MemberEnd() || !events->value.IsArray() || events->value.Empty())
    return "events: expected a non-empty array of event kinds";
  for (const auto& event : events->value.GetArray()) {
    if (!event.IsString()) return "events: expected an array of event kinds";
    std::string word(event.GetString(), event.GetStringLength());
    if (!model::parse_event_kind(word)) return "events: unknown event kind \"" + echo(word) + "\"";
    subscribe.events.push_back(std::move(word));
  }
  auto patients = object.FindMember("patients");
  if (patients == object.MemberEnd()) return std::nullopt;  // held
  if (patients->value.IsString()) {
    subscribe.patients.assign(patients->value.GetString(), patients->value.GetStringLength());
    if (subscribe.patients != "held" && subscribe.patients != "all")
      return "patients: expected \"held\", \"all\" or an array of patients";
    return std::nullopt;
  }
  if (!patients->value.IsArray() || patients->value.Empty())
    return "patients: expected \"held\", \"all\" or an array of patients";
  if (patients->value.Size() > kMaxAnnouncedPatients)
    return "patients: more than " + std::to_string(kMaxAnnouncedPatients);
  subscribe.patients = "listed";
  return read_patients(patients->value, subscribe.listed);
}

/// A peer's query: `patient` as in the broker's own query, optional `resource_types` and `date`.
std::optional<std::string> read_query(const Value& object, Query& query) {
  auto patient = object.FindMember("patient");
  if (patient == object.MemberEnd() || !patient->value.IsArray() || patient->value.Empty())
    return "patient: expected a non-empty array of {system, value}";
  if (patient->value.Size() > 16) return "patient: more than 16 identifiers";
  for (rapidjson::SizeType i = 0; i < patient->value.Size(); ++i) {
    const std::string at = "patient[" + std::to_string(i) + "]";
    const Value& identifier = patient->value[i];
    if (!identifier.IsObject()) return at + ": expected an object";
    store::PatientIdentity identity;
    if (auto problem = read_string(identifier, "system", identity.system, 1024)) return at + "." + *problem;
    if (auto problem = read_string(identifier, "value", identity.value, 256)) return at + "." + *problem;
    query.patient.push_back(std::move(identity));
  }
  if (auto types = object.FindMember("resource_types"); types != object.MemberEnd()) {
    if (!types->value.IsArray() || types->value.Size() > 32) return "resource_types: expected an array of names";
    for (const auto& type : types->value.GetArray()) {
      if (!type.IsString() || type.GetStringLength() == 0 || type.GetStringLength() > 64)
        return "resource_types: expected an array of names";
      query.resource_types.emplace_back(type.GetString(), type.GetStringLength());
    }
  }
  if (auto date = object.FindMember("date"); date != object.MemberEnd()) {
    if (!date->value.IsObject()) return "date: expected {ge, le}";
    if (auto problem = read_string(date->value, "ge", query.date_ge, 40, false)) return "date." + *problem;
    if (auto problem = read_string(date->value, "le", query.date_le, 40, false)) return "date." + *problem;
  }
  return std::nullopt;
}

std::optional<std::string> read_result(const Value& object, QueryResult& result) {
  if (auto problem = read_string(object, "error", result.error, 64, false)) return problem;
  if (!result.error.empty()) {
    if (result.error != "not-found" && result.error != "refused" && result.error != "unavailable")
      return "error: expected not-found, refused or unavailable";
    return std::nullopt;
  }
  if (auto problem = read_string(object, "format", result.format, 32)) return problem;
  if (auto payloads = object.FindMember("payloads"); payloads != object.MemberEnd()) {
    if (!payloads->value.IsArray()) return "payloads: expected an array of strings";
    for (const auto& payload : payloads->value.GetArray()) {
      if (!payload.IsString()) return "payloads: expected an array of strings";
      result.payloads.emplace_back(payload.GetString(), payload.GetStringLength());
    }
    return std::nullopt;
  }
  std::string payload;
  if (auto problem = read_string(object, "payload", payload, SIZE_MAX, false)) return problem;
  if (object.FindMember("payload") == object.MemberEnd()) return "payload: is required (or payloads, or error)";
  result.payloads.push_back(std::move(payload));
  return std::nullopt;
}

/// Writes {"type": T, "id": I, "re": R, ...more} where `more` adds members.
template <class More>
std::string envelope(std::string_view type, std::string_view id, std::string_view re, More&& more) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("type");
  writer.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  writer.Key("id");
  writer.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  if (!re.empty() || type == "nack") {
    writer.Key("re");
    writer.String(re.data(), static_cast<rapidjson::SizeType>(re.size()));
  }
  more(writer);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

void string_member(Writer& writer, const char* key, std::string_view value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::variant<Incoming, Unreadable> read_message(std::string_view text) {
  rapidjson::Document document;
  // Iterative: a peer's deeply nested message must not exhaust the stack.
  document.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (document.HasParseError())
    return Unreadable{"", "malformed",
                      std::string("not JSON: ") + rapidjson::GetParseError_En(document.GetParseError()) +
                          " at offset " + std::to_string(document.GetErrorOffset())};
  if (!document.IsObject()) return Unreadable{"", "malformed", "expected a JSON object"};
  Incoming in;
  if (auto problem = read_string(document, "id", in.id, kMaxIdLength)) return Unreadable{"", "malformed", *problem};
  if (auto problem = read_string(document, "type", in.type, 32)) return Unreadable{in.id, "malformed", *problem};
  if (auto problem = read_string(document, "re", in.re, kMaxIdLength, false))
    return Unreadable{in.id, "malformed", *problem};

  std::optional<std::string> problem;
  if (in.type == "hello") {
    Hello hello;
    problem = read_hello(document, hello);
    in.body = std::move(hello);
  } else if (in.type == "publish") {
    Publish publish;
    problem = read_publish(document, publish);
    in.body = std::move(publish);
  } else if (in.type == "announce") {
    Announce announce;
    problem = read_announce(document, announce);
    in.body = std::move(announce);
  } else if (in.type == "result") {
    QueryResult result;
    if (in.re.empty()) problem = "re: is required";
    else problem = read_result(document, result);
    in.body = std::move(result);
  } else if (in.type == "ping") {
    in.body = Ping{};
  } else if (in.type == "pong") {
    in.body = Pong{};
  } else if (in.type == "ack") {
    in.body = Ack{};
  } else if (in.type == "nack") {
    Nack nack;
    read_string(document, "reason", nack.reason, 64, false);
    read_string(document, "detail", nack.detail, 1024, false);
    in.body = std::move(nack);
  } else if (in.type == "query") {
    Query query;
    problem = read_query(document, query);
    in.body = std::move(query);
  } else if (in.type == "subscribe") {
    Subscribe subscribe;
    problem = read_subscribe(document, subscribe);
    in.body = std::move(subscribe);
  } else {
    return Unreadable{in.id, "unknown-type", "no message type '" + echo(in.type) + "' in protocol 1"};
  }
  if (problem) return Unreadable{in.id, "malformed", in.type + "." + *problem};
  return in;
}

std::optional<std::string> invalid_nhs_number(const std::vector<std::vector<store::PatientIdentity>>& patients) {
  for (std::size_t p = 0; p < patients.size(); ++p)
    for (std::size_t i = 0; i < patients[p].size(); ++i) {
      const auto& identity = patients[p][i];
      if (identity.system == model::NhsNumber::system && !model::NhsNumber::parse(identity.value))
        return "patients[" + std::to_string(p) + "].identifiers[" + std::to_string(i) +
               "].value: not a valid NHS number";
    }
  return std::nullopt;
}

std::string hello_ack(std::string_view id, std::string_view re, std::string_view broker) {
  return envelope("ack", id, re, [&](Writer& w) {
    w.Key("protocol");
    w.Int(kVersion);
    string_member(w, "broker", broker);
  });
}

std::string publish_ack(std::string_view id, std::string_view re, std::int64_t journal_id, bool duplicate) {
  return envelope("ack", id, re, [&](Writer& w) {
    w.Key("journal_id");
    w.Int64(journal_id);
    w.Key("duplicate");
    w.Bool(duplicate);
  });
}

std::string announce_ack(std::string_view id, std::string_view re, std::size_t patients) {
  return envelope("ack", id, re, [&](Writer& w) {
    w.Key("patients");
    w.Uint64(patients);
  });
}

std::string ack(std::string_view id, std::string_view re) {
  return envelope("ack", id, re, [](Writer&) {});
}

std::string nack(std::string_view id, std::string_view re, std::string_view reason, std::string_view detail) {
  return envelope("nack", id, re, [&](Writer& w) {
    string_member(w, "reason", reason);
    if (!detail.empty()) string_member(w, "detail", detail);
  });
}

std::string pong(std::string_view id, std::string_view re) {
  return envelope("pong", id, re, [](Writer&) {});
}

std::string result_error(std::string_view id, std::string_view re, std::string_view error, std::string_view detail) {
  return envelope("result", id, re, [&](Writer& w) {
    string_member(w, "error", error);
    if (!detail.empty()) string_member(w, "detail", detail);
  });
}

std::string result(std::string_view id, std::string_view re, std::string_view format, std::string_view payload) {
  return envelope("result", id, re, [&](Writer& w) {
    string_member(w, "format", format);
    string_member(w, "payload", payload);
  });
}

std::string subscribe_ack(std::string_view id, std::string_view re, std::string_view subscription) {
  return envelope("ack", id, re, [&](Writer& w) { string_member(w, "subscription", subscription); });
}

std::string event(const EventMessage& event) {
  return envelope("event", event.id, "", [&](Writer& w) {
    string_member(w, "kind", event.kind);
    string_member(w, "format", event.format);
    string_member(w, "source", event.source);
    string_member(w, "occurred", event.occurred);
    w.Key("attempt");
    w.Int64(event.attempt);
    string_member(w, "payload", event.payload);
  });
}

std::string query(std::string_view id, const QueryRequest& request) {
  return envelope("query", id, "", [&](Writer& w) {
    w.Key("patient");
    w.StartArray();
    for (const auto& identity : request.patient) {
      w.StartObject();
      string_member(w, "system", identity.system);
      string_member(w, "value", identity.value);
      w.EndObject();
    }
    w.EndArray();
    if (!request.resource_types.empty()) {
      w.Key("resource_types");
      w.StartArray();
      for (const auto& type : request.resource_types) w.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
      w.EndArray();
    }
    if (!request.date_ge.empty() || !request.date_le.empty()) {
      w.Key("date");
      w.StartObject();
      if (!request.date_ge.empty()) string_member(w, "ge", request.date_ge);
      if (!request.date_le.empty()) string_member(w, "le", request.date_le);
      w.EndObject();
    }
    w.Key("deadline_ms");
    w.Int64(request.deadline.count());
  });
}

}  // namespace hie::peers::protocol
