// libFuzzer target: any bytes as a fhir-rest server's answer (broker/peers/fhir_bundle_reader)
// and its `next` link and Patient ids as the client would use them (fhir_rest_targets).
// Invariants: no crash, no hang, no sanitizer report; an error has a one-line reason; a link
// the client would follow is a path on the base URL's server, without blanks or controls, and an
// id it would put in a path stays inside its path segment.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "broker/peers/fhir_bundle_reader.hpp"
#include "broker/peers/fhir_rest_targets.hpp"

namespace {

bool is_clean_target(const std::string& target) {
  if (target.empty() || target.front() != '/' || target.starts_with("//")) return false;
  for (char c : target) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f || c == '#') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hie::peers::fhir_rest;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const auto base = *hie::parse_http_url("https://fhir.example/r4");
  auto summary = read_bundle(bytes);
  if (!summary) {
    if (summary.error().message().find('\n') != std::string::npos) std::abort();
    return 0;
  }
  if (auto next = next_page_target(base, summary->next); next && !is_clean_target(*next))
    std::abort();
  for (const auto& id : summary->patient_ids) {
    if (!is_fhir_id(id)) continue;
    auto target = everything_target(base, id, {});
    if (!is_clean_target(target) || target != "/r4/Patient/" + id + "/$everything") std::abort();
  }
  return 0;
}
