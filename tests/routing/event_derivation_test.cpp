// derive_events on real samples of every format: the kinds, ids, patient keys and Bundles, and
// the Bundles read back and written as HL7 v2 the way the dispatcher will at delivery time.

#include "broker/routing/event_derivation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "adapters/cda/cda_adapter.hpp"
#include "adapters/csv/csv_adapter.hpp"
#include "adapters/fhir/fhir_adapter.hpp"
#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "adapters/hl7v2/message.hpp"
#include "broker/model/json.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/routing/patient_key.hpp"
#include "tests/support/fhir_validator.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::routing {
namespace {

using hie::testing::read_source_file;
using model::EventKind;

const EventSource kSource{"north-hie", 42, "2025-03-04T09:12:00Z"};

adapters::Context context() {
  adapters::Context c;
  c.exchange_id = "north-hie";
  c.default_utc_offset = "+00:00";
  return c;
}

adapters::Translation translate(const adapters::Adapter& adapter, std::string_view bytes) {
  auto t = adapter.to_model(bytes, context());
  if (!t) throw std::runtime_error(t.error().describe());
  return std::move(*t);
}

adapters::Translation hl7(const std::string& sample) {
  return translate(adapters::hl7v2::Hl7v2Adapter(), read_source_file(sample));
}

adapters::Translation csv(const std::string& mapping, const std::string& file) {
  auto adapter = adapters::csv::CsvAdapter().with_mapping(read_source_file(mapping), mapping);
  if (!adapter) throw std::runtime_error(adapter.error().describe());
  return translate(**adapter, read_source_file(file));
}

adapters::Translation fhir(std::string_view json) { return translate(adapters::fhir::FhirAdapter(), json); }

std::vector<EventKind> kinds_of(const std::vector<DerivedEvent>& events) {
  std::vector<EventKind> out;
  for (const auto& e : events) out.push_back(e.kind);
  return out;
}

/// The resourceTypes of an event's Bundle, in order.
std::vector<std::string> types_in(const DerivedEvent& event) {
  auto resources = read_event_resources(event.fhir_json);
  if (!resources) throw std::runtime_error(resources.error().describe());
  std::vector<std::string> out;
  for (const auto& r : *resources) out.emplace_back(model::resource_type(r));
  return out;
}

std::size_t count(const std::vector<std::string>& types, std::string_view type) {
  return static_cast<std::size_t>(std::ranges::count(types, type));
}

TEST(PatientKey, NhsNumberFirstElseFirstIdentifier) {
  const std::string nhs(model::NhsNumber::system);
  EXPECT_EQ(patient_key({}), "");
  EXPECT_EQ(patient_key(std::vector<store::PatientIdentity>{{"urn:a", "1"}, {"urn:b", "2"}}), "urn:a|1");
  EXPECT_EQ(patient_key(std::vector<store::PatientIdentity>{{"urn:a", "1"}, {nhs, "3870146052"}}), "3870146052");
}

TEST(DeriveEvents, Hl7AdmissionWithNhsNumber) {
  auto events = derive_events(hl7("tests/data/hl7v2/google-healthcare-data-harmonization/adt_a01.hl7"), kSource);
  ASSERT_EQ(events.size(), 1u);
  const DerivedEvent& e = events[0];
  EXPECT_EQ(e.id, "ev-42-0");
  EXPECT_EQ(e.kind, EventKind::admission);
  EXPECT_EQ(e.patient_key, "3870146052");
  EXPECT_EQ(e.occurred, "2025-03-04T09:12:00Z");
  EXPECT_TRUE(std::ranges::find(e.patient_identifiers, store::PatientIdentity{std::string(model::NhsNumber::system),
                                                                              "3870146052"}) !=
              e.patient_identifiers.end());
  EXPECT_EQ(types_in(e), (std::vector<std::string>{"Patient", "Encounter"}));
  EXPECT_NE(e.fhir_json.find(R"("resourceType":"Bundle","id":"ev-42-0")"), std::string::npos) << e.fhir_json;
  EXPECT_NE(e.fhir_json.find(R"("type":"collection","timestamp":"2025-03-04T09:12:00Z")"), std::string::npos);
}

TEST(DeriveEvents, DeclaredKindWinsOverContent) {
  // ADT^A08 with an OBX: a demographics update, not a new result; the Bundle holds the Patient only.
  auto events = derive_events(hl7("tests/data/hl7v2/fhir-converter/ADT-A08-01.hl7"), kSource);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::demographics_update);
  EXPECT_EQ(types_in(events[0]), std::vector<std::string>{"Patient"});
}

