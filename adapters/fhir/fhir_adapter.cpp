#include "adapters/fhir/fhir_adapter.hpp"

#include <optional>

#include "adapters/fhir/document_reader.hpp"
#include "adapters/fhir/ndjson.hpp"
#include "adapters/fhir/resource_ids.hpp"
#include "adapters/sniff.hpp"

namespace hie::adapters::fhir {
namespace {

/// Issues of one input, across NDJSON lines: the model bounds each document, this bounds the sum
/// as the lines are read, so that a long NDJSON input cannot grow the list without bound.
class IssueBound {
 public:
  static constexpr std::size_t max_issues_per_input = 10 * model::max_issues_per_document;

  void trim(model::Issues& issues) {
    if (issues.size() <= max_issues_per_input) return;
    for (std::size_t i = max_issues_per_input; i < issues.size(); ++i) {
      errors_ = errors_ || issues[i].severity == model::Severity::error ||
                issues[i].severity == model::Severity::fatal;
    }
    unlisted_ += issues.size() - max_issues_per_input;
    issues.resize(max_issues_per_input);
  }
  void finish(model::Issues& issues) {
    trim(issues);
    if (unlisted_ == 0) return;
    issues.push_back({errors_ ? model::Severity::error : model::Severity::warning, "too-costly", "",
                      std::to_string(unlisted_) + " further issues not listed"});
  }

 private:
  std::size_t unlisted_ = 0;
  bool errors_ = false;
};

/// The reason `translate` prints is one line, but the JSON pointer of a fault names member names
/// as written, and a member name may hold a newline: control characters become \u00XX.
std::string one_line(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Error one_line(const Error& error) {
  return Error(error.code(), one_line(error.message()), one_line(error.location()));
}

Result<Translation> read_ndjson(std::string_view input, const Context& context,
                                const std::string& input_digest) {
  Translation out;
  IssueBound bound;
  std::optional<Error> first_failure;
  bool any_read = false;
  for (const NdjsonLine& line : split_ndjson(input)) {
    DocumentPlace place{line.number, input_digest};
    if (auto read = read_document(line.text, context, place, out); !read) {
      // One bad line does not spoil the others: bulk exports are read line by line.
      out.issues.push_back({model::Severity::error, "structure", read.error().location(),
                            read.error().message() + "; line not carried over"});
      if (!first_failure) first_failure = read.error();
    } else {
      any_read = true;
    }
    bound.trim(out.issues);
  }
  if (!any_read && first_failure) {
    return one_line(make_error(
        Errc::parse_error,
        "no line of the NDJSON input could be read (first: " + first_failure->message() + ")",
        first_failure->location()));
  }
  bound.finish(out.issues);
  return out;
}

}  // namespace

Result<Translation> FhirAdapter::to_model(std::string_view bytes, const Context& context) const {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);  // a BOM from a Windows editor
  if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return make_error(Errc::parse_error, "empty input: no FHIR JSON", "/");
  }
  const std::string input_digest = digest(bytes);
  if (looks_like_ndjson(bytes)) return read_ndjson(bytes, context, input_digest);
  Translation out;
  if (auto read = read_document(bytes, context, DocumentPlace{0, input_digest}, out); !read) {
    return one_line(read.error());
  }
  IssueBound().finish(out.issues);
  return out;
}

bool FhirAdapter::sniff(std::string_view head) const {
  head = skip_preamble(head);
  return head.starts_with('{') && head.find("\"resourceType\"") != std::string_view::npos;
}

}  // namespace hie::adapters::fhir
