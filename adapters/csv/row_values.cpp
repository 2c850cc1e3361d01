#include "adapters/csv/row_values.hpp"

#include <cctype>

#include "adapters/csv/csv_reader.hpp"
#include "adapters/identifier_systems.hpp"
#include "broker/model/nhs_number.hpp"

namespace hie::adapters::csv {
namespace {

using model::Severity;

const std::vector<DateFormat>& formats_for(const FieldMapping& field,
                                           const std::vector<DateFormat>& fallback) {
  return field.formats.empty() ? fallback : field.formats;
}

std::string pattern_list(const std::vector<DateFormat>& formats) {
  std::string out;
  for (const auto& f : formats) out += (out.empty() ? "" : ", ") + f.pattern();
  return out;
}

/// A date or date-and-time, by the field's formats or else the mapping's: for a date-kind target
/// the date formats first, for the others the datetime formats first.
std::optional<ReadDate> read_cell_date(RowContext& row, const FieldMapping& field, const Cell& cell,
                                       bool date_first) {
  const Mapping& m = row.mapping();
  const auto& first = formats_for(field, date_first ? m.date_formats : m.datetime_formats);
  if (auto d = read_date(cell.value, first)) return d;
  if (field.formats.empty())
    if (auto d = read_date(cell.value, date_first ? m.datetime_formats : m.date_formats)) return d;
  std::string formats = pattern_list(first);
  if (field.formats.empty())
    formats += ", " + pattern_list(date_first ? m.datetime_formats : m.date_formats);
  row.error(cell.column, "value",
            field.key + ": not a valid date in any of the formats " + formats);
  return std::nullopt;
}

/// The system for an identifier or organization field: its own, its authority's configured one,
/// else a local URN of the exchange (as the HL7 v2 adapter makes them).
std::string system_for(RowContext& row, const FieldMapping& field, std::string_view local_kind) {
  if (!field.system.empty()) return field.system;
  const std::string exchange = urn_safe(row.context().exchange_id);
  if (!field.authority.empty()) {
    if (auto s = identifier_system_for(row.context(), field.authority)) return std::string(*s);
    return "urn:hiebroker:" + exchange + ":id:" + urn_safe(field.authority);
  }
  return "urn:hiebroker:" + exchange + ":" + std::string(local_kind);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void RowContext::error(std::size_t column, std::string code, std::string message) {
  failed_ = true;
  issues_.push_back(
      {{Severity::error, std::move(code), location(row_, column), std::move(message)}, column});
}

void RowContext::note(model::Severity severity, std::size_t column, std::string code,
                      std::string message) {
  issues_.push_back(
      {{severity, std::move(code), location(row_, column), std::move(message)}, column});
}

std::optional<std::string> to_date(RowContext& row, const FieldMapping& field, const Cell& cell) {
  auto d = read_cell_date(row, field, cell, true);
  if (!d) return std::nullopt;
  if (!d->time.empty())
    row.note(Severity::information, cell.column, "value",
             field.key + ": time of day dropped: the element is a date");
  return d->date;
}

std::optional<std::string> to_date_time(RowContext& row, const FieldMapping& field,
                                        const Cell& cell) {
  auto d = read_cell_date(row, field, cell, false);
  if (!d) return std::nullopt;
  if (d->time.empty()) return d->date;
  std::string offset = d->offset;
  if (offset.empty()) offset = row.context().default_utc_offset;
  if (offset.empty()) {
    row.note(
        Severity::warning, cell.column, "value",
        field.key + ": time without a UTC offset and no default offset configured: kept as a date");
    return d->date;
  }
  return d->date + "T" + d->time + offset;
}

std::optional<std::string> to_instant(RowContext& row, const FieldMapping& field,
                                      const Cell& cell) {
  auto d = read_cell_date(row, field, cell, false);
  if (!d) return std::nullopt;
  std::string offset = d->offset.empty() ? row.context().default_utc_offset : d->offset;
  if (d->date.size() != 10 || d->time.empty() || offset.empty()) {
    row.error(
        cell.column, "value",
        field.key + ": an instant needs a date, a time and a UTC offset (or a default offset)");
    return std::nullopt;
  }
  return d->date + "T" + d->time + offset;
}

std::optional<model::Identifier> to_identifier(RowContext& row, const FieldMapping& field,
                                               const Cell& cell) {
  model::Identifier id;
  id.system = system_for(row, field, "id:local");
  id.value = cell.value;
  id.use = field.use;
  if (id.system == model::NhsNumber::system) {
    auto nhs = model::NhsNumber::parse(cell.value);
    if (!nhs) {
      row.error(cell.column, "value",
                field.key + ": not a valid NHS number (ten digits, Modulus 11 check digit)");
      return std::nullopt;
    }
    id.value = nhs->value();
  }
  return id;
}

model::Reference to_organization(RowContext& row, const FieldMapping& field, const Cell& cell) {
  model::Reference r;
  r.type = "Organization";
  model::Identifier id;
  id.system = system_for(row, field, "organization");
  id.value = cell.value;
  r.identifier = id;
  return r;
}

model::ContactPoint to_telecom(const FieldMapping& field, const Cell& cell) {
  model::ContactPoint cp;
  cp.system = field.system;
  cp.use = field.use;
  cp.value = cell.value;
  return cp;
}

std::optional<model::Quantity> to_number(std::string_view text, char decimal_separator) {
  text = trim(text);
  model::Quantity q;
  for (std::string_view c : {"<=", ">=", "<", ">"})
    if (text.starts_with(c)) {
      q.comparator = std::string(c);
      text = trim(text.substr(c.size()));
      break;
    }
  std::string number(text);
  if (decimal_separator != '.') {
    if (number.find('.') != std::string::npos) return std::nullopt;  // 1.234,5: not ours to guess
    for (char& c : number)
      if (c == decimal_separator) c = '.';
  }
  if (number.starts_with('+')) number.erase(0, 1);
  if (number.starts_with('.') || number.starts_with("-.")) number.insert(number.find('.'), "0");
  auto d = model::Decimal::parse(number);
  if (!d) return std::nullopt;
  q.value = *d;
  return q;
}

model::ObservationReferenceRange to_reference_range(std::string_view text,
                                                    const model::Quantity& unit,
                                                    char decimal_separator) {
  model::ObservationReferenceRange rr;
  const std::string_view t = trim(text);
  auto bound = [&](std::string_view part) -> std::optional<model::Quantity> {
    auto q = to_number(part, decimal_separator);
    if (!q || !q->comparator.empty()) return std::nullopt;
    q->unit = unit.unit, q->system = unit.system, q->code = unit.code;
    return q;
  };
  std::size_t sep = t.find(" to ");
  std::size_t sep_length = 4;
  if (sep == std::string_view::npos) {
    sep = t.find('-', 1);  // after a leading minus sign
    sep_length = 1;
  }
  if (!t.empty() && (t.front() == '<' || t.front() == '>')) {
    const std::size_t skip = t.size() > 1 && t[1] == '=' ? 2 : 1;
    if (auto b = bound(t.substr(skip))) {
      (t.front() == '<' ? rr.high : rr.low) = b;
      rr.text = std::string(t);  // keeps whether the bound is inclusive
      return rr;
    }
  } else if (sep != std::string_view::npos) {
    auto low = bound(t.substr(0, sep));
    auto high = bound(t.substr(sep + sep_length));
    if (low && high) {
      rr.low = low;
      rr.high = high;
      return rr;
    }
  }
  rr.text = std::string(t);
  return rr;
}

}  // namespace hie::adapters::csv
