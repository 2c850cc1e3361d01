#include "adapters/hl7v2/mapping_context.hpp"

#include <algorithm>
#include <charconv>

#include "adapters/hl7v2/text.hpp"
#include "adapters/stable_id.hpp"

namespace hie::adapters::hl7v2 {
namespace {

/// Calls `f` with each piece of `value` split at `separator`, in order (nothing for "").
template <class F>
void for_each_piece(std::string_view value, char separator, F&& f) {
  if (value.empty()) return;
  const char* p = value.data();
  const char* const end = p + value.size();
  while (true) {
    const char* const begin = p;
    while (p != end && *p != separator) ++p;
    f(std::string_view(begin, static_cast<std::size_t>(p - begin)));
    if (p == end) return;
    ++p;
  }
}

}  // namespace

MappingContext::MappingContext(const Message& message, const Context& context, Translation& out)
    : message_(message), context_(context), out_(out), whole_segment_used_(message.segments().size(), false) {
  // Occurrence of each segment among those with its id (OBX[3]); 0 when its id is unique.
  // A message has a handful of distinct ids, so linear scans beat a map.
  const auto& segments = message.segments();
  struct IdCount {
    std::string_view id;
    std::size_t count = 0, seen = 0;
  };
  std::vector<IdCount> ids;
  std::vector<std::uint32_t> id_of(segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    auto it = std::find_if(ids.begin(), ids.end(), [&](const IdCount& c) { return c.id == segments[i].id(); });
    if (it == ids.end()) it = ids.insert(ids.end(), {segments[i].id()});
    ++it->count;
    id_of[i] = static_cast<std::uint32_t>(it - ids.begin());
  }
  occurrence_.resize(segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    IdCount& c = ids[id_of[i]];
    occurrence_[i] = c.count > 1 ? ++c.seen : 0;
  }
  used_.reserve(64);
}

void MappingContext::mark(const Segment& segment, std::size_t field, std::size_t rep, std::size_t comp) {
  used_.push_back({static_cast<std::uint32_t>(segment.number()), static_cast<std::uint32_t>(field),
                   static_cast<std::uint32_t>(rep), static_cast<std::uint32_t>(comp)});
}

std::string_view MappingContext::raw(const Segment& segment, const Address& address) {
  mark(segment, address.field, address.repetition, address.component);
  return raw_value(segment, delimiters(), address);
}

std::string MappingContext::text(const Segment& segment, const Address& address) {
  std::string_view value = raw(segment, address);
  if (value.empty() || is_explicit_null(value)) return {};
  std::vector<TextNote> notes;
  std::string decoded = decode_text(value, delimiters(), message_.charset(), &notes);
  for (auto& n : notes) issue(model::Severity::warning, "value", location(segment, address), n.message);
  return decoded;
}

std::size_t MappingContext::repetitions(const Segment& segment, std::size_t field) const {
  return piece_count(segment.field(field), delimiters().repetition);
}

void MappingContext::use_field(const Segment& segment, std::size_t field) { mark(segment, field, 0, 0); }

void MappingContext::use_segment(const Segment& segment) { whole_segment_used_[segment.number() - 1] = true; }

std::string MappingContext::location(const Segment& segment, const Address& address) const {
  std::string out(segment.id());
  out.reserve(24);
  auto number = [&out](std::size_t n) {
    char digits[20];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out.append(digits, end);
  };
  if (const std::size_t occurrence = occurrence_[segment.number() - 1]) {
    out += '[';
    number(occurrence);
    out += ']';
  }
  if (address.field == 0) return out;
  out += '-';
  number(address.field);
  if (address.repetition > 1) {
    out += '[';
    number(address.repetition);
    out += ']';
  }
  for (std::size_t part : {address.component, address.subcomponent}) {
    if (part == 0) continue;
    out += '.';
    number(part);
  }
  return out;
}

void MappingContext::issue(model::Severity severity, std::string code, std::string location, std::string message) {
  out_.issues.push_back({severity, std::move(code), to_valid_utf8(location), to_valid_utf8(message)});
}

std::string MappingContext::stable_id(std::string_view resource_type, const Segment& segment, std::size_t index) const {
  std::string key = context_.exchange_id;
  key += '\x1f';
  key += message_.control_id();
  key += '\x1f';
  key += resource_type;
  key += '\x1f';
  key += std::to_string(segment.number());
  key += '\x1f';
  key += std::to_string(index);
  return stable_hash_id(key);
}

model::Meta MappingContext::meta() const {
  model::Meta m;
  m.source = context_.exchange_id;
  return m;
}

bool MappingContext::is_used(std::span<const Use> uses, std::size_t field, std::size_t rep, std::size_t comp) {
  for (const Use& u : uses)
    if (u.field == field && (u.rep == 0 || (u.rep == rep && (u.comp == 0 || u.comp == comp)))) return true;
  return false;
}

void MappingContext::report_unused() {
  const auto& d = delimiters();
  std::sort(used_.begin(), used_.end(), [](const Use& a, const Use& b) { return a.segment < b.segment; });
  auto next_use = used_.begin();
  for (const auto& segment : message_.segments()) {
    const std::size_t n = segment.number();
    const auto first_use = next_use;
    while (next_use != used_.end() && next_use->segment == n) ++next_use;
    const std::span<const Use> uses(first_use, next_use);
    const Address whole{segment.id(), 0};
    if (whole_segment_used_[n - 1]) continue;
    if (uses.empty()) {
      bool has_content = false;
      for (std::size_t f = 1; f <= segment.field_count() && !has_content; ++f) has_content = !segment.field(f).empty();
      if (!has_content) continue;
      const bool local = segment.id().front() == 'Z';
      issue(model::Severity::warning, "not-supported", location(segment, whole),
            local ? "locally defined segment " + std::string(segment.id()) + " kept in the journal, not mapped"
                  : "segment " + std::string(segment.id()) + " is not mapped");
      continue;
    }
    for (std::size_t f = 1; f <= segment.field_count(); ++f) {
      std::string_view field = segment.field(f);
      if (field.empty()) continue;
      // Walk repetitions and components once each, left to right (piece(n) would rescan).
      std::size_t r = 0;
      for_each_piece(field, d.repetition, [&](std::string_view rep) {
        ++r;
        const bool several = rep.find(d.component) != std::string_view::npos;
        std::size_t c = 0;
        for_each_piece(rep, d.component, [&](std::string_view component) {
          ++c;
          if (component.empty() || is_used(uses, f, r, c)) return;
          Address a{segment.id(), f, r, several ? c : 0};
          issue(model::Severity::warning, "not-supported", location(segment, a), "not mapped");
        });
      });
    }
  }
}

}  // namespace hie::adapters::hl7v2
