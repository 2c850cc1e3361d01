#include "adapters/csv/file_translation.hpp"

#include <algorithm>

#include "adapters/csv/resource_builders.hpp"
#include "adapters/csv/text_encoding.hpp"
#include "adapters/stable_id.hpp"
#include "broker/model/formats.hpp"

namespace hie::adapters::csv {
namespace {

using model::Severity;
constexpr std::size_t npos = static_cast<std::size_t>(-1);
constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Text the model can hold: UTF-8 without control characters other than tab, CR and LF.
bool is_holdable_text(std::string_view s) {
  if (!model::is_utf8(s)) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t' && c != '\r' && c != '\n') || u == 0x7F;
  });
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Result<Translation> FileTranslation::run(std::string_view bytes) {
  std::string text;
  if (bytes.starts_with(kBom)) {
    // A byte order mark says UTF-8, whatever the mapping expected.
    text = std::string(bytes);
    if (mapping_.encoding != Encoding::utf8)
      add({Severity::information, "value", "row 1",
           "the file starts with a UTF-8 byte order mark: read as UTF-8, not as the mapping's "
           "encoding"});
  } else {
    text = to_utf8(bytes, mapping_.encoding);
  }
  if (text.find('\0') != std::string::npos)
    return make_error(Errc::parse_error, "not CSV text: the input holds NUL bytes");
  const Records records = read_records(text, {mapping_.delimiter, mapping_.quote});

  std::size_t first_data = 0;
  if (mapping_.header) {
    if (records.records.empty()) {
      if (!records.errors.empty())
        return make_error(Errc::parse_error, records.errors.front().message,
                          location(records.errors.front().row, records.errors.front().column));
      return make_error(Errc::parse_error, "empty file: no header row");
    }
    const Record& header = records.records.front();
    if (!records.errors.empty() && records.errors.front().row < header.row)
      return make_error(Errc::parse_error,
                        "the header row cannot be read: " + records.errors.front().message,
                        location(records.errors.front().row, records.errors.front().column));
    if (auto s = choose_layout(header); !s) return s.error();
    first_data = 1;
  } else {
    layout_ = &mapping_.layouts.front();
    header_ = layout_->columns;
  }
  if (auto s = resolve_columns(); !s) return s.error();
  report_unused_columns();

  std::size_t rows = 0, translated = 0;
  std::optional<model::Issue> first_error;
  auto next_error = records.errors.begin();
  auto flush_errors_before = [&](std::size_t row) {
    for (; next_error != records.errors.end() && next_error->row < row; ++next_error) {
      ++rows;
      model::Issue issue{Severity::error, "structure",
                         location(next_error->row, next_error->column),
                         next_error->message + ": row skipped"};
      if (!first_error) first_error = issue;
      add(std::move(issue));
    }
  };
  for (std::size_t i = first_data; i < records.records.size(); ++i) {
    const Record& record = records.records[i];
    flush_errors_before(record.row);
    ++rows;
    const std::size_t before = out_.issues.size();
    if (translate_row(record)) {
      ++translated;
    } else if (!first_error) {
      for (std::size_t k = before; k < out_.issues.size(); ++k)
        if (out_.issues[k].severity == Severity::error) {
          first_error = out_.issues[k];
          break;
        }
    }
  }
  flush_errors_before(npos);

  if (rows > 0 && translated == 0)
    return make_error(Errc::parse_error,
                      "no row could be translated (" + std::to_string(rows) + " rows; the first: " +
                          (first_error ? first_error->message : std::string("?")) + ")",
                      first_error ? first_error->location : std::string());
  if (rows == 0)
    add({Severity::information, "informational", "row 2", "the file has a header but no rows"});
  for (const auto& [key, note] : repeated_notes_)
    if (note.second > 1 && note.first < out_.issues.size())
      out_.issues[note.first].message +=
          " (and in " + std::to_string(note.second - 1) + " further rows)";
  if (dropped_issues_ > 0)
    out_.issues.push_back({Severity::warning, "too-costly", "",
                           std::to_string(dropped_issues_) + " further issues not listed"});
  return std::move(out_);
}

Status FileTranslation::choose_layout(const Record& header) {
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    const std::string_view name = trim(header.fields[c]);
    if (!is_holdable_text(name))
      return make_error(Errc::parse_error,
                        "header column name is not text in the mapping's encoding",
                        location(header.row, c + 1));
    header_.emplace_back(name);
  }
  for (const auto& layout : mapping_.layouts) {
    const bool match = std::all_of(
        layout.match_header.begin(), layout.match_header.end(), [&](const std::string& column) {
          return std::find(header_.begin(), header_.end(), column) != header_.end();
        });
    if (match) {
      layout_ = &layout;
      return {};
    }
  }
  std::string expected;
  for (const auto& layout : mapping_.layouts)
    expected += (expected.empty() ? "" : "; ") + layout.name + " (columns " +
                join(layout.match_header) + ")";
  return make_error(Errc::parse_error,
                    "the header matches no layout of " + mapping_.origin + ": expected " + expected,
                    location(header.row, 0));
}

