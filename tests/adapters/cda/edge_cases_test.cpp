// Hand-written C-CDA documents for what the samples do not show: byte order marks and
// stylesheet instructions, declared encodings, nullFlavor, every xsi:type of an observation
// value, narrative-only sections, NHS numbers, unmapped elements, malformed XML and limits.

#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/collection_bundle.hpp"
#include "broker/model/json.hpp"
#include "broker/model/nhs_number.hpp"
#include "tests/adapters/cda/cda_support.hpp"
#include "tests/support/fhir_validator.hpp"

namespace hie::adapters::cda {
namespace {

using namespace test_support;

constexpr std::string_view kBody = "/ClinicalDocument/component/structuredBody";

/// A minimal C-CDA document: `ids` and `person` go in the patient, `sections` in the body.
std::string document(std::string_view ids, std::string_view sections,
                     std::string_view family = "Example", std::string_view person_extra = "") {
  std::string d =
      "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
      " xmlns:sdtc=\"urn:hl7-org:sdtc\">"
      "<realmCode code=\"GB\"/><typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>"
      "<id root=\"2.16.840.1.113883.19.5\" extension=\"doc-1\"/>"
      "<code code=\"34133-9\" codeSystem=\"2.16.840.1.113883.6.1\" displayName=\"Summary\"/>"
      "<title>Test</title><effectiveTime value=\"20240101120000+0000\"/>"
      "<confidentialityCode code=\"N\" codeSystem=\"2.16.840.1.113883.5.25\"/>"
      "<recordTarget><patientRole>";
  d += ids;
  d += "<patient><name use=\"L\"><given>Ann</given><family>";
  d += family;
  d += "</family></name><administrativeGenderCode code=\"F\" codeSystem=\"2.16.840.1.113883.5.1\"/>"
       "<birthTime value=\"19800102\"/>";
  d += person_extra;
  d += "</patient></patientRole></recordTarget><component><structuredBody>";
  d += sections;
  d += "</structuredBody></component></ClinicalDocument>";
  return d;
}

void replace_first(std::string& s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
}

constexpr std::string_view kId = "<id root=\"2.16.840.1.113883.19.5\" extension=\"MRN1\"/>";

std::string section(std::string_view template_root, std::string_view loinc,
                    std::string_view entries) {
  return "<component><section><templateId root=\"" + std::string(template_root) +
         "\"/><code code=\"" + std::string(loinc) +
         "\" codeSystem=\"2.16.840.1.113883.6.1\"/><title>T</title><text>narrative</text>" +
         std::string(entries) + "</section></component>";
}

std::string result_obs(std::string_view loinc, std::string_view value) {
  return "<component><observation classCode=\"OBS\" moodCode=\"EVN\"><id root=\"1.2.3\" "
         "extension=\"" +
         std::string(loinc) + "\"/><code code=\"" + std::string(loinc) +
         "\" codeSystem=\"2.16.840.1.113883.6.1\"/><statusCode code=\"completed\"/>"
         "<effectiveTime value=\"20240101\"/>" +
         std::string(value) + "</observation></component>";
}

std::string results_section(std::string_view components) {
  return section("2.16.840.1.113883.10.20.22.2.3.1", "30954-2",
                 "<entry><organizer classCode=\"BATTERY\" moodCode=\"EVN\"><code code=\"24331-1\" "
                 "codeSystem=\"2.16.840.1.113883.6.1\"/><statusCode code=\"completed\"/>" +
                     std::string(components) + "</organizer></entry>");
}

const model::Observation& observation(const Translation& t, std::string_view loinc) {
  for (const auto* o : all_of<model::Observation>(t))
    if (!o->code.coding.empty() && o->code.coding[0].code == loinc) return *o;
  throw std::runtime_error("no observation " + std::string(loinc));
}

void expect_valid(Translation t) {
  auto json = model::to_json(to_collection_bundle(std::move(t)));
  ASSERT_TRUE(json) << json.error().describe();
  EXPECT_TRUE(hie::testing::is_valid_fhir(*json));
}

TEST(CdaEdgeCases, BomStylesheetAndCommentsBeforeTheRoot) {
  const std::string bytes =
      "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"CDA.xsl\"?>"
      "<!-- a comment -->\n" +
      document(kId, "");
  EXPECT_TRUE(CdaAdapter().sniff(bytes));
  auto t = translate_bytes(bytes);
  EXPECT_EQ(first_of<model::Patient>(t).name.at(0).family, "Example");
}

TEST(CdaEdgeCases, Latin1AndOtherDeclaredEncodingsBecomeUtf8) {
  for (std::string_view encoding : {"iso-8859-1", "ISO-8859-1", "latin1", "windows-1252"}) {
    const std::string bytes = "<?xml version=\"1.0\" encoding=\"" + std::string(encoding) + "\"?>" +
                              document(kId, "", "M\xFCller");
    auto t = translate_bytes(bytes);
    EXPECT_EQ(first_of<model::Patient>(t).name.at(0).family, "M\xC3\xBCller") << encoding;
  }
  // Lower-case utf-8, and UTF-16 with a byte order mark.
  auto utf8 = translate_bytes("<?xml version=\"1.0\" encoding=\"utf-8\"?>" +
                              document(kId, "", "M\xC3\xBCller"));
  EXPECT_EQ(first_of<model::Patient>(utf8).name.at(0).family, "M\xC3\xBCller");
  std::string utf16 = "\xFF\xFE";
  for (char c : document(kId, "")) utf16 += c, utf16 += '\0';
  EXPECT_EQ(first_of<model::Patient>(translate_bytes(utf16)).name.at(0).family, "Example");
  // Bytes that are not UTF-8 in a UTF-8 document: replaced and reported, not refused.
  auto bad = translate_bytes(document(kId, "", "M\xFCller"));
  EXPECT_EQ(first_of<model::Patient>(bad).name.at(0).family, "M\xEF\xBF\xBDller");
  EXPECT_TRUE(has_issue_at(bad, "/"));
  auto ebcdic = CdaAdapter().to_model(
      "<?xml version=\"1.0\" encoding=\"EBCDIC-CP-US\"?>" + document(kId, ""), test_context());
  ASSERT_FALSE(ebcdic);
  EXPECT_EQ(ebcdic.error().code(), Errc::unsupported);
}

TEST(CdaEdgeCases, NullFlavorsMeanNoValue) {
  const std::string problems = section(
      "2.16.840.1.113883.10.20.22.2.5.1", "11450-4",
      "<entry><act classCode=\"ACT\" moodCode=\"EVN\"><id nullFlavor=\"NI\"/><code code=\"CONC\" "
      "codeSystem=\"2.16.840.1.113883.5.6\"/><statusCode code=\"active\"/><entryRelationship "
      "typeCode=\"SUBJ\">"
      "<observation classCode=\"OBS\" moodCode=\"EVN\"><id nullFlavor=\"UNK\"/><code "
      "code=\"55607006\" "
      "codeSystem=\"2.16.840.1.113883.6.96\"/><statusCode code=\"completed\"/><effectiveTime><low "
      "nullFlavor=\"UNK\"/>"
      "</effectiveTime><value xsi:type=\"CD\" nullFlavor=\"OTH\"><originalText>Odd "
      "rash</originalText></value>"
      "</observation></entryRelationship></act></entry>");
  const std::string results =
      results_section(result_obs("2345-7", "<value xsi:type=\"PQ\" nullFlavor=\"ASKU\"/>"));
  auto t = translate_bytes(
      document("<id nullFlavor=\"NI\"/>" + std::string(kId), problems + results, "Example", ""));
  const auto& p = first_of<model::Patient>(t);
  EXPECT_EQ(p.identifier.size(), 1u);
  const auto& c = first_of<model::Condition>(t);
  ASSERT_TRUE(c.code);
  EXPECT_TRUE(c.code->coding.empty());
  EXPECT_EQ(c.code->text, "Odd rash");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(c.onset));
  EXPECT_EQ(c.identifier.size(), 0u);
  const auto& glucose = observation(t, "2345-7");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(glucose.value));
  ASSERT_TRUE(glucose.data_absent_reason);
  EXPECT_EQ(glucose.data_absent_reason->coding.at(0).code, "asked-unknown");
  // A gender sent as nullFlavor is "unknown"; a missing birth time is no birthDate.
  std::string unknown = document(kId, "");
  replace_first(unknown, "<administrativeGenderCode code=\"F\"",
                "<administrativeGenderCode nullFlavor=\"UNK\"");
  replace_first(unknown, "<birthTime value=\"19800102\"/>", "<birthTime nullFlavor=\"UNK\"/>");
  auto u = translate_bytes(unknown);
  EXPECT_EQ(first_of<model::Patient>(u).gender, "unknown");
  EXPECT_EQ(first_of<model::Patient>(u).birth_date, "");
  expect_valid(std::move(t));
}

