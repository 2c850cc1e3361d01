#include "adapters/fhir/document_reader.hpp"

#include <set>

#include "adapters/fhir/bundle_index.hpp"
#include "adapters/fhir/bundle_report.hpp"
#include "adapters/fhir/r4_resource_types.hpp"
#include "adapters/fhir/reference_resolver.hpp"
#include "adapters/fhir/reference_walker.hpp"
#include "adapters/fhir/resource_ids.hpp"
#include "broker/model/json.hpp"

namespace hie::adapters::fhir {
namespace {

/// One resource on its way out, with what its id and references depend on.
struct Item {
  model::Resource resource;
  std::string full_url;
  std::string pointer;   ///< JSON pointer of the resource in the document ("" or /entry/3/resource)
  std::string position;  ///< for stable ids: "resource", "entry/3"
  std::string request_method;
  std::string request_url;
};

std::string& id_of(model::Resource& resource) {
  return std::visit([](auto& r) -> std::string& { return r.id; }, resource);
}

std::optional<model::Meta>& meta_of(model::Resource& resource) {
  return std::visit([](auto& r) -> std::optional<model::Meta>& { return r.meta; }, resource);
}

void issue(Translation& out, model::Severity severity, std::string code, std::string location,
           std::string message) {
  out.issues.push_back({severity, std::move(code), std::move(location), std::move(message)});
}

/// The id the resource goes out with: its own when valid, else from fullUrl or a PUT, else stable.
void assign_id(Item& item, const Context& context, const DocumentPlace& place, Translation& out) {
  std::string& id = id_of(item.resource);
  if (is_valid_fhir_id(id)) return;
  const std::string type(model::resource_type(item.resource));
  std::string made = id_from_full_url(item.full_url, type);
  if (made.empty() && item.request_method == "PUT")
    made = id_from_request_url(item.request_url, type);
  if (made.empty()) {
    std::string position = place.line ? "line/" + std::to_string(place.line) + '/' : std::string();
    made = stable_id(context.exchange_id, place.input_digest, position + item.position, type);
  }
  if (!id.empty()) {
    issue(out, model::Severity::warning, "value", place.locate(item.pointer + "/id"),
          "id is not a valid FHIR id; replaced");
  }
  id = std::move(made);
}

/// Every resource says which exchange it came from (DESIGN.md, "The common model").
void set_source(Item& item, const Context& context, const DocumentPlace& place, Translation& out) {
  std::optional<model::Meta>& meta = meta_of(item.resource);
  if (!meta) meta.emplace();
  if (!meta->source.empty() && meta->source != context.exchange_id) {
    issue(out, model::Severity::information, "informational",
          place.locate(item.pointer + "/meta/source"),
          "meta.source replaced by the exchange this input came from");
  }
  meta->source = context.exchange_id;
}

void resolve_references(std::vector<Item>& items, const ReferenceResolver& resolver,
                        const DocumentPlace& place, Translation& out) {
  for (Item& item : items) {
    for_each_reference(item.resource, item.pointer,
                       [&](model::Reference& ref, const std::string& pointer) {
                         ReferenceResolution r = resolver.resolve(ref, item.full_url);
                         if (r.outcome != ReferenceOutcome::rewritten) return;
                         issue(out, model::Severity::warning, "not-found",
                               place.locate(pointer + "/reference"), std::move(r.message));
                       });
  }
}

/// A second resource with the same type and id would replace the first in the store.
void report_duplicates(std::vector<Item>& items, const DocumentPlace& place, Translation& out) {
  std::set<std::string> seen;
  for (Item& item : items) {
    std::string key = std::string(model::resource_type(item.resource)) + '/' + id_of(item.resource);
    if (!seen.insert(key).second) {
      issue(out, model::Severity::warning, "duplicate", place.locate(item.pointer + "/id"),
            "another resource of this input has the same type and id");
    }
  }
}

void finish(std::vector<Item>& items, std::vector<ReferenceTarget> targets, const Context& context,
            const DocumentPlace& place, Translation& out) {
  resolve_references(items, ReferenceResolver(std::move(targets)), place, out);
  report_duplicates(items, place, out);
  for (Item& item : items) {
    set_source(item, context, place, out);
    out.resources.push_back(std::move(item.resource));
  }
}

void read_single(model::Resource resource, const Context& context, const DocumentPlace& place,
                 Translation& out) {
  std::vector<Item> items(1);
  items[0].resource = std::move(resource);
  items[0].position = "resource";
  const std::string source_id = id_of(items[0].resource);
  assign_id(items[0], context, place, out);
  std::vector<ReferenceTarget> targets(1);
  targets[0].type = model::resource_type(items[0].resource);
  targets[0].source_id = source_id;
  targets[0].model_id = id_of(items[0].resource);
  finish(items, std::move(targets), context, place, out);
}

Status read_bundle(model::Bundle bundle, std::string_view json, const Context& context,
                   const DocumentPlace& place, Translation& out) {
  auto raw = index_bundle_entries(json);
  if (!raw) return raw.error();
  const std::vector<std::size_t> positions = align_entries(*raw, bundle.entry);
  report_bundle(bundle, *raw, positions, place, out);

  std::vector<ReferenceTarget> targets;
  targets.reserve(raw->size());
  std::vector<std::size_t> target_of_raw(raw->size(), SIZE_MAX);
  for (const RawEntry& e : *raw) {
    if (e.type.empty()) continue;
    target_of_raw[e.index] = targets.size();
    targets.push_back({e.full_url, e.type, e.id, {}, e.identifiers});
  }
  std::vector<Item> items;
  items.reserve(bundle.entry.size());
  for (std::size_t k = 0; k < bundle.entry.size(); ++k) {
    model::BundleEntry& entry = bundle.entry[k];
    if (!entry.resource) continue;
    const RawEntry& source = (*raw)[positions[k]];
    Item item{std::move(*entry.resource),
              std::move(entry.full_url),
              "/entry/" + std::to_string(source.index) + "/resource",
              "entry/" + std::to_string(source.index),
              source.request_method,
              source.request_url};
    assign_id(item, context, place, out);
    if (target_of_raw[source.index] != SIZE_MAX) {
      targets[target_of_raw[source.index]].model_id = id_of(item.resource);
    }
    items.push_back(std::move(item));
  }
  finish(items, std::move(targets), context, place, out);
  return {};
}

/// A top-level type the model does not hold: a warning for FHIR R4 types, an error otherwise.
Status not_held(std::string_view json, const Error& error, const DocumentPlace& place,
                Translation& out) {
  const std::string type = top_level_resource_type(json);
  if (!is_r4_resource_type(type)) {
    // The type is not echoed: it may be anything, a newline included, and the reason is one line.
    return make_error(Errc::parse_error, "resourceType is not a FHIR R4 resource type",
                      place.locate("/resourceType"));
  }
  issue(out, model::Severity::warning, "not-supported", place.locate(error.location()),
        "resource type '" + type + "' is not held by the model; not carried over");
  return {};
}

}  // namespace

std::string DocumentPlace::locate(std::string_view pointer) const {
  if (line == 0) return std::string(pointer);
  std::string out = "line " + std::to_string(line);
  if (!pointer.empty()) out += ": " + std::string(pointer);
  return out;
}

Status read_document(std::string_view json, const Context& context, const DocumentPlace& place,
                     Translation& out) {
  model::Issues read_issues;
  auto any = model::read_any(json, read_issues);
  if (!any) {
    if (any.error().code() == Errc::unsupported) return not_held(json, any.error(), place, out);
    return make_error(Errc::parse_error, any.error().message(),
                      place.locate(any.error().location()));
  }
  for (model::Issue& i : read_issues) {
    i.location = place.locate(i.location);
    out.issues.push_back(std::move(i));
  }
  if (auto* resource = std::get_if<model::Resource>(&*any)) {
    read_single(std::move(*resource), context, place, out);
    return {};
  }
  return read_bundle(std::move(std::get<model::Bundle>(*any)), json, context, place, out);
}

}  // namespace hie::adapters::fhir
