// libFuzzer target: any bytes through the C-CDA adapter (encoding, pugixml parse, mapping,
// unmapped-element report) and the FHIR writer. Invariants: no crash, no hang, no sanitizer
// report; whatever translates must serialise (the adapter emits UTF-8 only).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/cda/cda_adapter.hpp"
#include "adapters/collection_bundle.hpp"
#include "broker/model/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  hie::adapters::Context context;
  context.exchange_id = "fuzz";
  context.default_utc_offset = size % 2 ? "+01:00" : "";
  const hie::adapters::cda::CdaAdapter adapter;
  (void)adapter.sniff(bytes.substr(0, hie::adapters::sniff_bytes));
  auto translation = adapter.to_model(bytes, context);
  if (!translation) return 0;
  auto json = hie::model::to_json(hie::adapters::to_collection_bundle(std::move(*translation)));
  if (!json) std::abort();
  return 0;
}