TEST(CdaEdgeCases, ObservationValuesByXsiType) {
  const std::string components =
      result_obs("1000-1", "<value xsi:type=\"ST\">positive</value>") +
      result_obs("1000-2",
                 "<value xsi:type=\"CD\" code=\"10828004\" codeSystem=\"2.16.840.1.113883.6.96\" "
                 "displayName=\"Positive\"><translation code=\"POS\" "
                 "codeSystem=\"2.16.840.1.113883.5.83\"/></value>") +
      result_obs("1000-3", "<value xsi:type=\"PQ\" value=\"7.10\" unit=\"mmol/L\"/>") +
      result_obs("1000-4",
                 "<value xsi:type=\"IVL_PQ\"><low value=\"3.5\" unit=\"mmol/L\"/><high "
                 "value=\"5.0\" unit=\"mmol/L\"/></value>") +
      result_obs("1000-5", "<value xsi:type=\"INT\" value=\"3\"/>") +
      result_obs("1000-6", "<value xsi:type=\"BL\" value=\"true\"/>") +
      result_obs("1000-7",
                 "<value xsi:type=\"CO\" code=\"2\" codeSystem=\"2.16.840.1.113883.6.1\"/>") +
      result_obs("1000-8", "<value xsi:type=\"TS\" value=\"20230405\"/>") +
      result_obs("1000-9",
                 "<value xsi:type=\"RTO_PQ_PQ\"><numerator value=\"1\" unit=\"1\"/><denominator "
                 "value=\"64\" unit=\"1\"/></value>") +
      result_obs("1001-0", "<value xsi:type=\"GLIST_PQ\"/>");
  auto t = translate_bytes(document(kId, results_section(components)));
  EXPECT_EQ(std::get<std::string>(observation(t, "1000-1").value), "positive");
  const auto& cd = std::get<model::CodeableConcept>(observation(t, "1000-2").value);
  ASSERT_EQ(cd.coding.size(), 2u);
  EXPECT_EQ(cd.coding[0].system, "http://snomed.info/sct");
  EXPECT_EQ(cd.coding[1].system,
            "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation");
  const auto& pq = std::get<model::Quantity>(observation(t, "1000-3").value);
  EXPECT_EQ(pq.value->text(), "7.10");  // the decimal text exactly as sent
  EXPECT_EQ(pq.system, "http://unitsofmeasure.org");
  EXPECT_EQ(pq.code, "mmol/L");
  const auto& range = std::get<model::Range>(observation(t, "1000-4").value);
  EXPECT_EQ(range.low->value->text(), "3.5");
  EXPECT_EQ(range.high->value->text(), "5.0");
  EXPECT_EQ(std::get<std::int64_t>(observation(t, "1000-5").value), 3);
  EXPECT_EQ(std::get<bool>(observation(t, "1000-6").value), true);
  EXPECT_EQ(std::get<model::CodeableConcept>(observation(t, "1000-7").value).coding.at(0).code,
            "2");
  EXPECT_EQ(std::get<model::DateTime>(observation(t, "1000-8").value).value, "2023-04-05");
  EXPECT_EQ(std::get<model::Ratio>(observation(t, "1000-9").value).denominator->value->text(),
            "64");
  // An xsi:type the model cannot hold is reported where it is.
  EXPECT_TRUE(std::any_of(t.issues.begin(), t.issues.end(), [](const model::Issue& i) {
    return i.location.ends_with("/observation/value") &&
           i.message.find("GLIST_PQ") != std::string::npos;
  }));
  expect_valid(std::move(t));
}

