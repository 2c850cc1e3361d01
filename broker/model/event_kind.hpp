#pragma once
// What happened to a patient, as the broker tells subscribed exchanges (docs/events.md). The wire
// words are fixed: they name event kinds in configuration, the peer protocol and the store.

#include <optional>
#include <span>
#include <string_view>

namespace hie::model {

enum class EventKind {
  admission,
  discharge,
  transfer,
  demographics_update,
  merge,
  new_result,
  new_document,
};

/// The wire word: "admission", "discharge", "transfer", "demographics-update", "merge",
/// "new-result", "new-document".
std::string_view to_string(EventKind kind);

/// The kind a wire word names (exact, case-sensitive); nullopt for anything else.
std::optional<EventKind> parse_event_kind(std::string_view word);

/// Every kind, in declaration order.
std::span<const EventKind> all_event_kinds();

}  // namespace hie::model