Status FileTranslation::resolve_columns() {
  auto index_of = [&](const std::string& column,
                      const std::string& used_by) -> Result<std::size_t> {
    auto it = std::find(header_.begin(), header_.end(), column);
    if (it == header_.end())
      return make_error(Errc::parse_error,
                        "column \"" + column + "\" (" + used_by + " in layout " + layout_->name +
                            " of " + mapping_.origin + ") is not in the header",
                        "row 1");
    return static_cast<std::size_t>(it - header_.begin());
  };
  for (const auto& resource : layout_->resources) {
    auto& fields = columns_.fields.emplace_back();
    auto& keys = columns_.keys.emplace_back();
    for (const auto& f : resource.fields) {
      if (f.column.empty()) {
        fields.push_back(npos);
        continue;
      }
      auto i = index_of(f.column, resource.type + " " + f.key);
      if (!i) return i.error();
      fields.push_back(*i);
    }
    for (const auto& k : resource.key) {
      auto i = index_of(k, resource.type + " key");
      if (!i) return i.error();
      keys.push_back(*i);
    }
  }
  return {};
}

void FileTranslation::report_unused_columns() {
  std::vector<bool> used(header_.size(), false);
  for (const auto& list : {&columns_.fields, &columns_.keys})
    for (const auto& resource : *list)
      for (std::size_t i : resource)
        if (i != npos) used[i] = true;
  for (std::size_t c = 0; c < header_.size(); ++c)
    if (!used[c])
      add({Severity::warning, "not-supported",
           "column " + std::to_string(c + 1) + " (" + header_[c] + ")",
           "not mapped by layout " + layout_->name + ": its values are not translated"});
}

std::vector<Cell> FileTranslation::cells_of(RowContext& row, const Record& record,
                                            std::size_t resource) {
  const ResourceMapping& mapping = layout_->resources[resource];
  std::vector<Cell> cells;
  for (std::size_t i = 0; i < mapping.fields.size(); ++i) {
    const FieldMapping& f = mapping.fields[i];
    const std::size_t column = columns_.fields[resource][i];
    Cell cell;
    if (column == npos) {
      cell.value = *f.constant;
    } else {
      cell.column = column + 1;
      const std::string_view raw = trim(record.fields[column]);
      if (!is_holdable_text(raw)) {
        row.error(
            cell.column, "value",
            f.key + ": not text in the mapping's encoding (invalid bytes or control characters)");
      } else {
        cell.value = std::string(raw);
        for (const auto& [from, to] : f.values)
          if (from == cell.value) {
            cell.value = to;
            break;
          }
      }
    }
    if (cell.value.empty() && f.required)
      row.error(cell.column, "required", f.key + ": empty, and the mapping requires a value");
    if (!cell.value.empty() && f.target->kind == Kind::code &&
        std::find(f.target->codes.begin(), f.target->codes.end(), cell.value) ==
            f.target->codes.end())
      row.error(cell.column, "code-invalid",
                f.key + ": not a code of " + std::string(f.target->name) +
                    " (give the column's codes a \"values\" table in the mapping)");
    cells.push_back(std::move(cell));
  }
  return cells;
}

std::string FileTranslation::key_of(std::size_t resource, const Record& record) const {
  std::string key;
  for (std::size_t i : columns_.keys[resource]) {
    key += trim(record.fields[i]);
    key += '\x1f';
  }
  return key;
}

