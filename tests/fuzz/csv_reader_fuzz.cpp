// libFuzzer target: any bytes through the CSV tokenizer (dialect picked by the first byte) and
// through the CSV adapter with a fixed mapping that uses every kind of target, then the FHIR
// writer. Invariants: no crash, no hang, no sanitizer report; whatever translates serialises.

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "adapters/collection_bundle.hpp"
#include "adapters/csv/csv_adapter.hpp"
#include "adapters/csv/csv_reader.hpp"
#include "broker/model/json.hpp"

namespace {

// The demo's city-hie layouts plus a problem list, with the dialect options most likely to
// find corner cases (decimal comma is left out: it cannot coexist with ',' as delimiter).
constexpr std::string_view kMapping = R"({
  "datetime_formats": ["ISO8601", "DD/MM/YYYY hh:mm", "YYYYMMDDhhmmTZ"],
  "date_formats": ["YYYY-MM-DD", "D/M/YYYY"],
  "layouts": [
    {"name": "gp-list", "match_header": ["nhs_number", "family_name"],
     "resources": [{"type": "Patient", "key": ["nhs_number", "local_id"], "fields": {
       "identifier[nhs]": {"column": "nhs_number", "system": "https://fhir.nhs.uk/Id/nhs-number"},
       "identifier[local]": {"column": "local_id", "authority": "CITY"},
       "name.family": {"column": "family_name"}, "name.given": {"column": "given_name"},
       "birthDate": {"column": "birth_date"},
       "gender": {"column": "sex", "values": {"F": "female", "M": "male"}},
       "address.postalCode": {"column": "postcode"},
       "telecom": {"column": "phone", "system": "phone"},
       "generalPractitioner.identifier": {"column": "gp_practice_code"}}}]},
    {"name": "lab-results", "match_header": ["nhs_number", "test_code"],
     "resources": [
       {"type": "Patient", "key": ["nhs_number"], "fields": {
         "identifier[nhs]": {"column": "nhs_number", "system": "https://fhir.nhs.uk/Id/nhs-number"}}},
       {"type": "Observation", "fields": {
         "status": {"column": "status"}, "category": {"value": "laboratory"},
         "code.code": {"column": "test_code"}, "code.system": {"column": "test_system"},
         "code.display": {"column": "test_name"}, "effectiveDateTime": {"column": "collected_at"},
         "issued": {"column": "collected_at"}, "value": {"column": "value"},
         "valueQuantity.unit": {"column": "unit"},
         "valueQuantity.system": {"value": "http://unitsofmeasure.org"},
         "referenceRange": {"column": "reference_range"},
         "interpretation": {"column": "abnormal_flag"}}}]},
    {"name": "problems", "match_header": ["nhs_number", "snomed_code"],
     "resources": [
       {"type": "Patient", "key": ["nhs_number"], "fields": {
         "identifier[nhs]": {"column": "nhs_number", "system": "https://fhir.nhs.uk/Id/nhs-number"}}},
       {"type": "Condition", "key": ["nhs_number", "snomed_code"], "fields": {
         "code.code": {"column": "snomed_code"}, "clinicalStatus": {"column": "status"},
         "onsetDateTime": {"column": "onset"}, "abatementDateTime": {"column": "resolved"}}}]}
  ]
})";

const hie::adapters::Adapter& adapter() {
  static const std::unique_ptr<hie::adapters::Adapter> configured = [] {
    auto a = hie::adapters::csv::CsvAdapter().with_mapping(kMapping, "fuzz-mapping.json");
    if (!a) std::abort();
    return std::move(*a);
  }();
  return *configured;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!bytes.empty()) {
    static constexpr char kDelimiters[] = {',', ';', '\t', '|'};
    hie::adapters::csv::Dialect dialect;
    dialect.delimiter = kDelimiters[static_cast<unsigned char>(bytes[0]) % 4];
    dialect.quote = bytes[0] & 0x10 ? '\0' : '"';
    dialect.max_fields = 64;
    dialect.max_field_bytes = 256;
    auto records = hie::adapters::csv::read_records(bytes.substr(1), dialect);
    for (const auto& r : records.records)
      if (r.fields.empty() || r.fields.size() > dialect.max_fields || r.row == 0) std::abort();
  }
  hie::adapters::Context context;
  context.exchange_id = "fuzz";
  context.default_utc_offset = size % 2 ? "+01:00" : "";
  auto translation = adapter().to_model(bytes, context);
  if (!translation) return 0;
  auto json = hie::model::to_json(hie::adapters::to_collection_bundle(std::move(*translation)));
  if (!json) std::abort();
  return 0;
}
