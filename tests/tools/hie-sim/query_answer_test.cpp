#include "tools/hie-sim/query_answer.hpp"

#include <gtest/gtest.h>

namespace hie::sim {
namespace {

const std::string kNhs = "https://fhir.nhs.uk/Id/nhs-number";

Patient patient(std::vector<Identifier> ids, std::vector<std::string> contents) {
  Patient p;
  p.identifiers = std::move(ids);
  for (std::size_t i = 0; i < contents.size(); ++i)
    p.records.push_back(
        {"/d/r" + std::to_string(i), "r" + std::to_string(i), std::move(contents[i])});
  return p;
}

Dataset dataset(std::string format, std::vector<Patient> patients) {
  return Dataset{"d.json", "x-hie", std::move(format), std::move(patients)};
}

rapidjson::Document json(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

QueryAnswer ask(const Dataset& d, std::string_view query) {
  return answer_query(d, json(query), "r1");
}

/// The query for one identifier.
std::string query_for(std::string_view system, std::string_view value) {
  return R"({"type":"query","id":"q9","patient":[{"system":")" + std::string(system) +
         R"(","value":")" + std::string(value) + R"("}],"deadline_ms":5000})";
}

/// A member of the reply as a string ("" when absent).
std::string member(const std::string& reply, const char* name) {
  auto doc = json(reply);
  return doc.HasMember(name) && doc[name].IsString() ? doc[name].GetString() : "";
}

TEST(QueryAnswer, Hl7v2MessagesGoBackToBackInOnePayload) {
  // The second file ends without a terminator, the first with LF, the third starts with a BOM.
  const auto d = dataset(
      "hl7v2",
      {patient({{kNhs, "9434765919"}}, {"MSH|1\nPID|1\n", "MSH|2\rPID|2", "\xEF\xBB\xBFMSH|3\r"})});
  auto answer = ask(d, query_for(kNhs, "9434765919"));
  EXPECT_EQ(answer.outcome, QueryOutcome::found);
  EXPECT_EQ(answer.patients, 1u);
  EXPECT_EQ(answer.reply, R"({"type":"result","id":"r1","re":"q9","format":"hl7v2","payload":)"
                          R"("MSH|1\nPID|1\nMSH|2\rPID|2\rMSH|3\r"})");
}

TEST(QueryAnswer, FhirMergesBundlesAndSingleResourcesIntoOneCollection) {
  const std::string bundle = R"({"resourceType":"Bundle","type":"searchset","entry":[
    {"fullUrl":"urn:uuid:a","resource":{"resourceType":"Patient","id":"a"},"search":{"mode":"match"}},
    {"fullUrl":"urn:uuid:b","resource":{"resourceType":"Observation","valueQuantity":{"value":1.00}}}]})";
  const std::string single =
      "{\n  \"resourceType\": \"Condition\",\n  \"onsetAge\": {\"value\": 1E-22}\n}\n";
  const auto d = dataset("fhir", {patient({{"urn:x", "1"}}, {bundle, single})});
  auto answer = ask(d, query_for("urn:x", "1"));
  ASSERT_EQ(answer.outcome, QueryOutcome::found);
  // Resources byte for byte (1.00 and 1E-22 kept), fullUrls kept, search/request dropped.
  EXPECT_EQ(
      member(answer.reply, "payload"),
      R"({"resourceType":"Bundle","type":"collection","entry":[)"
      R"({"fullUrl":"urn:uuid:a","resource":{"resourceType":"Patient","id":"a"}},)"
      R"({"fullUrl":"urn:uuid:b","resource":{"resourceType":"Observation","valueQuantity":{"value":1.00}}},)"
      "{\"resource\":{\n  \"resourceType\": \"Condition\",\n  \"onsetAge\": {\"value\": "
      "1E-22}\n}}]}");
  EXPECT_EQ(member(answer.reply, "format"), "fhir");
}

TEST(QueryAnswer, FhirKeepsOnlyTheAskedResourceTypes) {
  const auto d =
      dataset("fhir", {patient({{"urn:x", "1"}}, {R"({"resourceType":"Patient"})",
                                                  R"({"resourceType":"Observation","id":"o"})"})});
  auto answer = ask(d, R"({"type":"query","id":"q1","patient":[{"system":"urn:x","value":"1"}],
                           "resource_types":["Observation","Condition"]})");
  EXPECT_EQ(
      member(answer.reply, "payload"),
      R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Observation","id":"o"}}]})");
}