TEST(CdaEdgeCases, NarrativeOnlySectionIsKeptAndNoted) {
  auto t =
      translate_bytes(document(kId, section("2.16.840.1.113883.10.20.22.2.5.1", "11450-4", "")));
  EXPECT_TRUE(all_of<model::Condition>(t).empty());
  auto it = std::find_if(t.issues.begin(), t.issues.end(), [](const model::Issue& i) {
    return i.location == std::string(kBody) + "/component/section";
  });
  ASSERT_NE(it, t.issues.end());
  EXPECT_EQ(it->severity, model::Severity::information);
  EXPECT_NE(it->message.find("narrative only"), std::string::npos);
  EXPECT_EQ(first_of<model::DocumentReference>(t).content.size(), 1u);
}

TEST(CdaEdgeCases, NhsNumbers) {
  auto valid = translate_bytes(
      document("<id root=\"2.16.840.1.113883.2.1.4.1\" extension=\"387 014 6052\"/>", ""));
  const auto& p = first_of<model::Patient>(valid);
  ASSERT_EQ(p.identifier.size(), 1u);
  EXPECT_EQ(p.identifier[0].system, model::NhsNumber::system);
  EXPECT_EQ(p.identifier[0].value, "3870146052");
  expect_valid(std::move(valid));

  auto invalid = translate_bytes(
      document("<id root=\"2.16.840.1.113883.2.1.4.1\" extension=\"3870146053\"/>", ""));
  const auto& q = first_of<model::Patient>(invalid);
  EXPECT_EQ(q.identifier.at(0).system, "urn:oid:2.16.840.1.113883.2.1.4.1");
  EXPECT_EQ(q.identifier.at(0).value, "3870146053");
  auto it = std::find_if(invalid.issues.begin(), invalid.issues.end(), [](const model::Issue& i) {
    return i.location == "/ClinicalDocument/recordTarget/patientRole/id/@extension";
  });
  ASSERT_NE(it, invalid.issues.end());
  EXPECT_EQ(it->severity, model::Severity::error);
  EXPECT_EQ(it->message.find("3870146053"), std::string::npos);  // never the number itself
}

