// The FHIR adapter on small inputs: each Bundle type, NDJSON, ids, meta.source, exact decimals,
// sniff, the registry, and malformed input of every kind (an error with a one-line reason).

#include <gtest/gtest.h>

#include "adapters/registry.hpp"
#include "broker/model/json.hpp"
#include "tests/adapters/fhir/fhir_test_support.hpp"

namespace hie::adapters::fhir::test {
namespace {

std::string bundle(std::string_view type, std::string_view entries) {
  return R"({"resourceType":"Bundle","type":")" + std::string(type) + R"(","entry":[)" +
         std::string(entries) + "]}";
}

constexpr std::string_view kPatientEntry =
    R"({"fullUrl":"urn:uuid:0a4c7c2e-5b1f-4d3a-9a0e-1c2d3e4f5a6b",)"
    R"("resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]}})";
constexpr std::string_view kObservationEntry =
    R"({"fullUrl":"urn:uuid:1b5d8d3f-6c2a-4e4b-8b1f-2d3e4f5a6b7c","resource":{"resourceType":"Observation",)"
    R"("status":"final","code":{"text":"weight"},"subject":{"reference":"urn:uuid:0a4c7c2e-5b1f-4d3a-9a0e-1c2d3e4f5a6b"},)"
    R"("valueQuantity":{"value":0.0100,"unit":"kg"}}})";

const model::Observation& only_observation(const Translation& t) {
  auto obs = all_of<model::Observation>(t);
  if (obs.size() != 1) throw std::runtime_error("expected one Observation");
  return *obs[0];
}

TEST(FhirAdapter, EveryBundleTypeIsUnwrappedAndResolved) {
  for (std::string_view type : {"collection", "searchset", "transaction", "batch", "document",
                                "message", "history", "transaction-response", "batch-response"}) {
    std::string entries = std::string(kPatientEntry) + "," + std::string(kObservationEntry);
    Translation t = must_translate(bundle(type, entries));
    ASSERT_EQ(t.resources.size(), 2u) << type;
    EXPECT_EQ(std::get<model::Patient>(t.resources[0]).id, "0a4c7c2e-5b1f-4d3a-9a0e-1c2d3e4f5a6b");
    EXPECT_EQ(only_observation(t).subject->reference,
              "Patient/0a4c7c2e-5b1f-4d3a-9a0e-1c2d3e4f5a6b")
        << type;
    EXPECT_EQ(issues_at(t, "/", "Bundle unwrapped"), 1) << type;
  }
}

TEST(FhirAdapter, TransactionRequestsAndEntriesWithoutResource) {
  std::string entries = std::string(R"({"resource":{"resourceType":"Patient"},)"
                                    R"("request":{"method":"PUT","url":"Patient/p-7"}},)") +
                        R"({"request":{"method":"DELETE","url":"Patient/234"}})";
  Translation t = must_translate(bundle("transaction", entries));
  ASSERT_EQ(t.resources.size(), 1u);
  EXPECT_EQ(std::get<model::Patient>(t.resources[0]).id, "p-7");  // named by the PUT
  EXPECT_EQ(issues_at(t, "/entry/1/request", "a DELETE request without a resource"), 1);
  EXPECT_EQ(issues_at(t, "/entry/0/request", "entry.request of 1 entry not carried over"), 1);
}

TEST(FhirAdapter, SearchsetAndRelativeReferencesAgainstTheEntryBase) {
  std::string entries =
      R"({"fullUrl":"https://ehr.example/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1"},"search":{"mode":"include"}},)"
      R"({"fullUrl":"https://ehr.example/fhir/Observation/o1","resource":{"resourceType":"Observation","id":"o1",)"
      R"("status":"final","code":{"text":"x"},"subject":{"reference":"Patient/p1"},"performer":[{"reference":"Practitioner/dr"}]},"search":{"mode":"match"}})";
  Translation t = must_translate(bundle("searchset", entries));
  const model::Observation& o = only_observation(t);
  EXPECT_EQ(o.subject->reference, "Patient/p1");
  EXPECT_EQ(o.performer.at(0).reference, "Practitioner/dr");  // on the sender's server: kept
  EXPECT_EQ(issues_at(t, "/entry/0/search", "entry.search of 2 entries"), 1);
}

