#include "broker/model/event_kind.hpp"

#include <array>
#include <utility>

namespace hie::model {
namespace {

constexpr std::array<std::pair<EventKind, std::string_view>, 7> kWords{{
    {EventKind::admission, "admission"},
    {EventKind::discharge, "discharge"},
    {EventKind::transfer, "transfer"},
    {EventKind::demographics_update, "demographics-update"},
    {EventKind::merge, "merge"},
    {EventKind::new_result, "new-result"},
    {EventKind::new_document, "new-document"},
}};

constexpr std::array<EventKind, kWords.size()> kKinds = [] {
  std::array<EventKind, kWords.size()> out{};
  for (std::size_t i = 0; i < kWords.size(); ++i) out[i] = kWords[i].first;
  return out;
}();

}  // namespace

std::string_view to_string(EventKind kind) {
  for (const auto& [k, word] : kWords)
    if (k == kind) return word;
  return "unknown";  // only for a value cast from outside the enum
}

std::optional<EventKind> parse_event_kind(std::string_view word) {
  for (const auto& [k, w] : kWords)
    if (w == word) return k;
  return std::nullopt;
}

std::span<const EventKind> all_event_kinds() { return kKinds; }

}  // namespace hie::model
