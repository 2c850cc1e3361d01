#include "adapters/adapter.hpp"

namespace hie::adapters {

Result<std::unique_ptr<Adapter>> Adapter::with_mapping(std::string_view, std::string_view) const {
  return make_error(Errc::unsupported, "format '" + std::string(format()) + "' takes no mapping file");
}

Result<std::string> Adapter::write_event(model::EventKind kind, const std::vector<model::Resource>&,
                                         const EventWriteOptions&) const {
  return make_error(Errc::unsupported, "format '" + std::string(format()) + "' writes no " +
                                           std::string(model::to_string(kind)) + " events");
}

}  // namespace hie::adapters