TEST(DeriveEvents, Hl7MergeKeyedByTheSurvivingRecord) {
  auto t = hl7("tests/data/hl7v2/fhir-converter/ADT-A40-01.hl7");
  auto events = derive_events(t, kSource);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::merge);
  // No NHS number in this sample: the first identifier, PID-3 12345 under authority BCBS.
  ASSERT_FALSE(events[0].patient_identifiers.empty());
  EXPECT_EQ(events[0].patient_identifiers[0].value, "12345");
  EXPECT_EQ(events[0].patient_key, events[0].patient_identifiers[0].system + "|12345");
  EXPECT_EQ(types_in(events[0]), std::vector<std::string>{"Patient"});
  EXPECT_NE(events[0].fhir_json.find(R"("type":"replaces")"), std::string::npos) << "the link to the merged record";
}

TEST(DeriveEvents, Hl7DocumentWithNhsNumber) {
  auto events = derive_events(hl7("tests/data/hl7v2/fhir-converter/MDM-T02-03.hl7"), kSource);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::new_document);
  EXPECT_EQ(events[0].patient_key, "6597923189");
  EXPECT_EQ(types_in(events[0]), (std::vector<std::string>{"Patient", "DocumentReference"}));
}

TEST(DeriveEvents, CsvLabResultsAreANewResultWithTheirValues) {
  auto events = derive_events(csv("config/mappings/city-hie.json", "config/sim/data/city/lab-results-C1001.csv"),
                              {"city-hie", 7, "2025-03-05T10:00:00+00:00"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "ev-7-0");
  EXPECT_EQ(events[0].kind, EventKind::new_result);
  EXPECT_EQ(events[0].patient_key, "3870146052");
  auto types = types_in(events[0]);
  EXPECT_EQ(types.front(), "Patient");
  EXPECT_EQ(count(types, "Observation"), 3u);
  // Hemoglobin 128 g/L, as in the file.
  EXPECT_NE(events[0].fhir_json.find(R"("valueQuantity":{"value":128,"unit":"g/L")"), std::string::npos)
      << events[0].fhir_json;
}

TEST(DeriveEvents, CsvPatientListIsADemographicsUpdate) {
  auto events = derive_events(csv("config/mappings/city-hie.json", "config/sim/data/city/gp-list-C1001.csv"), kSource);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::demographics_update);
  EXPECT_EQ(events[0].patient_key, "3870146052");
}

TEST(DeriveEvents, SeveralPatientsEachGetTheirOwnResults) {
  auto t = csv("config/mappings/lab-results.json", "config/mappings/samples/lab-results.csv");
  auto events = derive_events(t, kSource);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "ev-42-0");
  EXPECT_EQ(events[1].id, "ev-42-1");
  EXPECT_EQ(events[0].patient_key, "3870146052");
  EXPECT_EQ(events[1].patient_key, "6597923189");
  std::size_t observations = 0;
  for (const auto& e : events) {
    EXPECT_EQ(e.kind, EventKind::new_result);
    auto resources = read_event_resources(e.fhir_json);
    ASSERT_TRUE(resources);
    const auto& patient = std::get<model::Patient>(resources->front());
    for (const auto& r : *resources)
      if (const auto* o = std::get_if<model::Observation>(&r)) {
        ++observations;
        ASSERT_TRUE(o->subject);
        EXPECT_EQ(o->subject->reference, "Patient/" + patient.id) << e.id << ": another patient's result";
      }
  }
  std::size_t in_file = 0;
  for (const auto& r : t.resources) in_file += std::holds_alternative<model::Observation>(r);
  EXPECT_EQ(observations, in_file) << "every result went to one of the two events";
}

TEST(DeriveEvents, CdaDocumentCarriesPatientAndDocumentReference) {
  auto t = translate(adapters::cda::CdaAdapter(), read_source_file("config/sim/data/valley/Discharge_Summary.xml"));
  auto events = derive_events(t, kSource);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::new_document);
  EXPECT_FALSE(events[0].patient_key.empty());
  EXPECT_EQ(types_in(events[0]), (std::vector<std::string>{"Patient", "DocumentReference"}));
}

TEST(DeriveEvents, SyntheaBundleFromContent) {
  auto t = fhir(read_source_file("tests/data/fhir/synthea/Bob965_Keeling57.json"));
  auto events = derive_events(t, kSource);
  // Finished encounters are no admission; results and clinical notes are.
  EXPECT_EQ(kinds_of(events), (std::vector<EventKind>{EventKind::new_result, EventKind::new_document}));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "ev-42-0");
  EXPECT_EQ(events[1].id, "ev-42-1");
  EXPECT_EQ(events[0].patient_key, "https://github.com/synthetichealth/synthea|3f6fd0bb-6cd3-eb3f-4401-cd38ace25f2b");
  auto results = types_in(events[0]);
  EXPECT_EQ(count(results, "Observation"), 30u);
  EXPECT_EQ(count(results, "DiagnosticReport"), 32u);
  EXPECT_EQ(count(results, "Encounter"), 0u);
  EXPECT_EQ(count(types_in(events[1]), "DocumentReference"), 32u);
}

