// Mapping files: the shipped examples load; every kind of mistake names origin:line and the
// setting path.

#include "adapters/csv/mapping.hpp"

#include <gtest/gtest.h>

#include "tests/adapters/csv/csv_test_support.hpp"

namespace hie::adapters::csv {
namespace {

using test_support::read_file;

TEST(CsvMapping, ShippedExamplesLoad) {
  for (std::string name :
       {"city-hie.json", "gp-patient-list.json", "lab-results.json", "problem-list.json"}) {
    auto m = parse_mapping(read_file("config/mappings/" + name), name);
    ASSERT_TRUE(m) << name << ": " << m.error().describe();
  }
  auto city = parse_mapping(read_file("config/mappings/city-hie.json"), "city-hie.json").value();
  ASSERT_EQ(city.layouts.size(), 2u);
  EXPECT_EQ(city.layouts[0].name, "gp-list");
  EXPECT_EQ(city.layouts[1].resources[1].type, "Observation");
  auto gp = parse_mapping(read_file("config/mappings/gp-patient-list.json"), "gp").value();
  EXPECT_EQ(gp.delimiter, ';');
  EXPECT_EQ(gp.encoding, Encoding::windows1252);
  auto problems = parse_mapping(read_file("config/mappings/problem-list.json"), "p").value();
  EXPECT_EQ(problems.delimiter, '\t');
  EXPECT_EQ(problems.quote, '\0');
}

/// A small valid mapping with `fields` as the Patient's fields, one setting per line.
std::string with_fields(const std::string& fields, const std::string& top = "") {
  return "{\n" + top +
         "\"layouts\": [\n"
         "{\"name\": \"gp\",\n"
         "\"match_header\": [\"nhs\"],\n"
         "\"resources\": [\n"
         "{\"type\": \"Patient\",\n"
         "\"fields\": {\n" +
         fields + "\n}}]}]}\n";
}

Error refused(const std::string& text) {
  auto m = parse_mapping(text, "gp-list.json");
  EXPECT_FALSE(m);
  return m ? Error() : m.error();
}

TEST(CsvMapping, UnknownTargetNamesLinePathAndTheNearestTarget) {
  auto e = refused(
      with_fields("\"identifier\": {\"column\": \"nhs\"},\n\"birthdat\": {\"column\": \"dob\"}"));
  EXPECT_EQ(e.location(), "gp-list.json:9");
  EXPECT_EQ(e.message(),
            "layouts[0].resources[0].fields.birthdat: unknown target \"Patient.birthdat\" (did you "
            "mean \"birthDate\"?)");
  EXPECT_EQ(e.code(), Errc::config_error);
}

TEST(CsvMapping, EachKindOfMistake) {
  struct Case {
    std::string text, location, starts_with;
  };
  const std::vector<Case> cases = {
      {"{\n\"layouts\": [,]\n}", "gp-list.json:2", "invalid JSON"},
      {"{\n\"delimiter\": \":\",\n\"layouts\": []}", "gp-list.json:2", "delimiter: expected"},
      {"{\n\"encoding\": \"ebcdic\"}", "gp-list.json:2", "encoding: expected"},
      {"{\n\"date_formats\": [\"DD/MM/YY\"]}", "gp-list.json:2", "date_formats[0]: date pattern"},
      {"{\n\"delimiter\": \",\",\n\"delimiter\": \";\"}", "gp-list.json:3",
       "delimiter: given twice"},
      {"{\n\"dialect\": 1}", "gp-list.json:2", "dialect: unknown setting"},
      {"{\n\"layouts\": []}", "gp-list.json:2", "layouts: expected an array of at least one"},
      {with_fields("\"gender\": {\"column\": \"sex\", \"values\": {\"F\": \"femail\"}}"),
       "gp-list.json:8",
       "layouts[0].resources[0].fields.gender.values.F: \"femail\" is not a code"},
      {with_fields("\"gender\": {\"value\": \"f\"}"), "gp-list.json:8",
       "layouts[0].resources[0].fields.gender.value: not a code of gender"},
      {with_fields("\"name.family\": {\"column\": \"a\", \"value\": \"b\"}"), "gp-list.json:8",
       "layouts[0].resources[0].fields.name.family: needs exactly one"},
      {with_fields("\"name.family\": {\"colum\": \"a\"}"), "gp-list.json:8",
       "layouts[0].resources[0].fields.name.family.colum: not an option"},
      {with_fields("\"telecom\": {\"column\": \"t\"}"), "gp-list.json:8",
       "layouts[0].resources[0].fields.telecom.system: telecom needs a system"},
      {with_fields("\"birthDate\": {\"column\": \"dob\", \"formats\": [\"YYYY-MM hh\"]}"),
       "gp-list.json:8", "layouts[0].resources[0].fields.birthDate.formats[0]: date pattern"},
      {"{\"layouts\": [\n{\"name\": \"x\",\n\"match_header\": [\"a\"],\n\"resources\": [\n"
       "{\"type\": \"Observation\",\n\"fields\": {\"code.code\": {\"column\": \"a\"}}}]}]}",
       "gp-list.json:6", "layouts[0].resources[0].fields: an Observation needs \"status\""},
      {"{\"layouts\": [\n{\"name\": \"x\",\n\"match_header\": [\"a\"],\n\"resources\": [\n"
       "{\"type\": \"Condition\",\n\"fields\": {\"code.code\": {\"column\": \"a\"}}}]}]}",
       "gp-list.json:5", "layouts[0].resources[0]: a Condition needs a Patient"},
      {"{\"layouts\": [\n{\"name\": \"x\",\n\"match_header\": [\"a\"],\n\"resources\": [\n"
       "{\"type\": \"Encounter\", \"fields\": {}}]}]}",
       "gp-list.json:5", "layouts[0].resources[0].type: \"Encounter\" is not a type"},
      {"{\"header\": false, \"layouts\": [\n{\"name\": \"x\",\n\"columns\": [\"a\"],\n"
       "\"resources\": [{\"type\": \"Patient\", \"key\": [\"b\"],\n"
       "\"fields\": {\"name.family\": {\"column\": \"a\"}}}]}]}",
       "gp-list.json:4", "layouts[0].resources[0].key: column \"b\" is not in layouts[0].columns"},
      {"{\"layouts\": [\n{\"name\": \"x\",\n\"resources\": [{\"type\": \"Patient\",\n"
       "\"fields\": {\"name.family\": {\"column\": \"a\"}}}]}]}",
       "gp-list.json:2", "layouts[0].match_header: needs the header columns"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto e = refused(c.text);
    EXPECT_EQ(e.location(), c.location) << e.describe();
    EXPECT_TRUE(e.message().starts_with(c.starts_with)) << e.message();
  }
}

TEST(CsvMapping, DescribeReadsAsFileLineSettingWhat) {
  auto e = refused(with_fields("\"birthdat\": {\"column\": \"dob\"}"));
  EXPECT_EQ(e.describe(),
            "gp-list.json:8: layouts[0].resources[0].fields.birthdat: unknown target "
            "\"Patient.birthdat\" (did you mean \"birthDate\"?)");
}

}  // namespace
}  // namespace hie::adapters::csv