TEST(QueryAnswer, CsvHasItsHeaderOnce) {
  const auto d =
      dataset("csv", {patient({{kNhs, "9434765919"}}, {"nhs,test,value\r\n9434765919,Hb,128\r\n",
                                                       "nhs,test,value\r\n9434765919,K,4.1"}),
                      patient({{kNhs, "9434765919"}, {"urn:city", "C-9"}},
                              {"nhs,test,value\r\n9434765919,Na,139\r\n"})});
  auto answer = ask(d, query_for(kNhs, "9434765919"));
  EXPECT_EQ(answer.patients, 2u);
  EXPECT_EQ(member(answer.reply, "payload"),
            "nhs,test,value\r\n9434765919,Hb,128\r\n9434765919,K,4.1\r\n9434765919,Na,139\r\n");
}

TEST(QueryAnswer, CsvFilesWithDifferentHeadersAreSeparateDocuments) {
  const auto d = dataset(
      "csv",
      {patient({{"urn:x", "1"}}, {"nhs,name\n1,A\n", "nhs,test\n1,Hb\n", "nhs,name\n1,B\n"})});
  auto answer = ask(d, query_for("urn:x", "1"));
  auto reply = json(answer.reply);
  EXPECT_FALSE(reply.HasMember("payload"));
  ASSERT_TRUE(reply["payloads"].IsArray());
  ASSERT_EQ(reply["payloads"].Size(), 2u);
  EXPECT_STREQ(reply["payloads"][0].GetString(), "nhs,name\n1,A\n1,B\n");
  EXPECT_STREQ(reply["payloads"][1].GetString(), "nhs,test\n1,Hb\n");
}

TEST(QueryAnswer, CdaDocumentsAreOnePayloadEach) {
  const auto d = dataset("cda", {patient({{"urn:oid:2.16.840.1.113883.19.5", "998991"}},
                                         {"<ClinicalDocument>1</ClinicalDocument>",
                                          "<ClinicalDocument>2</ClinicalDocument>"})});
  auto answer = ask(d, query_for("urn:oid:2.16.840.1.113883.19.5", "998991"));
  EXPECT_EQ(
      answer.reply,
      R"({"type":"result","id":"r1","re":"q9","format":"cda","payloads":)"
      R"(["<ClinicalDocument>1</ClinicalDocument>","<ClinicalDocument>2</ClinicalDocument>"]})");
}

TEST(QueryAnswer, AnIdentifierMatchesOnlyWithItsSystem) {
  const auto d =
      dataset("cda", {patient({{"urn:a", "1"}}, {"<ClinicalDocument/>"}),
                      patient({{"urn:b", "1"}, {kNhs, "9434765919"}}, {"<ClinicalDocument/>"})});
  EXPECT_EQ(ask(d, query_for("urn:a", "1")).patients, 1u);
  EXPECT_EQ(ask(d, query_for("urn:c", "1")).outcome, QueryOutcome::not_found);
  // An NHS number matches however it is grouped.
  EXPECT_EQ(ask(d, query_for(kNhs, "943 476 5919")).patients, 1u);
  auto either = ask(d, R"({"type":"query","id":"q2","patient":[{"system":"urn:a","value":"1"},
                                                              {"system":"urn:b","value":"1"}]})");
  EXPECT_EQ(either.patients, 2u);
}

TEST(QueryAnswer, NoPatientIsNotFound) {
  const auto d = dataset("hl7v2", {patient({{kNhs, "9434765919"}}, {"MSH|1\r"})});
  auto answer = ask(d, query_for(kNhs, "3870146052"));
  EXPECT_EQ(answer.outcome, QueryOutcome::not_found);
  EXPECT_EQ(answer.patients, 0u);
  EXPECT_EQ(answer.reply, R"({"type":"result","id":"r1","re":"q9","error":"not-found"})");
}

TEST(QueryAnswer, AQueryWithoutPatientIsRefusedAsMalformed) {
  const auto d = dataset("hl7v2", {patient({{kNhs, "9434765919"}}, {"MSH|1\r"})});
  for (const char* query :
       {R"({"type":"query","id":"q3"})", R"({"type":"query","id":"q3","patient":[]})",
        R"({"type":"query","id":"q3","patient":[{"system":"urn:x"}]})",
        R"({"type":"query","id":"q3","patient":{"system":"urn:x","value":"1"}})"}) {
    auto answer = ask(d, query);
    EXPECT_EQ(answer.outcome, QueryOutcome::malformed) << query;
    EXPECT_EQ(answer.reply,
              R"({"type":"nack","id":"r1","re":"q3","reason":"malformed",)"
              R"("detail":"query.patient must be a non-empty array of {system, value}"})")
        << query;
  }
}

}  // namespace
}  // namespace hie::sim
