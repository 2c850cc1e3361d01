#include "adapters/fhir/ndjson.hpp"

namespace hie::adapters::fhir {
namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view kBlank = " \t\r\n";
  const std::size_t first = s.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlank) - first + 1);
}

/// Calls f(number, line) for each line, up to f returning false.
template <class F>
void for_each_line(std::string_view input, F&& f) {
  std::size_t number = 0;
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (!f(++number, line)) return;
  }
}

}  // namespace

bool looks_like_ndjson(std::string_view input) {
  int seen = 0;
  bool first_is_object = false;
  for_each_line(input, [&](std::size_t, std::string_view line) {
    std::string_view text = trim(line);
    if (text.empty()) return true;
    if (seen++ == 0) {
      first_is_object = text.front() == '{' && text.back() == '}';
      return first_is_object;
    }
    return false;
  });
  return first_is_object && seen > 1;
}

std::vector<NdjsonLine> split_ndjson(std::string_view input) {
  std::vector<NdjsonLine> lines;
  for_each_line(input, [&](std::size_t number, std::string_view line) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (!trim(line).empty()) lines.push_back({number, line});
    return true;
  });
  return lines;
}

}  // namespace hie::adapters::fhir
