// libFuzzer target: any bytes through the HL7 v2 adapter (split, parse, map) and the FHIR
// writer. Invariants: no crash, no hang, no sanitizer report; whatever translates must
// serialise (the writer refuses only text that is not UTF-8, which the adapter never emits).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/collection_bundle.hpp"
#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "broker/model/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  hie::adapters::Context context;
  context.exchange_id = "fuzz";
  context.default_utc_offset = size % 2 ? "+01:00" : "";
  auto translation = hie::adapters::hl7v2::Hl7v2Adapter().to_model(bytes, context);
  if (!translation) return 0;
  auto json = hie::model::to_json(hie::adapters::to_collection_bundle(std::move(*translation)));
  if (!json) std::abort();
  return 0;
}