std::string FileTranslation::stable_id(std::size_t resource, const Record& record,
                                       const std::string& key) {
  std::string text = context_.exchange_id + '\x1f' + layout_->name + '\x1f' +
                     layout_->resources[resource].type + '\x1f';
  if (!columns_.keys[resource].empty()) {
    text += key;
  } else {
    // No key: the row's content, and how often the same content came before.
    std::string content;
    for (const auto& f : record.fields) content += f + '\x1f';
    text += content + std::to_string(repeats_[content + std::to_string(resource)]++);
  }
  return stable_hash_id(text);
}

bool FileTranslation::translate_row(const Record& record) {
  RowContext row(context_, mapping_, record.row);
  if (record.fields.size() != header_.size()) {
    const std::size_t column = std::min(record.fields.size(), header_.size()) + 1;
    row.error(column, "structure",
              "the row has " + std::to_string(record.fields.size()) + " fields, the header " +
                  std::to_string(header_.size()) + ": row skipped");
    add(std::move(row.issues()));
    return false;
  }
  const auto& specs = layout_->resources;
  std::vector<std::string> keys(specs.size());
  for (std::size_t r = 0; r < specs.size(); ++r) {
    keys[r] = key_of(r, record);
    if (!specs[r].key.empty() && keys[r].find_first_not_of('\x1f') == std::string::npos)
      row.error(columns_.keys[r].front() + 1, "required",
                specs[r].type + " key (" + join(specs[r].key) + "): every key column is empty");
  }
  // The Patient first: the others name it as their subject.
  std::vector<std::optional<model::Resource>> built(specs.size());
  model::Reference subject;
  std::vector<std::string> ids(specs.size());
  for (std::size_t r = 0; r < specs.size(); ++r) {
    if (specs[r].type != "Patient") continue;
    auto cells = cells_of(row, record, r);
    auto patient = build_patient(row, specs[r], cells);
    ids[r] = stable_id(r, record, keys[r]);
    patient.id = ids[r];
    subject.reference = "Patient/" + ids[r];
    built[r] = std::move(patient);
  }
  for (std::size_t r = 0; r < specs.size(); ++r) {
    if (specs[r].type == "Patient") continue;
    auto cells = cells_of(row, record, r);
    ids[r] = stable_id(r, record, keys[r]);
    if (specs[r].type == "Observation") {
      auto o = build_observation(row, specs[r], cells, subject);
      o.id = ids[r];
      built[r] = std::move(o);
    } else {
      auto c = build_condition(row, specs[r], cells, subject);
      c.id = ids[r];
      built[r] = std::move(c);
    }
  }
  if (row.failed()) {
    add(std::move(row.issues()));
    return false;
  }
  for (std::size_t r = 0; r < specs.size(); ++r) {
    model::Resource& resource = *built[r];
    std::visit(
        [&](auto& x) {
          if constexpr (requires { x.meta; }) {
            model::Meta meta;
            meta.source = context_.exchange_id;
            x.meta = meta;
          }
        },
        resource);
    auto [it, fresh] = seen_.try_emplace(ids[r], Seen{out_.resources.size(), record.row});
    if (fresh) {
      out_.resources.push_back(std::move(resource));
    } else if (out_.resources[it->second.resource] != resource) {
      row.note(Severity::warning, 0, "duplicate",
               specs[r].type + " has the key (" + join(specs[r].key) + ") of row " +
                   std::to_string(it->second.row) + " but other values: row " +
                   std::to_string(it->second.row) + "'s kept");
    }
  }
  add(std::move(row.issues()));
  return true;
}

void FileTranslation::add(std::vector<RowContext::RowIssue>&& issues) {
  for (auto& [issue, column] : issues) {
    if (issue.severity != Severity::error && column != 0) {
      // The same note on another row of the same column: counted, not repeated.
      const std::string key = issue.code + '\x1f' + std::to_string(column) + '\x1f' + issue.message;
      auto [it, fresh] = repeated_notes_.try_emplace(key, out_.issues.size(), 0);
      ++it->second.second;
      if (!fresh) continue;
    }
    add(std::move(issue));
  }
}

void FileTranslation::add(model::Issue issue) {
  if (out_.issues.size() >= model::max_issues_per_document) {
    ++dropped_issues_;
    return;
  }
  out_.issues.push_back(std::move(issue));
}

}  // namespace hie::adapters::csv
