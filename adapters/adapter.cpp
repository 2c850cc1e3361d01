#include "adapters/adapter.hpp"

namespace hie::adapters {

Result<std::unique_ptr<Adapter>> Adapter::with_mapping(std::string_view, std::string_view) const {
  return make_error(Errc::unsupported, "format '" + std::string(format()) + "' takes no mapping file");
}

}  // namespace hie::adapters
