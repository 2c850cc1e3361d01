#pragma once
// The peer-protocol messages hie-sim sends (docs/peer-protocol.md), as JSON text. Pure.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/hie-sim/dataset.hpp"

namespace hie::sim {

/// {"type":"hello","id":id,"protocol":1,"exchange":exchange,"formats":[format]}
std::string hello_message(std::string_view id, std::string_view exchange, std::string_view format);

/// {"type":"announce","id":id,"patients":[{"identifiers":[...]},...]}
std::string announce_message(std::string_view id, std::span<const Patient> patients);

/// {"type":"publish","id":id,"format":format,"control_id":control_id,"payload":payload}
std::string publish_message(std::string_view id, std::string_view format,
                            std::string_view control_id, std::string_view payload);

/// {"type":"subscribe","id":id,"events":[kinds...],"patients":"held"}, or with "patients":
/// [{"identifiers":[{"system":NHS system,"value":nhs}]},...] when `nhs_numbers` is not empty.
std::string subscribe_message(std::string_view id, std::span<const std::string> kinds,
                              std::span<const std::string> nhs_numbers);

/// {"type":"pong","id":id,"re":re}
std::string pong_message(std::string_view id, std::string_view re);

/// {"type":"ack","id":id,"re":re}
std::string ack_message(std::string_view id, std::string_view re);

/// {"type":"nack","id":id,"re":re,"reason":reason,"detail":detail}
std::string nack_message(std::string_view id, std::string_view re, std::string_view reason,
                         std::string_view detail);

/// {"type":"result","id":id,"re":re,"error":error}
std::string error_result(std::string_view id, std::string_view re, std::string_view error);

/// A text frame that is not JSON, sent instead of a result by --garbage-rate; names the query
/// only by its id.
std::string garbage_message(std::string_view re);

/// A well-formed FHIR result whose one payload is filler, `bytes` long or a little more, sent
/// instead of the real answer by --answer-bytes (the broker must refuse it without holding it).
std::string oversized_result(std::string_view id, std::string_view re, std::size_t bytes);

}  // namespace hie::sim
