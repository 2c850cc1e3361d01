#include "tools/hie-sim/peer_messages.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "broker/model/nhs_number.hpp"

namespace hie::sim {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void put(JsonWriter& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

/// Writes {"type":type,"id":id[,"re":re], <members>} and returns the text.
template <class Members>
std::string envelope(std::string_view type, std::string_view id, std::string_view re,
                     Members&& members) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  put(w, "type", type);
  put(w, "id", id);
  if (!re.empty() || type == "nack") put(w, "re", re);
  members(w);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

std::string hello_message(std::string_view id, std::string_view exchange, std::string_view format) {
  return envelope("hello", id, {}, [&](JsonWriter& w) {
    w.Key("protocol");
    w.Uint(1);
    put(w, "exchange", exchange);
    w.Key("formats");
    w.StartArray();
    w.String(format.data(), static_cast<rapidjson::SizeType>(format.size()));
    w.EndArray();
  });
}

std::string announce_message(std::string_view id, std::span<const Patient> patients) {
  return envelope("announce", id, {}, [&](JsonWriter& w) {
    w.Key("patients");
    w.StartArray();
    for (const auto& patient : patients) {
      w.StartObject();
      w.Key("identifiers");
      w.StartArray();
      for (const auto& identifier : patient.identifiers) {
        w.StartObject();
        put(w, "system", identifier.system);
        put(w, "value", identifier.value);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string publish_message(std::string_view id, std::string_view format,
                            std::string_view control_id, std::string_view payload) {
  return envelope("publish", id, {}, [&](JsonWriter& w) {
    put(w, "format", format);
    put(w, "control_id", control_id);
    put(w, "payload", payload);
  });
}

std::string subscribe_message(std::string_view id, std::span<const std::string> kinds,
                              std::span<const std::string> nhs_numbers) {
  return envelope("subscribe", id, {}, [&](JsonWriter& w) {
    w.Key("events");
    w.StartArray();
    for (const auto& kind : kinds)
      w.String(kind.data(), static_cast<rapidjson::SizeType>(kind.size()));
    w.EndArray();
    if (nhs_numbers.empty()) {
      put(w, "patients", "held");
      return;
    }
    w.Key("patients");
    w.StartArray();
    for (const auto& nhs : nhs_numbers) {
      w.StartObject();
      w.Key("identifiers");
      w.StartArray();
      w.StartObject();
      put(w, "system", model::NhsNumber::system);
      put(w, "value", nhs);
      w.EndObject();
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string pong_message(std::string_view id, std::string_view re) {
  return envelope("pong", id, re, [](JsonWriter&) {});
}

std::string ack_message(std::string_view id, std::string_view re) {
  return envelope("ack", id, re, [](JsonWriter&) {});
}

std::string nack_message(std::string_view id, std::string_view re, std::string_view reason,
                         std::string_view detail) {
  return envelope("nack", id, re, [&](JsonWriter& w) {
    put(w, "reason", reason);
    put(w, "detail", detail);
  });
}

std::string error_result(std::string_view id, std::string_view re, std::string_view error) {
  return envelope("result", id, re, [&](JsonWriter& w) { put(w, "error", error); });
}

std::string garbage_message(std::string_view re) {
  return "hie-sim garbage for query " + std::string(re) + ": this frame is not JSON {";
}

std::string oversized_result(std::string_view id, std::string_view re, std::size_t bytes) {
  const std::string filler(bytes, 'x');
  return envelope("result", id, re, [&](JsonWriter& w) {
    put(w, "format", "fhir");
    w.Key("payloads");
    w.StartArray();
    w.String(filler.data(), static_cast<rapidjson::SizeType>(filler.size()));
    w.EndArray();
  });
}

}  // namespace hie::sim
