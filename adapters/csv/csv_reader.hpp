#pragma once
// An RFC 4180 tokenizer with the dialect knobs real exports need: the delimiter (`,` `;` tab `|`),
// the quote character (or none), doubled quotes, CR/LF/CRLF inside quoted fields, any line end,
// a leading UTF-8 byte order mark. Errors name the record's row (its first physical line,
// 1-based) and column (the field's position, 1-based); a bad record is reported and skipped,
// the records around it are still read.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hie::adapters::csv {

struct Dialect {
  char delimiter = ',';
  char quote = '"';  ///< '\0': no quoting
  /// Bounds, so hostile input cannot make one record grow without limit.
  std::size_t max_fields = 1024;
  std::size_t max_field_bytes = 64 * 1024;
};

/// One record: its fields, unquoted, and the physical line it starts on.
struct Record {
  std::size_t row = 0;
  std::vector<std::string> fields;
};

/// A record that could not be read. `column` 0: the record as a whole.
struct RecordError {
  std::size_t row = 0;
  std::size_t column = 0;
  std::string message;
};

struct Records {
  std::vector<Record> records;  ///< in file order; empty lines are skipped
  std::vector<RecordError> errors;
};

/// Splits `text` into records. A leading UTF-8 BOM is skipped. Never fails as a whole: a record
/// with an unterminated quote, text after a closing quote, too many fields or a field that is
/// too long is an error and is skipped.
Records read_records(std::string_view text, const Dialect& dialect);

/// "row R, column C" (or "row R" for column 0): how every CSV issue is located.
std::string location(std::size_t row, std::size_t column);

}  // namespace hie::adapters::csv