constexpr std::string_view kNhsIdentifier =
    R"({"system":"https://fhir.nhs.uk/Id/nhs-number","value":"3870146052"})";

std::string bundle_with(std::string_view patient_identifiers, std::string_view encounter_period) {
  return R"({"resourceType":"Bundle","type":"collection","entry":[)"
         R"({"fullUrl":"urn:uuid:5b1a9d43-3c65-4d9e-9b3c-0d1f1c0e1a01","resource":{"resourceType":"Patient",)"
         R"("id":"p1","identifier":[)" +
         std::string(patient_identifiers) +
         R"(]}},{"resource":{"resourceType":"Encounter","id":"e1","status":"in-progress",)"
         R"("class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},)"
         R"("subject":{"reference":"urn:uuid:5b1a9d43-3c65-4d9e-9b3c-0d1f1c0e1a01"},"period":)" +
         std::string(encounter_period) + "}}]}";
}

TEST(DeriveEvents, OpenInpatientEncounterIsAnAdmission) {
  auto events = derive_events(fhir(bundle_with(kNhsIdentifier, R"({"start":"2025-03-04T08:00:00Z"})")), kSource);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::admission);
  EXPECT_EQ(events[0].patient_key, "3870146052");
  EXPECT_EQ(types_in(events[0]), (std::vector<std::string>{"Patient", "Encounter"}));
}

TEST(DeriveEvents, EndedEncounterAloneRaisesNothing) {
  auto events = derive_events(
      fhir(bundle_with(kNhsIdentifier, R"({"start":"2025-03-04T08:00:00Z","end":"2025-03-04T09:00:00Z"})")), kSource);
  EXPECT_TRUE(events.empty()) << "not alone (an Encounter), and nothing the content names";
}

TEST(DeriveEvents, PatientNobodyCouldMatchRaisesNothing) {
  auto t = hl7("tests/data/hl7v2/google-healthcare-data-harmonization/adt_a01.hl7");
  for (auto& r : t.resources)
    if (auto* p = std::get_if<model::Patient>(&r))
      for (auto& id : p->identifier) id.system.clear();  // values without a system
  EXPECT_TRUE(derive_events(t, kSource).empty());
  EXPECT_TRUE(derive_events(fhir(R"({"resourceType":"Patient","id":"p2","gender":"female"})"), kSource).empty());
}

TEST(DeriveEvents, PatientThatCannotBeWrittenRaisesNothing) {
  // Only code can set text that is not UTF-8; the event would have no valid Bundle.
  adapters::Translation t;
  model::Patient patient;
  patient.id = "p1";
  patient.identifier.push_back({});
  patient.identifier.back().system = std::string(model::NhsNumber::system);
  patient.identifier.back().value = "3870146052";
  patient.name.push_back({});
  patient.name.back().family = "\xff";
  t.resources.emplace_back(patient);
  EXPECT_TRUE(derive_events(t, kSource).empty());
  patient.name.back().family = "Doe";
  t.resources.front() = patient;
  auto events = derive_events(t, kSource);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::demographics_update);
}

TEST(DeriveEvents, SameInputSameEvents) {
  auto t = csv("config/mappings/lab-results.json", "config/mappings/samples/lab-results.csv");
  auto a = derive_events(t, kSource);
  auto b = derive_events(t, kSource);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].fhir_json, b[i].fhir_json);
  }
}

TEST(ReadEventResources, GivesTheResourcesBackAndRefusesOtherBundles) {
  auto t = hl7("tests/data/hl7v2/google-healthcare-data-harmonization/adt_a01.hl7");
  auto events = derive_events(t, kSource);
  ASSERT_EQ(events.size(), 1u);
  auto resources = read_event_resources(events[0].fhir_json);
  ASSERT_TRUE(resources) << resources.error().describe();
  ASSERT_EQ(resources->size(), 2u);
  EXPECT_EQ(std::get<model::Patient>(resources->front()), std::get<model::Patient>(t.resources.front()));

  EXPECT_FALSE(read_event_resources("not json"));
  EXPECT_FALSE(read_event_resources(R"({"resourceType":"Bundle","type":"searchset","entry":[)"
                                    R"({"resource":{"resourceType":"Patient","id":"a"}}]})"));
  EXPECT_FALSE(read_event_resources(R"({"resourceType":"Bundle","type":"collection","entry":[)"
                                    R"({"resource":{"resourceType":"Encounter","id":"e","status":"planned",)"
                                    R"("class":{"code":"IMP"}}}]})"));
}