TEST(CdaEdgeCases, UnmappedElementsAreReportedWithTheirPath) {
  const std::string entry =
      "<entry><act classCode=\"ACT\" moodCode=\"EVN\"><code code=\"CONC\" "
      "codeSystem=\"2.16.840.1.113883.5.6\"/>"
      "<statusCode code=\"active\"/><entryRelationship typeCode=\"SUBJ\"><observation "
      "classCode=\"OBS\" "
      "moodCode=\"EVN\"><code code=\"55607006\" codeSystem=\"2.16.840.1.113883.6.96\"/><statusCode "
      "code=\"completed\"/>"
      "<value xsi:type=\"CD\" code=\"38341003\" codeSystem=\"2.16.840.1.113883.6.96\"/>"
      "<author><time value=\"20240101\"/><assignedAuthor><id "
      "root=\"1.2.3\"/></assignedAuthor></author>"
      "</observation></entryRelationship></act></entry>";
  const std::string social =
      section("2.16.840.1.113883.10.20.22.2.14", "47420-5", "<entry><observation/></entry>");
  auto t = translate_bytes(
      document(kId, section("2.16.840.1.113883.10.20.22.2.5.1", "11450-4", entry + entry) + social,
               "Example", "<raceCode code=\"2106-3\" codeSystem=\"2.16.840.1.113883.6.238\"/>"));
  EXPECT_EQ(all_of<model::Condition>(t).size(), 2u);
  auto at = [&](std::string location) {
    return std::find_if(t.issues.begin(), t.issues.end(),
                        [&](const model::Issue& i) { return i.location == location; });
  };
  const std::string entry2 = std::string(kBody) + "/component[1]/section/entry[2]";
  auto author = at(entry2 + "/act/entryRelationship/observation/author");
  ASSERT_NE(author, t.issues.end());
  EXPECT_EQ(author->severity, model::Severity::warning);
  EXPECT_EQ(author->code, "not-supported");
  EXPECT_NE(at(std::string(kBody) + "/component[2]/section/entry"), t.issues.end());
  EXPECT_NE(at("/ClinicalDocument/recordTarget/patientRole/patient/raceCode"), t.issues.end());
  // What was mapped is not reported.
  EXPECT_EQ(at(entry2 + "/act/entryRelationship/observation/value"), t.issues.end());
  EXPECT_EQ(at("/ClinicalDocument/recordTarget/patientRole/patient/name"), t.issues.end());
}

TEST(CdaEdgeCases, TimesWithoutOffset) {
  const std::string results =
      results_section(result_obs("2345-7", "<value xsi:type=\"PQ\" value=\"5\" unit=\"mmol/L\"/>"));
  std::string d = document(kId, results);
  replace_first(d, "<effectiveTime value=\"20240101\"/>",
                "<effectiveTime value=\"202401011230\"/>");
  auto no_default = translate_bytes(d);
  EXPECT_EQ(std::get<model::DateTime>(observation(no_default, "2345-7").effective).value,
            "2024-01-01");
  EXPECT_TRUE(
      std::any_of(no_default.issues.begin(), no_default.issues.end(), [](const model::Issue& i) {
        return i.location.ends_with("/observation/effectiveTime/@value") && i.code == "value";
      }));
  auto with_default = translate_bytes(d, test_context("+01:00"));
  EXPECT_EQ(std::get<model::DateTime>(observation(with_default, "2345-7").effective).value,
            "2024-01-01T12:30:00+01:00");
}