TEST(FhirAdapter, ReferencesToDroppedEntries) {
  std::string entries =
      R"({"fullUrl":"urn:uuid:9f0e1d2c-3b4a-4c5d-8e6f-7a8b9c0d1e2f","resource":{"resourceType":"Practitioner",)"
      R"("identifier":[{"system":"https://fhir.hl7.org.uk/Id/gmc-number","value":"C1234567"}]}},)"
      R"({"fullUrl":"https://ehr.example/fhir/Organization/org1","resource":{"resourceType":"Organization","id":"org1"}},)"
      R"({"fullUrl":"urn:uuid:0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f","resource":{"resourceType":"Claim","id":"c1"}},)"
      R"({"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"performer":[)"
      R"({"reference":"urn:uuid:9f0e1d2c-3b4a-4c5d-8e6f-7a8b9c0d1e2f"},{"reference":"Organization/org1"},)"
      R"({"reference":"urn:uuid:0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f"},{"reference":"urn:uuid:5e6f7a8b-0000-4000-8000-000000000000","display":"Dr X"}]}})";
  Translation t = must_translate(bundle("collection", entries));
  const model::Observation& o = only_observation(t);
  ASSERT_EQ(o.performer.size(), 3u);  // the Claim reference said nothing else: removed
  EXPECT_EQ(o.performer[0].type, "Practitioner");
  EXPECT_EQ(o.performer[0].identifier->value, "C1234567");
  EXPECT_EQ(o.performer[1].reference, "https://ehr.example/fhir/Organization/org1");
  EXPECT_EQ(o.performer[2].reference, "");
  EXPECT_EQ(o.performer[2].display, "Dr X");
  EXPECT_EQ(issues_at(t, "/entry/3/resource/performer/0/reference", "points at a Practitioner"), 1);
  EXPECT_EQ(issues_at(t, "/entry/3/resource/performer/2/reference", "points at a Claim"), 1);
  EXPECT_EQ(issues_at(t, "/entry/3/resource/performer/3/reference", "names no entry"), 1);
  EXPECT_EQ(issues_at(t, "/entry/2", "entry dropped: resource type 'Claim'"), 1);
}

TEST(FhirAdapter, ConditionalReferenceResolvedByIdentifier) {
  std::string entries =
      std::string(kPatientEntry) +
      R"(,{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},)"
      R"("subject":{"reference":"Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9434765919"}}})";
  Translation t = must_translate(bundle("transaction", entries));
  EXPECT_EQ(only_observation(t).subject->reference, "Patient/0a4c7c2e-5b1f-4d3a-9a0e-1c2d3e4f5a6b");
}

TEST(FhirAdapter, IdsAreKeptMadeFromFullUrlOrStable) {
  std::string entries =
      R"({"resource":{"resourceType":"Patient","id":"bad_id!"}},)"
      R"({"fullUrl":"http://x.example/fhir/Patient/from-url","resource":{"resourceType":"Patient"}})";
  const std::string input = bundle("collection", entries);
  Translation t = must_translate(input);
  ASSERT_EQ(t.resources.size(), 2u);
  const std::string made = std::get<model::Patient>(t.resources[0]).id;
  EXPECT_EQ(made.size(), 32u);
  EXPECT_EQ(std::get<model::Patient>(t.resources[1]).id, "from-url");
  EXPECT_EQ(issues_at(t, "/entry/0/resource/id", "not a valid FHIR id"), 1);
  EXPECT_EQ(std::get<model::Patient>(must_translate(input).resources[0]).id, made);  // stable
  Context other = test_context();
  other.exchange_id = "other-hie";
  EXPECT_NE(std::get<model::Patient>(FhirAdapter().to_model(input, other)->resources[0]).id, made);
}

TEST(FhirAdapter, MetaSourceIsTheExchange) {
  Translation t = must_translate(
      R"({"resourceType":"Patient","id":"p","meta":{"source":"http://elsewhere.example"}})");
  EXPECT_EQ(std::get<model::Patient>(t.resources[0]).meta->source, "test-hie");
  EXPECT_EQ(issues_at(t, "/meta/source", "meta.source replaced"), 1);
}

TEST(FhirAdapter, ExactDecimalsRoundTrip) {
  Translation t = must_translate(read_file(kData / "r4-examples/Observation-decimal.json"));
  auto json = model::to_json(t.resources.at(0));
  ASSERT_TRUE(json);
  for (std::string_view value : {"1.0", "1.00", "1E-22", "1000000000000000000",
                                 "1.000000000000000000E-245", "-1.000000000000000000E+245"}) {
    EXPECT_NE(json->find("\"value\":" + std::string(value) + ","), std::string::npos) << value;
  }
  Translation b = must_translate(bundle("collection", kObservationEntry));
  EXPECT_EQ(std::get<model::Quantity>(only_observation(b).value).value->text(), "0.0100");
  EXPECT_NE(model::to_json(b.resources.at(0))->find("\"value\":0.0100,"), std::string::npos);
}

TEST(FhirAdapter, NdjsonLinesBlankLinesAndABadLine) {
  std::string input =
      std::string(R"({"resourceType":"Patient","id":"a"})") + "\n\n" +
      R"({"resourceType":"Observation","id":"o","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/a"},"foo":1})" +
      "\r\n" + R"({"resourceType":"Patient","id":)" + "\n" +
      R"({"resourceType":"Practitioner","id":"dr"})" + "\n" + R"({"resourceType":"Patient"})" +
      "\n";
  Translation t = must_translate(input);
  EXPECT_EQ(count_by_type(t), (std::map<std::string, int>{{"Observation", 1}, {"Patient", 2}}));
  EXPECT_EQ(issues_at(t, "line 3: /foo"), 1);
  ASSERT_EQ(issues_with(t, "line not carried over"), 1);
  auto bad = std::find_if(t.issues.begin(), t.issues.end(), [](const auto& i) {
    return i.message.ends_with("line not carried over");
  });
  EXPECT_TRUE(bad->location.starts_with("line 4")) << bad->location;
  EXPECT_EQ(bad->severity, model::Severity::error);
  EXPECT_EQ(issues_at(t, "line 5: /resourceType", "'Practitioner' is not held"), 1);
  // An id-less line gets an id from its line, so two such lines differ.
  EXPECT_EQ(std::get<model::Patient>(t.resources[2]).id.size(), 32u);
}

TEST(FhirAdapter, NdjsonWithNoReadableLineIsAnError) {
  auto t = translate("{\"a\":1}\n{\"b\":2}\n");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message().find("no line of the NDJSON input"), std::string::npos);
  EXPECT_TRUE(t.error().location().starts_with("line 1")) << t.error().location();
}

