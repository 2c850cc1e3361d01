#pragma once
// One row's cells turned into model values: dates, identifiers (NHS numbers checked), telecoms,
// numbers with their exact text, reference ranges. Row errors and notes are collected with the
// row and column they concern; messages name columns and formats, never the cell's value.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/csv/mapping.hpp"
#include "broker/model/observation.hpp"

namespace hie::adapters::csv {

/// A field's value for this row: the cell (trimmed, `values` applied) or the constant.
struct Cell {
  std::string value;       ///< empty: absent
  std::size_t column = 0;  ///< 1-based; 0 for a constant
};

class RowContext {
 public:
  RowContext(const Context& context, const Mapping& mapping, std::size_t row)
      : context_(context), mapping_(mapping), row_(row) {}

  const Context& context() const { return context_; }
  const Mapping& mapping() const { return mapping_; }
  std::size_t row() const { return row_; }

  /// The row cannot be translated; it is skipped (every error of it is still reported).
  void error(std::size_t column, std::string code, std::string message);
  /// A warning or note that does not stop the row.
  void note(model::Severity severity, std::size_t column, std::string code, std::string message);
  bool failed() const { return failed_; }

  /// An issue and the column it concerns (0: the row), so that the same note on every row of
  /// a column can be reported once.
  struct RowIssue {
    model::Issue issue;
    std::size_t column = 0;
  };
  std::vector<RowIssue>& issues() { return issues_; }

 private:
  const Context& context_;
  const Mapping& mapping_;
  std::size_t row_;
  bool failed_ = false;
  std::vector<RowIssue> issues_;
};

/// A FHIR date; a datetime format's time is dropped with a note. nullopt (and an error) when
/// no format reads the cell.
std::optional<std::string> to_date(RowContext& row, const FieldMapping& field, const Cell& cell);
/// A FHIR dateTime; a time without an offset takes the Context's default offset, or is cut to
/// the date with a warning (as the HL7 v2 adapter does).
std::optional<std::string> to_date_time(RowContext& row, const FieldMapping& field,
                                        const Cell& cell);
/// A FHIR instant: seconds and an offset are needed.
std::optional<std::string> to_instant(RowContext& row, const FieldMapping& field, const Cell& cell);

/// An identifier in the field's system (or the system configured for its authority). An NHS
/// number that fails Modulus 11 is a row error: rows are keyed by it, and a result filed under
/// a mistyped number would reach the wrong record.
std::optional<model::Identifier> to_identifier(RowContext& row, const FieldMapping& field,
                                               const Cell& cell);
/// A display-less Organization reference identified by the cell (a GP practice code).
model::Reference to_organization(RowContext& row, const FieldMapping& field, const Cell& cell);
model::ContactPoint to_telecom(const FieldMapping& field, const Cell& cell);

/// The cell as an exact decimal ("4.10" stays "4.10"); a leading comparator (<, <=, >=, >)
/// goes to Quantity.comparator. nullopt when it is not a number.
std::optional<model::Quantity> to_number(std::string_view text, char decimal_separator);
/// "3.5-5.3", "3.5 - 5.3", "4.3 to 6.2", "<5", ">=60" as low/high in the value's unit; an
/// open bound keeps its text (whether it is inclusive); anything else is text only.
model::ObservationReferenceRange to_reference_range(std::string_view text,
                                                    const model::Quantity& unit,
                                                    char decimal_separator);

}  // namespace hie::adapters::csv
