#include "adapters/collection_bundle.hpp"

#include <map>

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
  // The same resource (type and id) read from several inputs, one patient in two files, is
  // written once; a copy that differs is left out and reported, as a Bundle cannot hold two
  // entries with one fullUrl.
  std::map<std::pair<std::string_view, std::string>, std::size_t> written;
  for (auto& resource : translation.resources) {
    const std::string id = std::visit([](const auto& r) { return r.id; }, resource);
    auto [at, added] = written.try_emplace({model::resource_type(resource), id}, bundle.entry.size());
    if (!added) {
      if (*bundle.entry[at->second].resource != resource)
        translation.issues.push_back({model::Severity::warning, "duplicate",
                                      std::string(model::resource_type(resource)) + "/" + id,
                                      "another input gave this resource different content: the first is kept"});
      continue;
    }
    model::BundleEntry entry;
    entry.full_url = full_url(id);
    entry.resource = std::move(resource);
    bundle.entry.push_back(std::move(entry));
  }
  model::BundleEntry outcome;
  outcome.resource = model::Resource(model::to_operation_outcome(translation.issues));
  bundle.entry.push_back(std::move(outcome));
  return bundle;
}

}  // namespace hie::adapters
