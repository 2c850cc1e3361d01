// build_searchset(): a merged record of real samples as pages of a searchset Bundle, checked
// entry by entry and by the FHIR validator.

#include "broker/routing/searchset.hpp"

#include <gtest/gtest.h>

#include "tests/routing/merge_samples.hpp"
#include "tests/support/fhir_validator.hpp"

namespace hie::routing {
namespace {

using testing::answer_from;
using testing::context_for;

const std::string kBase = "https://broker.example/fhir";

/// Jane Doe (NHS 3870146052) from north (HL7 v2) and city (CSV): one Patient, an Encounter, four
/// allergies and three lab results.
MergedRecord jane_doe() {
  return merge_answers({answer_from("hl7v2", {"config/sim/data/north/adt_a01.hl7"},
                                    context_for("north-hie"), "2025-03-05T10:00:01Z", true),
                        answer_from("csv",
                                    {"config/sim/data/city/gp-list-C1001.csv",
                                     "config/sim/data/city/lab-results-C1001.csv"},
                                    context_for("city-hie"), "2025-03-05T10:00:03Z")});
}

const std::vector<ExchangeOutcome> kOutcomes = {
    {"north-hie", ExchangeOutcome::Kind::answered, ""},
    {"west-hie", ExchangeOutcome::Kind::not_connected, ""},
    {"valley-hie", ExchangeOutcome::Kind::timed_out, "no answer after 2000 ms"},
    {"city-hie", ExchangeOutcome::Kind::answered, ""},
    {"south-hie", ExchangeOutcome::Kind::skipped_by_consent, ""},
    {"east-hie", ExchangeOutcome::Kind::failed, "HTTP 503"},
    {"lake-hie", ExchangeOutcome::Kind::not_found, ""},
};

std::string type_and_id(const model::Resource& r) {
  return std::string(model::resource_type(r)) + "/" +
         std::visit([](const auto& x) { return x.id; }, r);
}

const model::OperationOutcome& outcome_of(const model::Bundle& bundle) {
  return std::get<model::OperationOutcome>(*bundle.entry.back().resource);
}

std::vector<std::pair<std::string, std::string>> links_of(const model::Bundle& bundle) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& l : bundle.link) out.emplace_back(l.relation, l.url);
  return out;
}

TEST(Searchset, EveryMatchHasItsFullUrlAndModeAndItsProvenanceIsIncluded) {
  const auto record = jane_doe();
  ASSERT_EQ(record.resources.size(), 9u);
  const auto bundle = build_searchset(record, kOutcomes,
                                      {.base_url = kBase + "/",
                                       .path = "Patient/3870146052/$everything",
                                       .timestamp = "2025-03-05T10:00:04Z"});
  EXPECT_EQ(bundle.type, "searchset");
  EXPECT_EQ(bundle.timestamp, "2025-03-05T10:00:04Z");
  EXPECT_EQ(bundle.total, 9);
  ASSERT_EQ(bundle.entry.size(), 9u + record.provenance.size() + 1u);
  for (std::size_t i = 0; i < 9; ++i) {
    const auto& e = bundle.entry[i];
    EXPECT_EQ(e.search->mode, "match");
    EXPECT_EQ(e.full_url, kBase + "/" + type_and_id(*e.resource));
    EXPECT_EQ(*e.resource, record.resources[i]);
  }
  EXPECT_EQ(bundle.entry[0].full_url, kBase + "/Patient/3870146052");
  for (std::size_t i = 9; i + 1 < bundle.entry.size(); ++i) {
    const auto& e = bundle.entry[i];
    EXPECT_EQ(e.search->mode, "include");
    ASSERT_TRUE(std::holds_alternative<model::Provenance>(*e.resource));
    EXPECT_EQ(e.full_url, kBase + "/" + type_and_id(*e.resource));
  }
  EXPECT_EQ(bundle.entry.back().search->mode, "outcome");
  EXPECT_EQ(links_of(bundle), (std::vector<std::pair<std::string, std::string>>{
                                  {"self", kBase + "/Patient/3870146052/$everything"}}));
  EXPECT_TRUE(hie::testing::is_valid_fhir(testing::checked_json(bundle)));
}

TEST(Searchset, TheOutcomeNamesEachExchangeThatDidNotAnswerAndWhyWithoutPatientData) {
  const auto bundle =
      build_searchset(jane_doe(), kOutcomes, {.base_url = kBase, .path = "Observation"});
  const auto& issues = outcome_of(bundle).issue;
  ASSERT_EQ(issues.size(), 4u);  // answered and not_found say nothing
  EXPECT_EQ(issues[0].diagnostics, "exchange 'east-hie' failed to answer: HTTP 503");
  EXPECT_EQ(issues[0].code, "exception");
  EXPECT_EQ(issues[0].details->coding[0].code, "failed");
  EXPECT_EQ(issues[1].diagnostics,
            "exchange 'south-hie' was not asked: the patient's consent does not allow sharing its "
            "records");
  EXPECT_EQ(issues[1].code, "suppressed");
  EXPECT_EQ(issues[2].diagnostics,
            "exchange 'valley-hie' did not answer within its deadline: no answer after 2000 ms");
  EXPECT_EQ(issues[2].code, "timeout");
  EXPECT_EQ(issues[2].severity, "warning");
  EXPECT_EQ(issues[2].details->coding[0].system, exchange_outcome_system);
  EXPECT_EQ(issues[3].diagnostics, "exchange 'west-hie' is not connected");
  EXPECT_EQ(issues[3].details->coding[0].code, "not-connected");
  for (const auto& issue : issues) {
    EXPECT_EQ(issue.diagnostics.find("3870146052"), std::string::npos);
    EXPECT_EQ(issue.diagnostics.find("Doe"), std::string::npos);
  }
}

