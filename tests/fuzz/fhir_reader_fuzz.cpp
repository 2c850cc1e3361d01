// libFuzzer target: any bytes through the FHIR adapter (resource, Bundle or NDJSON; the model's
// reader, reference resolution, ids) and the FHIR writer. Invariants: no crash, no hang, no
// sanitizer report; an error has a one-line reason; whatever translates must serialise.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/collection_bundle.hpp"
#include "adapters/fhir/fhir_adapter.hpp"
#include "broker/model/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  hie::adapters::Context context;
  context.exchange_id = "fuzz";
  auto translation = hie::adapters::fhir::FhirAdapter().to_model(bytes, context);
  if (!translation) {
    if (translation.error().describe().find('\n') != std::string::npos) std::abort();
    return 0;
  }
  auto json = hie::model::to_json(hie::adapters::to_collection_bundle(std::move(*translation)));
  if (!json) std::abort();
  return 0;
}
