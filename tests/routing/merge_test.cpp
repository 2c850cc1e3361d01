// merge_answers() over real samples translated by the real adapters: one Patient per person,
// references rewritten, the same resource collapsed with a Provenance per exchange, differing
// versions kept and flagged, and the same record for any order of the answers.

#include "broker/routing/merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "broker/routing/searchset.hpp"
#include "tests/routing/merge_samples.hpp"
#include "tests/support/fhir_validator.hpp"

namespace hie::routing {
namespace {

using testing::all_of_type;
using testing::answer_from;
using testing::context_for;
using testing::has_conflict_tag;
using testing::provenance_of;
using testing::references_in;

constexpr const char* kNhs = "https://fhir.nhs.uk/Id/nhs-number";
constexpr const char* kJaneDoe = "3870146052";  // in north's adt_a01.hl7 and city's C1001 files
const std::string kAdt = "config/sim/data/north/adt_a01.hl7";
const std::vector<std::string> kCityJaneDoe = {"config/sim/data/city/gp-list-C1001.csv",
                                               "config/sim/data/city/lab-results-C1001.csv"};

std::vector<std::string> identifier_keys(const model::Patient& p) {
  std::vector<std::string> keys;
  for (const auto& id : p.identifier) keys.push_back(id.system + "|" + id.value);
  return keys;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::ranges::find(v, s) != v.end();
}

/// A minimal HL7 v2 ADT^A08 naming one patient.
std::string adt(const std::string& control_id, const std::string& pid3, const std::string& sex,
                const std::string& birth = "19700101") {
  return "MSH|^~\\&|PAS|FAC|HIE|HIE|20240102030405+0000||ADT^A08|" + control_id +
         "|P|2.5.1\rEVN|A08|20240102030405+0000\rPID|1||" + pid3 + "||SMITH^JOHN||" + birth + "|" +
         sex + "\r";
}

SourceAnswer hl7_answer(const std::string& exchange, const std::string& message,
                        const std::string& retrieved) {
  const auto context = context_for(exchange, {{"HOSP", "https://trust.example/Id/mrn"}});
  SourceAnswer answer;
  answer.exchange = exchange;
  answer.retrieved = retrieved;
  answer.resources = testing::translate_bytes("hl7v2", message, context);
  return answer;
}

/// The same ADT message as two exchanges answer it: north from the store, south live.
std::vector<SourceAnswer> same_message_twice() {
  return {answer_from("hl7v2", {kAdt}, context_for("south-hie"), "2025-03-05T10:00:02Z"),
          answer_from("hl7v2", {kAdt}, context_for("north-hie"), "2025-03-05T10:00:01Z", true)};
}

TEST(MergeAnswers, TheSameMessageFromTwoExchangesIsOnePatientWithBothExchangesIdentifiers) {
  const auto record = merge_answers(same_message_twice());
  const auto patients = all_of_type<model::Patient>(record.resources);
  ASSERT_EQ(patients.size(), 1u);
  const model::Patient& p = *patients[0];
  EXPECT_EQ(p.id, kJaneDoe);
  EXPECT_EQ(p.meta->source, "north-hie");  // the first exchange by id
  const auto keys = identifier_keys(p);
  EXPECT_EQ(std::ranges::count(keys, std::string(kNhs) + "|" + kJaneDoe), 1);
  EXPECT_TRUE(contains(keys, "urn:hiebroker:north-hie:id:SIMULATOR%20MRN|1419055458"));
  EXPECT_TRUE(contains(keys, "urn:hiebroker:south-hie:id:SIMULATOR%20MRN|1419055458"));
  EXPECT_TRUE(contains(keys, "urn:hiebroker:south-hie:id:SIMULATOR4%20MRN4|1419055459"));
  // The message repeats its MRN; the merged Patient holds each identifier once.
  EXPECT_EQ(keys.size(), 5u);
  EXPECT_EQ(p.name.size(), 1u);
  EXPECT_EQ(p.birth_date, "1994-06-15");
  EXPECT_FALSE(testing::has_conflict_tag(record.resources.front()));
  EXPECT_TRUE(record.conflicts.empty());
  // Patients come first in the record.
  EXPECT_TRUE(std::holds_alternative<model::Patient>(record.resources.front()));

  const auto provenance = provenance_of(record, "Patient", kJaneDoe);
  ASSERT_EQ(provenance.size(), 2u);
  EXPECT_EQ(provenance[0]->agent[0].who.identifier->value, "north-hie");
  EXPECT_EQ(provenance[0]->recorded, "2025-03-05T10:00:01Z");
  EXPECT_EQ(provenance[0]->activity->coding[0].code, "stored");
  EXPECT_EQ(provenance[1]->agent[0].who.identifier->system, exchange_identifier_system);
  EXPECT_EQ(provenance[1]->agent[0].who.identifier->value, "south-hie");
  EXPECT_EQ(provenance[1]->recorded, "2025-03-05T10:00:02Z");
  EXPECT_EQ(provenance[1]->activity->coding[0].code, "live");
  // Each names the Patient as its exchange sent it.
  ASSERT_EQ(provenance[1]->entity.size(), 1u);
  EXPECT_EQ(provenance[1]->entity[0].what.identifier->system,
            "https://hiebroker.dev/exchange/south-hie");
  EXPECT_TRUE(provenance[1]->entity[0].what.identifier->value.starts_with("Patient/"));
  EXPECT_NE(provenance[1]->entity[0].what.identifier->value, "Patient/" + std::string(kJaneDoe));
}

TEST(MergeAnswers, EveryReferenceToEitherSourcePatientNamesTheMergedOne) {
  const auto record = merge_answers(same_message_twice());
  std::size_t patient_references = 0;
  for (const auto& r : record.resources)
    for (const auto& ref : references_in(r))
      if (ref.starts_with("Patient/")) {
        EXPECT_EQ(ref, "Patient/" + std::string(kJaneDoe));
        ++patient_references;
      }
  // Two Encounters (their visit numbers are under each exchange's own system, so they are not
  // "the same" to the merge) and four allergies.
  EXPECT_EQ(all_of_type<model::Encounter>(record.resources).size(), 2u);
  EXPECT_EQ(patient_references, 6u);
}

TEST(MergeAnswers, IdenticalResourcesCollapseIntoOneWithAProvenancePerExchange) {
  const auto record = merge_answers(same_message_twice());
  const auto allergies = all_of_type<model::AllergyIntolerance>(record.resources);
  ASSERT_EQ(allergies.size(), 4u);  // not 8
  for (const auto* allergy : allergies) {
    EXPECT_EQ(allergy->meta->source, "north-hie");
    const auto provenance = provenance_of(record, "AllergyIntolerance", allergy->id);
    ASSERT_EQ(provenance.size(), 2u) << allergy->id;
    EXPECT_EQ(provenance[0]->agent[0].who.display, "north-hie");
    EXPECT_EQ(provenance[1]->agent[0].who.display, "south-hie");
    EXPECT_EQ(provenance[0]->target[0].reference, "AllergyIntolerance/" + allergy->id);
  }
  // Two for the Patient and each allergy, one for each Encounter.
  ASSERT_EQ(record.resources.size(), 7u);
  EXPECT_EQ(record.provenance.size(), 12u);
}

TEST(MergeAnswers, HL7AndCsvAnswersForOneNhsNumberAreOnePatient) {
  const auto record = merge_answers(
      {answer_from("csv", kCityJaneDoe, context_for("city-hie"), "2025-03-05T10:00:03Z"),
       answer_from("hl7v2", {kAdt}, context_for("north-hie"), "2025-03-05T10:00:01Z", true)});
  const auto patients = all_of_type<model::Patient>(record.resources);
  ASSERT_EQ(patients.size(), 1u);  // city's two files give two Patients of their own, too
  const model::Patient& p = *patients[0];
  EXPECT_EQ(p.id, kJaneDoe);
  EXPECT_EQ(p.meta->source, "city-hie");
  const auto keys = identifier_keys(p);
  EXPECT_TRUE(contains(keys, "urn:hiebroker:city-hie:id:CITY|C-1001"));
  EXPECT_TRUE(contains(keys, "urn:hiebroker:north-hie:id:SIMULATOR%20MRN|1419055458"));
  EXPECT_EQ(std::ranges::count(keys, std::string(kNhs) + "|" + kJaneDoe), 1);
  EXPECT_EQ(p.gender, "female");  // only city's file says (north's PID-8 is not an HL7 sex code)
  EXPECT_EQ(p.name.size(), 2u);   // "Jane Doe", and north's fuller "Miss Jane Janny Doe Jr PhD"
  EXPECT_EQ(p.address.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<model::DateTime>(p.deceased));  // from north only
  EXPECT_TRUE(record.conflicts.empty());

  const auto labs = all_of_type<model::Observation>(record.resources);
  ASSERT_EQ(labs.size(), 3u);
  for (const auto* lab : labs) {
    EXPECT_EQ(lab->subject->reference, "Patient/" + std::string(kJaneDoe));
    EXPECT_EQ(provenance_of(record, "Observation", lab->id).size(), 1u);
  }
  EXPECT_EQ(provenance_of(record, "Patient", kJaneDoe).size(), 2u);
  // city's two Patients are one exchange's part: one Provenance naming both.
  EXPECT_EQ(provenance_of(record, "Patient", kJaneDoe)[0]->entity.size(), 2u);
}

/// A Dutch hospital's Patient and Observation, the same FHIR resources from two exchanges; the
/// FHIR adapter keeps their ids (f001), so both answers use the same ids.
std::vector<SourceAnswer> dutch_answers(bool change_the_value) {
  const std::vector<std::string> files = {"tests/data/fhir/r4-examples/Patient-f001.json",
                                          "tests/data/fhir/r4-examples/Observation-f001.json"};
  auto a = answer_from("fhir", files, context_for("amsterdam-hie"), "2025-03-05T10:00:01Z");
  auto b = answer_from("fhir", files, context_for("utrecht-hie"), "2025-03-05T10:00:02Z");
  if (change_the_value)
    for (auto& r : b.resources)
      if (auto* obs = std::get_if<model::Observation>(&r))
        std::get<model::Quantity>(obs->value).value = model::Decimal::parse("7.1").value();
  return {std::move(b), std::move(a)};
}

TEST(MergeAnswers, TheSameFhirResourcesFromTwoExchangesCollapseAndKeepTheirReferences) {
  const auto record = merge_answers(dutch_answers(false));
  const auto patients = all_of_type<model::Patient>(record.resources);
  const auto observations = all_of_type<model::Observation>(record.resources);
  ASSERT_EQ(patients.size(), 1u);
  ASSERT_EQ(observations.size(), 1u);
  // No NHS number: a stable id made from the identifiers, not the exchange's "f001".
  EXPECT_EQ(patients[0]->id.size(), 32u);
  EXPECT_EQ(observations[0]->id, "f001");
  EXPECT_EQ(observations[0]->subject->reference, "Patient/" + patients[0]->id);
  EXPECT_EQ(observations[0]->performer[0].reference,
            "Practitioner/f005");  // not in the answers: kept
  EXPECT_EQ(provenance_of(record, "Observation", "f001").size(), 2u);
  EXPECT_TRUE(record.conflicts.empty());
}

TEST(MergeAnswers, AChangedCopyIsKeptBesideTheOriginalAndBothAreFlagged) {
  const auto record = merge_answers(dutch_answers(true));
  const auto patients = all_of_type<model::Patient>(record.resources);
  const auto observations = all_of_type<model::Observation>(record.resources);
  ASSERT_EQ(patients.size(), 1u);
  ASSERT_EQ(observations.size(), 2u);
  // The first exchange's keeps its id; the other, which had the same id, gets one of its own.
  EXPECT_EQ(observations[0]->id, "f001");
  EXPECT_NE(observations[1]->id, "f001");
  EXPECT_EQ(observations[0]->meta->source, "amsterdam-hie");
  EXPECT_EQ(observations[1]->meta->source, "utrecht-hie");
  EXPECT_EQ(std::get<model::Quantity>(observations[0]->value).value->text(), "6.3");
  EXPECT_EQ(std::get<model::Quantity>(observations[1]->value).value->text(), "7.1");
  for (const auto* obs : observations) {
    EXPECT_EQ(obs->subject->reference, "Patient/" + patients[0]->id);
    EXPECT_EQ(provenance_of(record, "Observation", obs->id).size(), 1u);
  }
  for (const auto& r : record.resources)
    EXPECT_EQ(has_conflict_tag(r), std::holds_alternative<model::Observation>(r))
        << model::resource_type(r);

  ASSERT_EQ(record.conflicts.size(), 1u);
  const MergeConflict& c = record.conflicts[0];
  EXPECT_EQ(c.kind, MergeConflict::Kind::versions_differ);
  EXPECT_EQ(c.resource_type, "Observation");
  EXPECT_EQ(c.ids, (std::vector<std::string>{observations[0]->id, observations[1]->id}));
  EXPECT_EQ(c.exchanges, (std::vector<std::string>{"amsterdam-hie", "utrecht-hie"}));
  EXPECT_EQ(c.detail, "http://www.bmc.nl/zorgportal/identifiers/observations");
}

TEST(MergeAnswers, PatientsWithDifferentNhsNumbersAreNeverMergedEvenWithASharedMrn) {
  const auto record =
      merge_answers({hl7_answer("a-hie", adt("A1", "9434765919^^^NHS^NH~M100^^^HOSP^MR", "M"),
                                "2025-03-05T10:00:01Z"),
                     hl7_answer("b-hie", adt("B1", "4010232137^^^NHS^NH~M100^^^HOSP^MR", "M"),
                                "2025-03-05T10:00:02Z")});
  const auto patients = all_of_type<model::Patient>(record.resources);
  ASSERT_EQ(patients.size(), 2u);
  EXPECT_EQ(patients[0]->id, "9434765919");
  EXPECT_EQ(patients[1]->id, "4010232137");
  ASSERT_EQ(record.conflicts.size(), 1u);
  EXPECT_EQ(record.conflicts[0].kind, MergeConflict::Kind::nhs_numbers_differ);
  EXPECT_EQ(record.conflicts[0].ids, (std::vector<std::string>{"9434765919", "4010232137"}));
  EXPECT_EQ(record.conflicts[0].detail, "https://trust.example/Id/mrn");
  EXPECT_TRUE(has_conflict_tag(record.resources[0]));
  EXPECT_TRUE(has_conflict_tag(record.resources[1]));
}

TEST(MergeAnswers, ASharedLocalMrnMergesAndADifferentGenderKeepsTheFirstAsAConflict) {
  const auto record = merge_answers(
      {hl7_answer("b-hie", adt("B1", "M100^^^HOSP^MR", "F", "1970"), "2025-03-05T10:00:02Z"),
       hl7_answer("a-hie", adt("A1", "9434765919^^^NHS^NH~M100^^^HOSP^MR", "M"),
                  "2025-03-05T10:00:01Z")});
  const auto patients = all_of_type<model::Patient>(record.resources);
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_EQ(patients[0]->id, "9434765919");
  EXPECT_EQ(patients[0]->gender, "male");
  EXPECT_EQ(patients[0]->birth_date,
            "1970-01-01");  // b-hie's "1970" is the same date, less precise
  EXPECT_TRUE(has_conflict_tag(record.resources[0]));
  ASSERT_EQ(record.conflicts.size(), 1u);
  EXPECT_EQ(record.conflicts[0].kind, MergeConflict::Kind::patient_element_differs);
  EXPECT_EQ(record.conflicts[0].detail, "gender");
  EXPECT_EQ(record.conflicts[0].ids, std::vector<std::string>{"9434765919"});
  EXPECT_EQ(record.conflicts[0].exchanges, (std::vector<std::string>{"a-hie", "b-hie"}));
}

/// An Encounter and its Condition pointing at each other, as one exchange sends them.
SourceAnswer encounter_with_diagnosis(const std::string& exchange) {
  model::Patient patient;
  patient.id = exchange + "-patient";
  patient.meta.emplace().source = exchange;
  auto& nhs = patient.identifier.emplace_back();
  nhs.system = kNhs;
  nhs.value = "9434765919";
  model::Encounter encounter;
  encounter.id = exchange + "-encounter";
  encounter.meta.emplace().source = exchange;
  encounter.status = "finished";
  encounter.class_.system = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  encounter.class_.code = "AMB";
  encounter.subject.emplace().reference = "Patient/" + patient.id;
  encounter.diagnosis.emplace_back().condition.reference = "Condition/" + exchange + "-condition";
  model::Condition condition;
  condition.id = exchange + "-condition";
  condition.meta.emplace().source = exchange;
  condition.code.emplace().text = "asthma";
  condition.subject.reference = "Patient/" + patient.id;
  condition.encounter.emplace().reference = "Encounter/" + encounter.id;
  return {.exchange = exchange,
          .retrieved = "2025-03-05T10:00:00Z",
          .stored = false,
          .resources = {patient, encounter, condition}};
}

TEST(MergeAnswers, ResourcesThatReferToEachOtherCollapseTogether) {
  const auto record =
      merge_answers({encounter_with_diagnosis("b-hie"), encounter_with_diagnosis("a-hie")});
  const auto encounters = all_of_type<model::Encounter>(record.resources);
  const auto conditions = all_of_type<model::Condition>(record.resources);
  ASSERT_EQ(encounters.size(), 1u);
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(encounters[0]->id, "a-hie-encounter");
  EXPECT_EQ(encounters[0]->diagnosis[0].condition.reference, "Condition/a-hie-condition");
  EXPECT_EQ(conditions[0]->encounter->reference, "Encounter/a-hie-encounter");
  EXPECT_EQ(conditions[0]->subject.reference, "Patient/9434765919");
  EXPECT_EQ(provenance_of(record, "Condition", "a-hie-condition").size(), 2u);

  // A different diagnosis from b: two Conditions, so two Encounters (each names its own).
  auto b = encounter_with_diagnosis("b-hie");
  std::get<model::Condition>(b.resources[2]).code->text = "eczema";
  const auto apart = merge_answers({std::move(b), encounter_with_diagnosis("a-hie")});
  EXPECT_EQ(all_of_type<model::Encounter>(apart.resources).size(), 2u);
  EXPECT_EQ(all_of_type<model::Condition>(apart.resources).size(), 2u);
  EXPECT_TRUE(apart.conflicts.empty());  // no shared identifier: different, not conflicting
}

std::string searchset_json(std::vector<SourceAnswer> answers) {
  const auto record = merge_answers(std::move(answers));
  return testing::checked_json(build_searchset(
      record, {},
      {.base_url = "https://broker.example/fhir", .path = "Patient/3870146052/$everything"}));
}

TEST(MergeAnswers, AnyOrderOfTheAnswersGivesTheSameBytes) {
  std::vector<SourceAnswer> answers = same_message_twice();
  answers.push_back(
      answer_from("csv", kCityJaneDoe, context_for("city-hie"), "2025-03-05T10:00:03Z"));
  for (auto& a : dutch_answers(true)) answers.push_back(std::move(a));
  std::vector<std::size_t> order(answers.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::string first;
  std::size_t permutations = 0;
  do {
    std::vector<SourceAnswer> shuffled;
    for (auto i : order) shuffled.push_back(answers[i]);
    const std::string json = searchset_json(std::move(shuffled));
    if (first.empty()) first = json;
    EXPECT_EQ(json, first) << "permutation " << permutations;
    ++permutations;
  } while (std::ranges::next_permutation(order).found && permutations < 24);
  EXPECT_EQ(permutations, 24u);
  EXPECT_NE(first.find("\"id\":\"3870146052\""), std::string::npos);
  EXPECT_TRUE(hie::testing::is_valid_fhir(first));
}

}  // namespace
}  // namespace hie::routing