TEST(Searchset, AConflictIsAWarningInTheOutcome) {
  const std::vector<std::string> files = {"tests/data/fhir/r4-examples/Observation-f001.json"};
  auto a = answer_from("fhir", files, context_for("amsterdam-hie"), "2025-03-05T10:00:01Z");
  auto b = answer_from("fhir", files, context_for("utrecht-hie"), "2025-03-05T10:00:02Z");
  std::get<model::Observation>(b.resources.at(0)).status = "amended";
  const auto record = merge_answers({std::move(a), std::move(b)});
  ASSERT_EQ(record.resources.size(), 2u);
  const auto bundle = build_searchset(record, {}, {.base_url = kBase, .path = "Observation"});
  const auto& issues = outcome_of(bundle).issue;
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, "warning");
  EXPECT_EQ(issues[0].code, "conflict");
  EXPECT_EQ(issues[0].diagnostics,
            "Observation/f001, Observation/" +
                std::get<model::Observation>(record.resources[1]).id +
                " share an identifier (system "
                "http://www.bmc.nl/zorgportal/identifiers/observations) but differ "
                "(exchanges amsterdam-hie, utrecht-hie): every version kept, tagged conflict");
  EXPECT_TRUE(hie::testing::is_valid_fhir(testing::checked_json(bundle)));
}

TEST(Searchset, NothingToReportIsOneInformationIssue) {
  const std::vector<ExchangeOutcome> answered = {
      {"north-hie", ExchangeOutcome::Kind::answered, ""},
      {"city-hie", ExchangeOutcome::Kind::not_found, ""}};
  const auto bundle =
      build_searchset(jane_doe(), answered, {.base_url = kBase, .path = "Observation"});
  const auto& issues = outcome_of(bundle).issue;
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, "information");
  EXPECT_EQ(issues[0].diagnostics, "all 2 exchanges asked answered; no conflicts");
}

TEST(Searchset, PagesHoldTheirMatchesTheirProvenanceAndLinksToTheOthers) {
  const auto record = jane_doe();
  const std::size_t total = record.resources.size();
  ASSERT_EQ(total, 9u);
  const std::string query = "_count=4&patient=3870146052&_offset=4&category=laboratory";
  const std::string url =
      kBase + "/Observation?patient=3870146052&category=laboratory&_count=4&_offset=";
  std::vector<std::string> jsons;
  std::vector<std::string> seen;
  for (std::size_t offset : {0u, 4u, 8u}) {
    const auto bundle = build_searchset(
        record, kOutcomes,
        {.base_url = kBase, .path = "Observation", .query = query, .count = 4, .offset = offset});
    EXPECT_EQ(bundle.total, 9);
    std::size_t matches = 0;
    std::set<std::string> on_page;
    for (const auto& e : bundle.entry) {
      if (e.search->mode == "match") {
        ++matches;
        on_page.insert(type_and_id(*e.resource));
        seen.push_back(type_and_id(*e.resource));
      } else if (e.search->mode == "include") {
        EXPECT_TRUE(on_page.contains(std::get<model::Provenance>(*e.resource).target[0].reference));
      }
    }
    EXPECT_EQ(matches, offset == 8 ? 1u : 4u);
    EXPECT_EQ(outcome_of(bundle).issue.size(), 4u);  // on every page
    std::vector<std::pair<std::string, std::string>> expected = {
        {"self", url + std::to_string(offset)}, {"first", url + "0"}};
    if (offset > 0) expected.emplace_back("previous", url + std::to_string(offset - 4));
    if (offset < 8) expected.emplace_back("next", url + std::to_string(offset + 4));
    expected.emplace_back("last", url + "8");
    EXPECT_EQ(links_of(bundle), expected) << "offset " << offset;
    jsons.push_back(testing::checked_json(bundle));
  }
  // Every match on exactly one page, in the record's order.
  std::vector<std::string> all;
  for (const auto& r : record.resources) all.push_back(type_and_id(r));
  EXPECT_EQ(seen, all);

  // Past the end: no matches, and the way back leads to the last page.
  const auto beyond = build_searchset(
      record, {},
      {.base_url = kBase, .path = "Observation", .query = "", .count = 4, .offset = 20});
  EXPECT_EQ(beyond.entry.size(), 1u);
  EXPECT_EQ(beyond.total, 9);
  EXPECT_EQ(links_of(beyond)[2], (std::pair<std::string, std::string>{
                                     "previous", kBase + "/Observation?_count=4&_offset=8"}));
  jsons.push_back(testing::checked_json(beyond));

  // _count=0: the total alone.
  const auto count_only =
      build_searchset(record, {}, {.base_url = kBase, .path = "Observation", .count = 0});
  EXPECT_EQ(count_only.total, 9);
  ASSERT_EQ(count_only.entry.size(), 1u);
  EXPECT_EQ(count_only.entry[0].search->mode, "outcome");
  EXPECT_EQ(links_of(count_only), (std::vector<std::pair<std::string, std::string>>{
                                      {"self", kBase + "/Observation?_count=0&_offset=0"}}));
  jsons.push_back(testing::checked_json(count_only));

  const auto results = hie::testing::validate_fhir_batch(jsons);
  ASSERT_EQ(results.size(), jsons.size());
  for (const auto& r : results) EXPECT_TRUE(r.valid) << r.issues;
}

}  // namespace
}  // namespace hie::routing