TEST(CdaEdgeCases, PrefixedCdaNamespace) {
  std::string d = document(kId, "");
  // Every CDA element as cda:name.
  std::string prefixed;
  for (std::size_t i = 0; i < d.size(); ++i) {
    prefixed += d[i];
    if (d[i] == '<' && i + 1 < d.size() && d[i + 1] != '/' && d[i + 1] != '?') prefixed += "cda:";
    if (d[i] == '<' && i + 1 < d.size() && d[i + 1] == '/') prefixed += "/cda:", ++i;
  }
  prefixed.replace(prefixed.find("xmlns=\""), 7, "xmlns:cda=\"");
  auto t = translate_bytes(prefixed);
  EXPECT_EQ(first_of<model::Patient>(t).name.at(0).family, "Example");
}

TEST(CdaEdgeCases, MalformedInputIsAnErrorWithAReason) {
  const std::string good = document(kId, "");
  struct Case {
    std::string bytes;
    Errc code;
    std::string_view says;
  };
  const Case cases[] = {
      {good.substr(0, good.size() / 2), Errc::parse_error, "at byte"},
      {"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id></code></ClinicalDocument>",
       Errc::parse_error, "at byte"},
      {"MSH|^~\\&|not xml", Errc::parse_error, "not well-formed XML"},
      {"", Errc::parse_error, "not well-formed XML"},
      {"<?xml version=\"1.0\"?><Bundle xmlns=\"http://hl7.org/fhir\"/>", Errc::parse_error,
       "not a CDA ClinicalDocument"},
      {std::string("\xFE\xFF\x00", 3), Errc::unsupported, "UTF-16"},
  };
  for (const auto& c : cases) {
    auto r = CdaAdapter().to_model(c.bytes, test_context());
    ASSERT_FALSE(r) << c.bytes.substr(0, 40);
    EXPECT_EQ(r.error().code(), c.code) << r.error().describe();
    EXPECT_NE(r.error().message().find(c.says), std::string::npos) << r.error().describe();
    EXPECT_EQ(r.error().message().find('\n'), std::string::npos);
  }
}

TEST(CdaEdgeCases, DeepNestingIsRefusedNotACrash) {
  std::string deep = "<ClinicalDocument>";
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  auto r = CdaAdapter().to_model(deep, test_context());
  ASSERT_FALSE(r);  // unclosed: a parse error
  std::string closed = "<ClinicalDocument>";
  for (int i = 0; i < 5000; ++i) closed += "<a>";
  for (int i = 0; i < 5000; ++i) closed += "</a>";
  closed += "</ClinicalDocument>";
  auto limited = CdaAdapter().to_model(closed, test_context());
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code(), Errc::limit_exceeded);
}

TEST(CdaEdgeCases, IssuesAreCappedAndLocationsStayCheap) {
  std::string entries;
  for (int i = 0; i < 20000; ++i) entries += "<entry><observation/></entry>";
  auto t = translate_bytes(
      document(kId, section("2.16.840.1.113883.10.20.22.2.14", "47420-5", entries)));
  ASSERT_EQ(t.issues.size(), model::max_issues_per_document + 1);
  EXPECT_EQ(t.issues.back().code, "too-costly");
  EXPECT_EQ(t.issues[5].location, std::string(kBody) + "/component/section/entry[6]");
}

TEST(CdaEdgeCases, DocumentWithoutPatientIsReported) {
  std::string d = document(kId, section("2.16.840.1.113883.10.20.22.2.5.1", "11450-4", ""));
  d.erase(d.find("<recordTarget>"), d.find("</recordTarget>") + 15 - d.find("<recordTarget>"));
  auto t = translate_bytes(d);
  EXPECT_TRUE(all_of<model::Patient>(t).empty());
  EXPECT_EQ(all_of<model::DocumentReference>(t).size(), 1u);
  EXPECT_TRUE(has_issue_at(t, "/ClinicalDocument"));
}

}  // namespace
}  // namespace hie::adapters::cda
