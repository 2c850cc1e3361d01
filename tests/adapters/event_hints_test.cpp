// What each adapter says about events: the events a message declares (Translation::events) and
// which event kinds each registered format writes.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/cda/cda_adapter.hpp"
#include "adapters/csv/csv_adapter.hpp"
#include "adapters/fhir/fhir_adapter.hpp"
#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "adapters/registry.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::adapters {
namespace {

using model::EventKind;
using hie::testing::read_source_file;

Context context() {
  Context c;
  c.exchange_id = "test-hie";
  c.default_utc_offset = "+00:00";
  return c;
}

Translation translate(const Adapter& adapter, const std::string& bytes) {
  auto t = adapter.to_model(bytes, context());
  if (!t) throw std::runtime_error(t.error().describe());
  return std::move(*t);
}

std::vector<const model::Patient*> patients_of(const Translation& t) {
  std::vector<const model::Patient*> out;
  for (const auto& r : t.resources)
    if (const auto* p = std::get_if<model::Patient>(&r)) out.push_back(p);
  return out;
}

struct Hl7Case {
  const char* sample;  // under tests/data/hl7v2
  std::optional<EventKind> kind;
};

class Hl7v2DeclaredEvent : public ::testing::TestWithParam<Hl7Case> {};

TEST_P(Hl7v2DeclaredEvent, MessageTypeDeclaresItsKindForItsPatient) {
  const Hl7Case& c = GetParam();
  Translation t = translate(hl7v2::Hl7v2Adapter(), read_source_file(std::string("tests/data/hl7v2/") + c.sample));
  auto patients = patients_of(t);
  ASSERT_EQ(patients.size(), 1u) << c.sample;
  if (!c.kind) {
    EXPECT_TRUE(t.events.empty()) << c.sample << " declared " << model::to_string(t.events.front().kind);
    return;
  }
  ASSERT_EQ(t.events.size(), 1u) << c.sample;
  EXPECT_EQ(t.events[0].kind, *c.kind) << c.sample << ": " << model::to_string(t.events[0].kind);
  EXPECT_EQ(t.events[0].patient_id, patients[0]->id) << c.sample;
  EXPECT_FALSE(t.events[0].patient_id.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Samples, Hl7v2DeclaredEvent,
    ::testing::Values(Hl7Case{"google-healthcare-data-harmonization/adt_a01.hl7", EventKind::admission},
                      Hl7Case{"fhir-converter/ADT-A04-01.hl7", EventKind::admission},
                      Hl7Case{"fhir-converter/ADT-A08-01.hl7", EventKind::demographics_update},
                      Hl7Case{"fhir-converter/ADT-A28-01.hl7", EventKind::demographics_update},
                      Hl7Case{"fhir-converter/ADT-A31-01.hl7", EventKind::demographics_update},
                      Hl7Case{"fhir-converter/ADT-A40-01.hl7", EventKind::merge},
                      Hl7Case{"fhir-converter/ORU-R01-01.hl7", EventKind::new_result},
                      Hl7Case{"fhir-converter/MDM-T02-03.hl7", EventKind::new_document},
                      Hl7Case{"fhir-converter/ORM-O01-01.hl7", std::nullopt},
                      Hl7Case{"fhir-converter/VXU-V04-01.hl7", std::nullopt},
                      Hl7Case{"fhir-converter/SIU-S12-01.hl7", std::nullopt}));

TEST(Hl7v2DeclaredEvents, TransferDischargeAndMdmTriggers) {
  // No A02/A03 sample in tests/data: the trigger of a minimal message decides.
  auto declared = [](std::string type) {
    Translation t = translate(hl7v2::Hl7v2Adapter(),
                              "MSH|^~\\&|APP|FAC|||20250304091200||" + type + "|C1|P|2.5.1\r"
                              "PID|1||123^^^HOSP^MR||Doe^Jane\r");
    return t.events.empty() ? std::optional<EventKind>() : std::optional(t.events.front().kind);
  };
  EXPECT_EQ(declared("ADT^A02"), EventKind::transfer);
  EXPECT_EQ(declared("ADT^A03^ADT_A03"), EventKind::discharge);
  EXPECT_EQ(declared("MDM^T10"), EventKind::new_document);
  EXPECT_EQ(declared("MDM^T01"), std::nullopt);  // notification only: no document carried
  EXPECT_EQ(declared("ADT^A05"), std::nullopt);  // pre-admission is not an admission
  EXPECT_EQ(declared("ORU^R30"), std::nullopt);
}

TEST(Hl7v2DeclaredEvents, MessageWithoutPatientDeclaresNothing) {
  Translation t = translate(hl7v2::Hl7v2Adapter(), "MSH|^~\\&|APP|FAC|||20250304091200||ADT^A01|C1|P|2.5.1\r"
                                                   "EVN|A01|20250304091200\r");
  EXPECT_TRUE(patients_of(t).empty());
  EXPECT_TRUE(t.events.empty());
}

TEST(Hl7v2DeclaredEvents, EachMessageOfABatchDeclaresForItsOwnPatient) {
  std::string batch = read_source_file("tests/data/hl7v2/fhir-converter/ADT-A08-01.hl7");
  while (!batch.empty() && (batch.back() == '\n' || batch.back() == '\r')) batch.pop_back();
  batch += "\r" + read_source_file("tests/data/hl7v2/fhir-converter/ORU-R01-01.hl7");
  Translation t = translate(hl7v2::Hl7v2Adapter(), batch);
  auto patients = patients_of(t);
  ASSERT_EQ(patients.size(), 2u);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_EQ(t.events[0].kind, EventKind::demographics_update);
  EXPECT_EQ(t.events[0].patient_id, patients[0]->id);
  EXPECT_EQ(t.events[1].kind, EventKind::new_result);
  EXPECT_EQ(t.events[1].patient_id, patients[1]->id);
  EXPECT_NE(patients[0]->id, patients[1]->id);
}

TEST(CdaDeclaredEvents, DocumentIsNewDocumentForItsPatient) {
  Translation t = translate(cda::CdaAdapter(),
                            read_source_file("tests/data/ccda/hl7-ccda-examples/Unstructured_Document_reference.xml"));
  auto patients = patients_of(t);
  ASSERT_FALSE(patients.empty());
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_EQ(t.events[0].kind, EventKind::new_document);
  EXPECT_EQ(t.events[0].patient_id, patients[0]->id);
  bool referenced = false;
  for (const auto& r : t.resources)
    if (const auto* d = std::get_if<model::DocumentReference>(&r))
      referenced = referenced || (d->subject && d->subject->reference == "Patient/" + patients[0]->id);
  EXPECT_TRUE(referenced) << "the DocumentReference names the declared patient";
}

TEST(CdaDeclaredEvents, DocumentWithoutPatientDeclaresNothing) {
  Translation t = translate(cda::CdaAdapter(),
                            "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.3\" extension=\"d1\"/>"
                            "<code code=\"34133-9\" codeSystem=\"2.16.840.1.113883.6.1\"/></ClinicalDocument>");
  EXPECT_TRUE(patients_of(t).empty());
  EXPECT_TRUE(t.events.empty());
}

TEST(ContentFormatsDeclareNothing, CsvAndFhir) {
  auto csv = csv::CsvAdapter().with_mapping(read_source_file("config/mappings/city-hie.json"), "city-hie.json");
  ASSERT_TRUE(csv) << csv.error().describe();
  Translation lab = translate(**csv, read_source_file("config/sim/data/city/lab-results-C1001.csv"));
  EXPECT_EQ(patients_of(lab).size(), 1u);
  EXPECT_GT(lab.resources.size(), 1u);
  EXPECT_TRUE(lab.events.empty());

  Translation fhir = translate(fhir::FhirAdapter(), read_source_file("tests/data/fhir/r4-examples/Patient-example.json"));
  EXPECT_EQ(patients_of(fhir).size(), 1u);
  EXPECT_TRUE(fhir.events.empty());
}

TEST(EventWriting, OnlyHl7v2WritesAndNotMergeOrNewDocument) {
  const Registry& registry = all_adapters();
  ASSERT_FALSE(registry.formats().empty());
  for (std::string_view format : registry.formats()) {
    const Adapter* adapter = registry.find(format);
    ASSERT_NE(adapter, nullptr);
    for (EventKind kind : model::all_event_kinds()) {
      const bool expected = format == "hl7v2" && kind != EventKind::merge && kind != EventKind::new_document;
      EXPECT_EQ(adapter->writes_event(kind), expected) << format << " " << model::to_string(kind);
    }
  }
}

TEST(EventWriting, CsvWritesNothing) {
  auto csv = csv::CsvAdapter().with_mapping(read_source_file("config/mappings/city-hie.json"), "city-hie.json");
  ASSERT_TRUE(csv) << csv.error().describe();
  Translation lab = translate(**csv, read_source_file("config/sim/data/city/lab-results-C1001.csv"));
  EventWriteOptions options{"ev-1-0", "2025-03-04T09:12:00Z", "BROKER", "CITY"};
  for (EventKind kind : model::all_event_kinds()) {
    EXPECT_FALSE((*csv)->writes_event(kind));
    auto written = (*csv)->write_event(kind, lab.resources, options);
    ASSERT_FALSE(written) << model::to_string(kind);
    EXPECT_EQ(written.error().code(), Errc::unsupported);
    EXPECT_EQ(written.error().message(), "format 'csv' writes no " + std::string(model::to_string(kind)) + " events");
  }
}

}  // namespace
}  // namespace hie::adapters
