#include "adapters/fhir/bundle_report.hpp"

#include <array>

namespace hie::adapters::fhir {
namespace {

/// Entries sharing one part that is not carried over: counted, located at the first.
struct PartCount {
  std::string_view part;
  std::size_t count = 0;
  std::string first;
};

std::string entry_pointer(std::size_t index) { return "/entry/" + std::to_string(index); }

/// The method named in a message only when it is one of FHIR's (the input may hold anything).
std::string_view method_name(std::string_view method) {
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}) {
    if (method == m) return m;
  }
  return "request";
}

}  // namespace

void report_bundle(const model::Bundle& bundle, const std::vector<RawEntry>& raw,
                   const std::vector<std::size_t>& positions, const DocumentPlace& place,
                   Translation& out) {
  auto add = [&](model::Severity severity, std::string code, std::string pointer,
                 std::string message) {
    out.issues.push_back({severity, std::move(code), place.locate(pointer), std::move(message)});
  };
  add(model::Severity::information, "informational", "/",
      "Bundle unwrapped: its entries' resources are carried over, the Bundle's own elements "
      "(type, id, identifier, timestamp, link, total) are not");

  std::array<PartCount, 4> parts{
      {{"request", 0, {}}, {"response", 0, {}}, {"search", 0, {}}, {"link", 0, {}}}};
  auto count = [](PartCount& part, std::string pointer) {
    if (part.count++ == 0) part.first = std::move(pointer) + '/' + std::string(part.part);
  };
  for (std::size_t k = 0; k < bundle.entry.size(); ++k) {
    const model::BundleEntry& entry = bundle.entry[k];
    const RawEntry& source = raw[positions[k]];
    const std::string pointer = entry_pointer(source.index);
    if (!entry.resource) {
      if (entry.request) {
        add(model::Severity::warning, "not-supported", pointer + "/request",
            "a " + std::string(method_name(entry.request->method)) +
                " request without a resource is not carried over");
      } else {
        add(model::Severity::warning, "not-supported", pointer,
            "entry without a resource; nothing carried over");
      }
      continue;
    }
    if (entry.request) count(parts[0], pointer);
    if (entry.response) count(parts[1], pointer);
    if (entry.search) count(parts[2], pointer);
    if (!entry.link.empty()) count(parts[3], pointer);
  }
  for (const PartCount& part : parts) {
    if (part.count == 0) continue;
    add(model::Severity::information, "informational", part.first,
        "entry." + std::string(part.part) + " of " + std::to_string(part.count) +
            (part.count == 1 ? " entry" : " entries") +
            " not carried over (their resources are); the first is here");
  }
}

}  // namespace hie::adapters::fhir
