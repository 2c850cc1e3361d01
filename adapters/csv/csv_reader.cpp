#include "adapters/csv/csv_reader.hpp"

namespace hie::adapters::csv {
namespace {

// After an unterminated quote the reader starts again on the line after the bad record's first
// line (a stray quote should not cost the rest of the file); each restart rescans to the end at
// worst, so their number is bounded.
constexpr int kMaxResyncs = 16;

class Tokenizer {
 public:
  Tokenizer(std::string_view text, const Dialect& dialect) : text_(text), dialect_(dialect) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  Records run() {
    Records out;
    int resyncs = 0;
    while (pos_ < text_.size()) {
      const std::size_t start = pos_;
      const std::size_t start_line = line_;
      if (at_line_end()) {  // an empty line holds no record
        skip_line_end();
        continue;
      }
      Record record;
      record.row = start_line;
      RecordError error{start_line, 0, {}};
      const Outcome outcome = read_record(record, error);
      if (outcome == Outcome::ok) {
        out.records.push_back(std::move(record));
      } else {
        out.errors.push_back(std::move(error));
        if (outcome == Outcome::unterminated) {
          if (++resyncs > kMaxResyncs) break;
          pos_ = start;
          line_ = start_line;
          skip_to_next_line();
        }
      }
    }
    return out;
  }

 private:
  enum class Outcome { ok, bad, unterminated };

  bool at_line_end() const { return text_[pos_] == '\n' || text_[pos_] == '\r'; }

  void skip_line_end() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  void skip_to_next_line() {
    while (pos_ < text_.size() && !at_line_end()) ++pos_;
    if (pos_ < text_.size()) skip_line_end();
  }

  /// Reads one record from pos_ up to and including its line end. On a bad field the rest of
  /// the record is still consumed, so the next record starts in the right place.
  Outcome read_record(Record& record, RecordError& error) {
    std::string field;
    bool bad = false;
    auto fail = [&](std::size_t column, std::string message) {
      if (!bad) error = {record.row, column, std::move(message)};
      bad = true;
    };
    for (;;) {
      const std::size_t column = record.fields.size() + 1;
      field.clear();
      if (dialect_.quote != '\0' && pos_ < text_.size() && text_[pos_] == dialect_.quote) {
        const std::size_t quote_line = line_;
        if (!read_quoted(field)) {
          error = {record.row, column,
                   "quoted field not closed before the end of the file (opened on line " +
                       std::to_string(quote_line) + ")"};
          return Outcome::unterminated;
        }
        // Blanks after the closing quote are tolerated; anything else is malformed.
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t') &&
               text_[pos_] != dialect_.delimiter)
          ++pos_;
        if (pos_ < text_.size() && text_[pos_] != dialect_.delimiter && !at_line_end()) {
          fail(column, "text after the closing quote of a quoted field");
          read_unquoted(field);
        }
      } else {
        read_unquoted(field);
      }
      if (field.size() > dialect_.max_field_bytes)
        fail(column, "field longer than " + std::to_string(dialect_.max_field_bytes) + " bytes");
      if (record.fields.size() < dialect_.max_fields)
        record.fields.push_back(field);
      else
        fail(column, "more than " + std::to_string(dialect_.max_fields) + " fields");
      if (pos_ >= text_.size()) break;
      if (text_[pos_] == dialect_.delimiter) {
        ++pos_;
        continue;
      }
      skip_line_end();
      break;
    }
    return bad ? Outcome::bad : Outcome::ok;
  }

  /// From an opening quote to its closing quote; false when the text ends first.
  bool read_quoted(std::string& field) {
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == dialect_.quote) {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == dialect_.quote) {
          field += c;
          pos_ += 2;
          continue;
        }
        ++pos_;
        return true;
      }
      if (c == '\n' || (c == '\r' && (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '\n')))
        ++line_;
      // Past the bound the bytes are not kept; the caller reports the field as too long.
      if (field.size() <= dialect_.max_field_bytes) field += c;
      ++pos_;
    }
    return false;
  }

  /// Up to the delimiter or the line end. A quote inside an unquoted field is kept as written
  /// (5'11" in a free-text column), as most readers do.
  void read_unquoted(std::string& field) {
    const std::size_t begin = pos_;
    while (pos_ < text_.size() && text_[pos_] != dialect_.delimiter && !at_line_end()) ++pos_;
    const std::size_t room =
        dialect_.max_field_bytes + 1 - std::min(field.size(), dialect_.max_field_bytes + 1);
    field.append(text_.substr(begin, std::min(pos_ - begin, room)));
  }

  std::string_view text_;
  const Dialect& dialect_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

Records read_records(std::string_view text, const Dialect& dialect) {
  return Tokenizer(text, dialect).run();
}

std::string location(std::size_t row, std::size_t column) {
  std::string out = "row " + std::to_string(row);
  if (column != 0) out += ", column " + std::to_string(column);
  return out;
}

}  // namespace hie::adapters::csv
