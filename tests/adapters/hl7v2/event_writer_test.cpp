// Events written as HL7 v2 (Hl7v2Adapter::write_event): each message read back by the adapter
// gives the patient's NHS number, the trigger, the control id and the event kind again.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/csv/csv_adapter.hpp"
#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "adapters/hl7v2/message.hpp"
#include "broker/model/nhs_number.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using hie::testing::read_source_file;
using model::EventKind;

Context context() {
  Context c;
  c.exchange_id = "test-hie";
  c.default_utc_offset = "+00:00";
  return c;
}

Translation translate(const Adapter& adapter, std::string_view bytes) {
  auto t = adapter.to_model(bytes, context());
  if (!t) throw std::runtime_error(t.error().describe());
  return std::move(*t);
}

EventWriteOptions options(std::string control_id) {
  return {std::move(control_id), "2025-03-04T09:12:00Z", "BROKER", "NORTH"};
}

std::string nhs_number_of(const Translation& t) {
  for (const auto& r : t.resources)
    if (const auto* p = std::get_if<model::Patient>(&r))
      for (const auto& id : p->identifier)
        if (id.system == model::NhsNumber::system) return id.value;
  return {};
}

template <class T>
std::size_t count_of(const Translation& t) {
  std::size_t n = 0;
  for (const auto& r : t.resources) n += std::holds_alternative<T>(r);
  return n;
}

/// adt_a01.hl7: a patient with NHS number 3870146052 and an inpatient visit.
const Translation& adt_sample() {
  static const Translation t =
      translate(Hl7v2Adapter(), read_source_file("tests/data/hl7v2/google-healthcare-data-harmonization/adt_a01.hl7"));
  return t;
}

struct AdtCase {
  EventKind kind;
  const char* type;  // MSH-9 as written
};

class AdtEventMessage : public ::testing::TestWithParam<AdtCase> {};

TEST_P(AdtEventMessage, ReadsBackAsTheSameEventForTheSamePatient) {
  const AdtCase& c = GetParam();
  const Hl7v2Adapter adapter;
  ASSERT_EQ(nhs_number_of(adt_sample()), "3870146052");
  ASSERT_TRUE(adapter.writes_event(c.kind));
  auto written = adapter.write_event(c.kind, adt_sample().resources, options("ev-42-0"));
  ASSERT_TRUE(written) << written.error().describe();

  auto message = Message::parse(*written);
  ASSERT_TRUE(message) << message.error().describe();
  EXPECT_EQ(std::string(message->control_id()), "ev-42-0");
  const std::string type = std::string(message->message_code()) + "^" + std::string(message->trigger_event()) +
                           "^" + std::string(message->message_structure());
  EXPECT_EQ(type, c.type);
  EXPECT_NE(written->find("|20250304091200+0000|"), std::string::npos) << *written;  // MSH-7
  EXPECT_TRUE(written->starts_with("MSH|^~\\&|HIEBROKER|BROKER||NORTH|")) << *written;

  Translation back = translate(adapter, *written);
  EXPECT_EQ(nhs_number_of(back), "3870146052");
  ASSERT_EQ(back.events.size(), 1u);
  EXPECT_EQ(back.events[0].kind, c.kind);
  EXPECT_EQ(count_of<model::Encounter>(back), 1u) << "the visit travels in PV1";
}

INSTANTIATE_TEST_SUITE_P(Kinds, AdtEventMessage,
                         ::testing::Values(AdtCase{EventKind::admission, "ADT^A01^ADT_A01"},
                                           AdtCase{EventKind::transfer, "ADT^A02^ADT_A02"},
                                           AdtCase{EventKind::discharge, "ADT^A03^ADT_A03"},
                                           AdtCase{EventKind::demographics_update, "ADT^A08^ADT_A01"}));

TEST(TransferMessage, HasNoNextOfKin) {
  // ADT_A02 has no NK1; the A01 written from the same patient does.
  model::Patient patient;
  patient.identifier.push_back({});
  patient.identifier.back().system = std::string(model::NhsNumber::system);
  patient.identifier.back().value = "3870146052";
  model::PatientContact contact;
  contact.name.emplace().family = "Doe";
  patient.contact.push_back(contact);
  const std::vector<model::Resource> resources{patient};
  const Hl7v2Adapter adapter;
  auto a02 = adapter.write_event(EventKind::transfer, resources, options("T1"));
  auto a01 = adapter.write_event(EventKind::admission, resources, options("T2"));
  ASSERT_TRUE(a02 && a01);
  EXPECT_EQ(a02->find("\rNK1|"), std::string::npos) << *a02;
  EXPECT_NE(a01->find("\rNK1|1|Doe"), std::string::npos) << *a01;
  EXPECT_NE(a02->find("\rPV1|1|N"), std::string::npos) << "no encounter: PV1-2 N\n" << *a02;
}

TEST(ResultMessage, CsvLabResultsAsOruR01) {
  auto csv = csv::CsvAdapter().with_mapping(read_source_file("config/mappings/city-hie.json"), "city-hie.json");
  ASSERT_TRUE(csv) << csv.error().describe();
  Translation lab = translate(**csv, read_source_file("config/sim/data/city/lab-results-C1001.csv"));
  ASSERT_EQ(count_of<model::Observation>(lab), 3u);

  const Hl7v2Adapter adapter;
  auto written = adapter.write_event(EventKind::new_result, lab.resources, options("ev-7-0"));
  ASSERT_TRUE(written) << written.error().describe();
  auto message = Message::parse(*written);
  ASSERT_TRUE(message);
  EXPECT_EQ(std::string(message->message_code()) + "^" + std::string(message->trigger_event()), "ORU^R01");
  EXPECT_EQ(std::string(message->control_id()), "ev-7-0");
  EXPECT_NE(written->find("|NM|718-7^Hemoglobin [Mass/volume] in Blood^LN||128|g/L"), std::string::npos) << *written;

  Translation back = translate(adapter, *written);
  EXPECT_EQ(nhs_number_of(back), "3870146052");
  EXPECT_EQ(count_of<model::Observation>(back), 3u);
  ASSERT_EQ(back.events.size(), 1u);
  EXPECT_EQ(back.events[0].kind, EventKind::new_result);
}

TEST(EventMessageErrors, KindsNotWrittenAndBadEnvelopes) {
  const Hl7v2Adapter adapter;
  const auto& resources = adt_sample().resources;
  for (EventKind kind : {EventKind::merge, EventKind::new_document}) {
    EXPECT_FALSE(adapter.writes_event(kind));
    auto written = adapter.write_event(kind, resources, options("X"));
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().code(), Errc::unsupported);
  }
  auto no_patient = adapter.write_event(EventKind::admission, {}, options("X"));
  ASSERT_FALSE(no_patient);
  EXPECT_EQ(no_patient.error().location(), "PID");

  auto no_id = adapter.write_event(EventKind::admission, resources, options(""));
  ASSERT_FALSE(no_id);
  EXPECT_EQ(no_id.error().location(), "MSH-10");

  EventWriteOptions date_only = options("X");
  date_only.timestamp_fhir = "2025-03-04";  // a date is not an instant: MSH-7 needs the time
  auto bad_time = adapter.write_event(EventKind::admission, resources, date_only);
  ASSERT_FALSE(bad_time);
  EXPECT_EQ(bad_time.error().location(), "MSH-7");
}

}  // namespace
}  // namespace hie::adapters::hl7v2
