#include "adapters/registry.hpp"

#include <stdexcept>

#include "adapters/cda/cda_adapter.hpp"
#include "adapters/csv/csv_adapter.hpp"
#include "adapters/fhir/fhir_adapter.hpp"
#include "adapters/hl7v2/hl7v2_adapter.hpp"

namespace hie::adapters {

Status Registry::add(std::unique_ptr<Adapter> adapter) {
  if (find(adapter->format()))
    return make_error(Errc::invalid_argument, "an adapter named '" + std::string(adapter->format()) + "' is already registered");
  adapters_.push_back(std::move(adapter));
  return {};
}

const Adapter* Registry::find(std::string_view format) const {
  for (const auto& a : adapters_)
    if (a->format() == format) return a.get();
  return nullptr;
}

std::vector<std::string_view> Registry::formats() const {
  std::vector<std::string_view> names;
  for (const auto& a : adapters_) names.push_back(a->format());
  return names;
}

namespace {

Registry register_all() {
  Registry r;
  auto must = [](Status s) {
    if (!s) throw std::logic_error(s.error().message());  // a bug in this list, found at start-up
  };
  must(r.add(std::make_unique<hl7v2::Hl7v2Adapter>()));
  must(r.add(std::make_unique<cda::CdaAdapter>()));
  must(r.add(std::make_unique<fhir::FhirAdapter>()));
  must(r.add(std::make_unique<csv::CsvAdapter>()));
  return r;
}

}  // namespace

const Registry& all_adapters() {
  static const Registry registry = register_all();
  return registry;
}

}  // namespace hie::adapters
