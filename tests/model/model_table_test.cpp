// docs/model.md must hold exactly the table generated from the model's descriptions.

#include "broker/model/model_table.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace hie::model {
namespace {

constexpr std::string_view begin_marker = "<!-- BEGIN GENERATED: model_table_markdown() -->\n";
constexpr std::string_view end_marker = "<!-- END GENERATED -->";

TEST(ModelTable, DocsHoldTheGeneratedTable) {
  std::ifstream in(std::string(HIE_SOURCE_DIR) + "/docs/model.md");
  ASSERT_TRUE(in) << "docs/model.md is missing";
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string doc = buffer.str();
  std::size_t begin = doc.find(begin_marker);
  std::size_t end = doc.find(end_marker);
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  begin += begin_marker.size();
  std::string table = model_table_markdown();
  if (doc.substr(begin, end - begin) != table) {
    // Leave the fresh table where a person can paste it from.
    std::string fresh = std::string(HIE_BINARY_DIR) + "/model_table.md";
    std::ofstream(fresh) << table;
    FAIL() << "docs/model.md's table differs from model_table_markdown(); the generated table "
              "is in "
           << fresh;
  }
}

TEST(ModelTable, NamesEveryResourceAndKeyElements) {
  std::string table = model_table_markdown();
  for (auto row :
       {"| `Patient.birthDate` | `birth_date` | date | 0..1 |",
        "| `Patient.deceased[x]` | `deceased` | boolean \\| dateTime | 0..1 |",
        "| `Patient.contact.organization` | `contact[i].organization` | Reference | 0..1 |",
        "| `Encounter.class` | `class_` | Coding | 1..1 |",
        "| `Observation.component.code` | `component[i].code` | CodeableConcept | 1..1 |",
        "| `Provenance.target` | `target` | Reference | 1..* |",
        "| `Bundle.entry.resource` | `entry[i].resource` | Resource | 0..1 |",
        "| `Quantity.value` | `value` | decimal | 0..1 |",
        "| `Patient.gender` | `gender` | code | 0..1 | `male`, `female`, `other`, `unknown` |",
        "| `Quantity.comparator` | `comparator` | code | 0..1 | `<`, `<=`, `>=`, `>` |",
        "| `Bundle.entry.request.method` | `entry[i].request.method` |",
        "| `Specimen.status` | `status` | code | 0..1 | `available`, `unavailable`, "
        "`unsatisfactory`, `entered-in-error` |",
        "| `Specimen.collection.collected[x]` | `collection.collected` | dateTime \\| Period | 0..1 |"}) {
    EXPECT_NE(table.find(row), std::string::npos) << row;
  }
}

}  // namespace
}  // namespace hie::model
