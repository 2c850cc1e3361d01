#include "adapters/collection_bundle.hpp"

namespace hie::adapters {
namespace {

/// Our ids are 32 hex digits; shaped as a UUID they make urn:uuid fullUrls.
std::string full_url(const std::string& id) {
  if (id.size() != 32) return "urn:uuid:" + id;
  return "urn:uuid:" + id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-" + id.substr(16, 4) +
         "-" + id.substr(20);
}

}  // namespace

model::Bundle to_collection_bundle(Translation translation) {
  model::Bundle bundle;
  bundle.type = "collection";
  bundle.entry.reserve(translation.resources.size() + 1);
  for (auto& resource : translation.resources) {
    model::BundleEntry entry;
    entry.full_url = full_url(std::visit([](const auto& r) { return r.id; }, resource));
    entry.resource = std::move(resource);
    bundle.entry.push_back(std::move(entry));
  }
  model::BundleEntry outcome;
  outcome.resource = model::Resource(model::to_operation_outcome(translation.issues));
  bundle.entry.push_back(std::move(outcome));
  return bundle;
}

}  // namespace hie::adapters