/// The dispatcher's path: stored Bundle -> resources -> the subscriber's adapter -> its message.
TEST(EventRendering, Hl7v2MessagesFromStoredBundles) {
  const adapters::hl7v2::Hl7v2Adapter adapter;
  auto admission = derive_events(hl7("tests/data/hl7v2/google-healthcare-data-harmonization/adt_a01.hl7"), kSource);
  auto result = derive_events(csv("config/mappings/city-hie.json", "config/sim/data/city/lab-results-C1001.csv"),
                              {"city-hie", 43, "2025-03-05T10:00:00+00:00"});
  std::map<EventKind, const DerivedEvent*> by_kind{{EventKind::admission, &admission.at(0)},
                                                   {EventKind::new_result, &result.at(0)}};
  const std::map<EventKind, std::string> triggers{{EventKind::admission, "ADT^A01"}, {EventKind::new_result, "ORU^R01"}};
  for (const auto& [kind, event] : by_kind) {
    ASSERT_TRUE(adapter.writes_event(kind));
    auto resources = read_event_resources(event->fhir_json);
    ASSERT_TRUE(resources);
    auto written = adapter.write_event(kind, *resources, {event->id, event->occurred, "BROKER", "SUB"});
    ASSERT_TRUE(written) << written.error().describe();
    auto message = adapters::hl7v2::Message::parse(*written);
    ASSERT_TRUE(message);
    EXPECT_EQ(std::string(message->message_code()) + "^" + std::string(message->trigger_event()), triggers.at(kind));
    EXPECT_EQ(std::string(message->control_id()), event->id);
    auto back = translate(adapter, *written);
    std::string nhs;
    for (const auto& r : back.resources)
      if (const auto* p = std::get_if<model::Patient>(&r))
        for (const auto& id : p->identifier)
          if (id.system == model::NhsNumber::system) nhs = id.value;
    EXPECT_EQ(nhs, "3870146052") << model::to_string(kind);
    auto again = derive_events(back, kSource);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].kind, kind);
  }
  // Kinds HL7 v2 does not write go as FHIR: the adapter says so.
  EXPECT_FALSE(adapter.writes_event(EventKind::merge));
  EXPECT_FALSE(adapter.writes_event(EventKind::new_document));
}

TEST(EventBundles, AreValidFhirR4) {
  std::vector<std::string> jsons;
  std::vector<std::string> names;
  auto add = [&](const std::string& what, const std::vector<DerivedEvent>& events) {
    for (const auto& e : events) {
      jsons.push_back(e.fhir_json);
      names.push_back(what + " " + std::string(model::to_string(e.kind)));
    }
  };
  add("adt_a01", derive_events(hl7("tests/data/hl7v2/google-healthcare-data-harmonization/adt_a01.hl7"), kSource));
  add("A08", derive_events(hl7("tests/data/hl7v2/fhir-converter/ADT-A08-01.hl7"), kSource));
  add("A40", derive_events(hl7("tests/data/hl7v2/fhir-converter/ADT-A40-01.hl7"), kSource));
  add("ORU", derive_events(hl7("tests/data/hl7v2/fhir-converter/ORU-R01-01.hl7"), kSource));
  add("MDM", derive_events(hl7("tests/data/hl7v2/fhir-converter/MDM-T02-03.hl7"), kSource));
  add("csv lab", derive_events(csv("config/mappings/lab-results.json", "config/mappings/samples/lab-results.csv"),
                               kSource));
  add("cda", derive_events(translate(adapters::cda::CdaAdapter(),
                                     read_source_file("config/sim/data/valley/Discharge_Summary.xml")),
                           kSource));
  add("synthea", derive_events(fhir(read_source_file("tests/data/fhir/synthea/Bob965_Keeling57.json")), kSource));
  add("fhir admission", derive_events(fhir(bundle_with(kNhsIdentifier, R"({"start":"2025-03-04T08:00:00Z"})")),
                                      kSource));
  ASSERT_EQ(jsons.size(), 11u);
  auto verdicts = hie::testing::validate_fhir_batch(jsons);
  ASSERT_EQ(verdicts.size(), jsons.size());
  for (std::size_t i = 0; i < jsons.size(); ++i) EXPECT_TRUE(verdicts[i].valid) << names[i] << ":\n" << verdicts[i].issues;
}

}  // namespace
}  // namespace hie::routing