TEST(FhirAdapter, NdjsonIssuesAreBounded) {
  std::string input = R"({"resourceType":"Patient","id":"a"})";
  for (int i = 0; i < 12000; ++i) input += "\n{\"resourceType\":\"Foo\"}";
  Translation t = must_translate(input);
  EXPECT_EQ(t.resources.size(), 1u);
  ASSERT_EQ(t.issues.size(), 10001u);
  EXPECT_EQ(t.issues.back().code, "too-costly");
  EXPECT_EQ(t.issues.back().message, "2000 further issues not listed");
  EXPECT_EQ(t.issues.back().severity, model::Severity::error);
}

TEST(FhirAdapter, MalformedInputIsAnErrorWithOneLineReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"blank", " \n\t "},
      {"truncated", R"({"resourceType":"Patient","name":[{"family":"Sm)"},
      {"array", "[]"},
      {"string", "\"x\""},
      {"number", "42"},
      {"empty object", "{}"},
      {"no resourceType", R"({"id":"x"})"},
      {"unknown type", R"({"resourceType":"Foo","id":"x"})"},
      {"newline in type", R"({"resourceType":"Pat\nient"})"},
      {"nul bytes",
       [] {
         const char s[] = "{\"resourceType\":\"Patient\",\0\"id\":\"x\"}";
         return std::string(s, sizeof s - 1);
       }()},
      {"only nul", std::string(3, '\0')},
      {"deep nesting", std::string(100000, '[')},
      {"deep objects",
       [] {
         std::string s = R"({"resourceType":"Patient","a":)";
         for (int i = 0; i < 100000; ++i) s += "{\"a\":";
         return s;
       }()},
      {"not utf-8", "{\"resourceType\":\"Patient\",\"id\":\"\xC3\x28\"}"},
      {"duplicate member", R"({"resourceType":"Patient","id":"a","id":"b"})"},
      // Found by fhir_reader_fuzz: the fault's pointer names a member whose name holds a newline.
      {"newline in a member name", R"({"resourceType":"Patient","a\nb" 1})"},
      {"newline in an NDJSON member name", "{\"a\\nb\" 1}\n{}"},
  };
  for (const auto& [name, input] : cases) {
    auto t = translate(input);
    ASSERT_FALSE(t) << name;
    EXPECT_EQ(t.error().code(), Errc::parse_error) << name;
    const std::string reason = t.error().describe();
    EXPECT_FALSE(reason.empty()) << name;
    EXPECT_EQ(reason.find('\n'), std::string::npos) << name << ": " << reason;
  }
}

TEST(FhirAdapter, AResourceTheModelDoesNotHoldIsAWarning) {
  Translation t = must_translate(R"({"resourceType":"Practitioner","id":"dr"})");
  EXPECT_TRUE(t.resources.empty());
  EXPECT_EQ(issues_at(t, "/resourceType", "'Practitioner' is not held"), 1);
}

TEST(FhirAdapter, ByteOrderMarkIsSkipped) {
  EXPECT_TRUE(translate("\xEF\xBB\xBF{\"resourceType\":\"Patient\",\"id\":\"a\"}"));
}

TEST(FhirAdapter, Sniff) {
  FhirAdapter a;
  EXPECT_TRUE(a.sniff("\xEF\xBB\xBF  {\n  \"resourceType\": \"Bundle\","));
  EXPECT_TRUE(a.sniff(R"({"id":"x","resourceType":"Patient"})"));
  EXPECT_FALSE(a.sniff("MSH|^~\\&|"));
  EXPECT_FALSE(a.sniff("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">"));
  EXPECT_FALSE(a.sniff(R"({"a":1})"));
  EXPECT_FALSE(a.sniff("[]"));
}

TEST(FhirAdapter, IsRegistered) {
  const Adapter* a = all_adapters().find("fhir");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->to_model(R"({"resourceType":"Patient","id":"a"})", test_context()));
  EXPECT_FALSE(a->with_mapping("{}", "m.json"));
}

}  // namespace
}  // namespace hie::adapters::fhir::test
