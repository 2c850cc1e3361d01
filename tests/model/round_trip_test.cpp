// Every official FHIR R4 example the model covers (and two Synthea Bundles): read -> write ->
// (a) valid FHIR per the medplum validator, (b) every written leaf equals the original's, and every
// original leaf the output lacks is covered by a reader issue at that leaf or an ancestor.

#include <gtest/gtest.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "broker/model/json.hpp"
#include "broker/model/validate.hpp"
#include "tests/support/fhir_validator.hpp"

namespace hie::model {
namespace {

namespace fs = std::filesystem;
using Leaves = std::map<std::string, std::string>;  // JSON pointer -> "kind:text"

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// Flattens a JSON document to its leaves; numbers stay as written.
class LeafCollector : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, LeafCollector> {
 public:
  explicit LeafCollector(Leaves& leaves) : leaves_(leaves) {}
  bool Null() { return leaf("null:"); }
  bool Bool(bool b) { return leaf(b ? "bool:true" : "bool:false"); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return leaf("num:" + std::string(s, n));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return leaf("str:" + std::string(s, n));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    frames_.back().key.assign(s, n);
    return true;
  }
  bool StartObject() { return open(false); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(true); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  struct Frame {
    bool array;
    std::size_t index = 0;
    std::string key;
  };
  std::string segment() {
    if (frames_.empty()) return "";
    Frame& f = frames_.back();
    return "/" + (f.array ? std::to_string(f.index++) : f.key);
  }
  bool leaf(std::string value) {
    leaves_[path_ + segment()] = std::move(value);
    return true;
  }
  bool open(bool array) {
    std::string seg = segment();
    paths_.push_back(path_);
    path_ += seg;
    frames_.push_back(Frame{array, 0, {}});
    return true;
  }
  bool close() {
    frames_.pop_back();
    path_ = paths_.back();
    paths_.pop_back();
    return true;
  }
  Leaves& leaves_;
  std::vector<Frame> frames_;
  std::vector<std::string> paths_;
  std::string path_;
};

Leaves leaves_of(const std::string& json) {
  Leaves leaves;
  LeafCollector collector(leaves);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(json.data(), json.size());
  EXPECT_FALSE(reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(stream, collector).IsError());
  return leaves;
}

/// Top-level Bundle entries the reader dropped: issues located exactly at /entry/N.
std::vector<std::size_t> dropped_entries(const Issues& issues) {
  std::vector<std::size_t> dropped;
  for (const Issue& i : issues) {
    std::string_view loc = i.location;
    if (!loc.starts_with("/entry/")) continue;
    loc.remove_prefix(7);
    if (!loc.empty() &&
        std::all_of(loc.begin(), loc.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      dropped.push_back(std::stoul(std::string(loc)));
    }
  }
  std::sort(dropped.begin(), dropped.end());
  return dropped;
}

/// The original's path of an output path: /entry/K renamed to skip the dropped entries.
std::string original_path(const std::string& path, const std::vector<std::size_t>& dropped) {
  if (dropped.empty() || !path.starts_with("/entry/")) return path;
  std::size_t end = path.find('/', 7);
  std::size_t k = std::stoul(path.substr(7, end - 7));
  std::size_t original = 0;
  for (std::size_t kept = 0;; ++original) {
    if (std::binary_search(dropped.begin(), dropped.end(), original)) continue;
    if (kept++ == k) break;
  }
  return "/entry/" + std::to_string(original) + (end == std::string::npos ? "" : path.substr(end));
}

Leaves renumber_entries(const Leaves& leaves, const std::vector<std::size_t>& dropped) {
  Leaves out;
  for (const auto& [path, value] : leaves) out[original_path(path, dropped)] = value;
  return out;
}

/// Examples whose only reference to a required element points at a contained resource, which the
/// model does not hold: the reader drops the `#id` reference (reported), so the output lacks that
/// required element, and validate() says so. Example -> the element validate() finds missing.
const std::map<std::string, std::string, std::less<>> missing_after_contained_reference = {
    {"MedicationStatement-example001.json", "medication[x]"}};

bool reports_contained_reference(const Issues& issues) {
  return std::any_of(issues.begin(), issues.end(), [](const Issue& i) {
    return i.code == "not-supported" && i.location.ends_with("/reference") &&
           i.message.find("contained resource") != std::string::npos;
  });
}

bool covered(const std::string& leaf, const Issues& issues) {
  return std::any_of(issues.begin(), issues.end(), [&](const Issue& i) {
    return leaf == i.location || leaf.starts_with(i.location + "/");
  });
}

struct Example {
  std::string name;
  std::string original;
  std::string written;
  Issues issues;
  bool document_or_message = false;  ///< its Composition/MessageHeader is not held
  Issues findings;                   ///< validate() of the model read
};

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Example> round_trip_all() {
  const fs::path data = fs::path(HIE_SOURCE_DIR) / "tests/data/fhir";
  std::vector<fs::path> files = files_in(data / "r4-examples");
  for (const auto& f : files_in(data / "r4-examples/bundles")) files.push_back(f);
  for (const auto& f : files_in(data / "synthea")) files.push_back(f);
  std::vector<Example> out;
  for (const auto& file : files) {
    Example ex{file.filename().string(), read_file(file), {}, {}, false, {}};
    auto model = read_any(ex.original, ex.issues);
    EXPECT_TRUE(model) << ex.name << ": " << model.error().describe();
    if (!model) continue;
    ex.written = to_json(*model).value();
    if (const auto* b = std::get_if<Bundle>(&*model)) {
      ex.document_or_message = b->type == "document" || b->type == "message";
    }
    ex.findings = std::visit([](const auto& m) { return validate(m); }, *model);
    out.push_back(std::move(ex));
  }
  return out;
}

class RoundTrip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { examples_ = new std::vector<Example>(round_trip_all()); }
  static void TearDownTestSuite() {
    delete examples_;
    examples_ = nullptr;
  }
  static const Example& find(std::string_view name) {
    auto it = std::find_if(examples_->begin(), examples_->end(),
                           [&](const Example& e) { return e.name == name; });
    if (it == examples_->end()) throw std::runtime_error("no example " + std::string(name));
    return *it;
  }
  static std::vector<Example>* examples_;
};
std::vector<Example>* RoundTrip::examples_ = nullptr;

TEST_F(RoundTrip, ReadsEveryCoveredExample) { EXPECT_EQ(examples_->size(), 23u + 5u + 2u); }

TEST_F(RoundTrip, ElementByElementNothingChangedNothingSilentlyLost) {
  for (const Example& ex : *examples_) {
    Leaves before = leaves_of(ex.original);
    Leaves after = renumber_entries(leaves_of(ex.written), dropped_entries(ex.issues));
    for (const auto& [path, value] : after) {
      auto it = before.find(path);
      if (it == before.end()) {
        ADD_FAILURE() << ex.name << ": written leaf not in the original: " << path;
      } else {
        EXPECT_EQ(value, it->second) << ex.name << ": " << path;
      }
    }
    std::size_t lost = 0;
    for (const auto& [path, value] : before) {
      if (after.contains(path)) continue;
      ++lost;
      EXPECT_TRUE(covered(path, ex.issues)) << ex.name << ": lost without an issue: " << path;
    }
    // Every issue points at something that was there and is gone.
    for (const Issue& issue : ex.issues) {
      bool points_at_lost = std::any_of(before.begin(), before.end(), [&](const auto& leaf) {
        return !after.contains(leaf.first) &&
               (leaf.first == issue.location || leaf.first.starts_with(issue.location + "/"));
      });
      EXPECT_TRUE(points_at_lost) << ex.name << ": issue at " << issue.location << " lost nothing";
    }
    EXPECT_EQ(lost == 0, ex.issues.empty()) << ex.name;
  }
}

TEST_F(RoundTrip, ModelValidatorAgrees) {
  for (const Example& ex : *examples_) {
    std::vector<std::size_t> dropped = dropped_entries(ex.issues);
    Leaves before = leaves_of(ex.original);
    std::set<std::string> dropped_urls;
    for (std::size_t d : dropped) {
      auto it = before.find("/entry/" + std::to_string(d) + "/fullUrl");
      if (it != before.end()) dropped_urls.insert(it->second.substr(4));
    }
    for (const Issue& i : ex.findings) {
      // Known consequences of what the reader reported: a document/message Bundle without its
      // Composition/MessageHeader, and urn:uuid references to entries the reader dropped.
      if (ex.document_or_message && i.location == "/entry/0" && i.code == "not-supported") continue;
      if (auto m = missing_after_contained_reference.find(ex.name);
          m != missing_after_contained_reference.end() && i.code == "required" &&
          i.location == "/" + m->second && reports_contained_reference(ex.issues)) {
        continue;
      }
      if (i.code == "not-found") {
        auto ref = before.find(original_path(i.location, dropped));
        if (ref != before.end() && dropped_urls.contains(ref->second.substr(4))) continue;
      }
      ADD_FAILURE() << ex.name << ": validate: " << i.location << ": " << i.message;
    }
  }
}

TEST_F(RoundTrip, WrittenJsonIsValidFhir) {
  std::vector<std::string> jsons;
  for (const Example& ex : *examples_) jsons.push_back(ex.written);
  std::vector<testing::FhirValidation> results = testing::validate_fhir_batch(jsons);
  ASSERT_EQ(results.size(), jsons.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Example& ex = (*examples_)[i];
    if (ex.document_or_message) {
      // Without its Composition/MessageHeader (not held, reported) a document/message Bundle
      // breaks bdl-11/bdl-12, and nothing else.
      std::istringstream lines(results[i].issues);
      for (std::string line; std::getline(lines, line);) {
        EXPECT_TRUE(line.find("bdl-11") != std::string::npos ||
                    line.find("bdl-12") != std::string::npos)
            << ex.name << ": " << line;
      }
      continue;
    }
    if (auto m = missing_after_contained_reference.find(ex.name);
        m != missing_after_contained_reference.end()) {
      // Invalid for the one reason validate() gave, and nothing else.
      EXPECT_FALSE(results[i].valid) << ex.name;
      std::istringstream lines(results[i].issues);
      for (std::string line; std::getline(lines, line);) {
        EXPECT_NE(line.find("." + m->second + ": Missing required property"), std::string::npos)
            << ex.name << ": " << line;
      }
      continue;
    }
    EXPECT_TRUE(results[i].valid) << ex.name << ":\n" << results[i].issues;
  }
}

TEST_F(RoundTrip, ObservationDecimalsExact) {
  const Example& ex = find("Observation-decimal.json");
  Issues issues;
  auto model = read_resource(ex.original, issues);
  ASSERT_TRUE(model);
  const auto& obs = std::get<Observation>(*model);
  std::vector<std::string> values;
  for (const auto& c : obs.component) values.push_back(std::get<Quantity>(c.value).value->text());
  EXPECT_EQ(values,
            (std::vector<std::string>{"1.0", "1.00", "1.0", "1E-22", "1000000000000000000",
                                      "1.000000000000000000E-245", "-1.000000000000000000E+245"}));
  EXPECT_NE(ex.written.find(R"("value":1.000000000000000000E-245,)"), std::string::npos);
  EXPECT_NE(ex.written.find(R"("value":1.00,)"), std::string::npos);
  EXPECT_TRUE(ex.issues.empty());
}

TEST_F(RoundTrip, PatientExampleValues) {
  const Example& ex = find("Patient-example.json");
  Issues issues;
  auto model = read_resource(ex.original, issues);
  ASSERT_TRUE(model);
  const auto& p = std::get<Patient>(*model);
  EXPECT_EQ(p.birth_date, "1974-12-25");
  ASSERT_FALSE(p.identifier.empty());
  EXPECT_EQ(p.identifier[0].value, "12345");
  ASSERT_TRUE(p.identifier[0].assigner);
  EXPECT_EQ(p.identifier[0].assigner->display, "Acme Healthcare");
  EXPECT_EQ(std::get<bool>(p.deceased), false);
  ASSERT_TRUE(p.managing_organization);
  EXPECT_EQ(p.managing_organization->reference, "Organization/1");
  ASSERT_FALSE(p.contact.empty());
  ASSERT_TRUE(p.contact[0].name);
  EXPECT_EQ(p.contact[0].name->family, "du Marché");
  EXPECT_EQ(p.contact[0].gender, "female");
  // The birth time is a primitive extension on birthDate: reported, not held.
  for (auto where : {"/_birthDate", "/contact/0/name/_family"}) {
    EXPECT_TRUE(std::any_of(ex.issues.begin(), ex.issues.end(), [&](const Issue& i) {
      return i.location == where;
    })) << where;
  }
}

TEST_F(RoundTrip, ContainedReferencesAreDroppedAndReported) {
  const Example& med = find("MedicationStatement-example001.json");
  EXPECT_EQ(med.written.find("#med0309"), std::string::npos);
  EXPECT_EQ(med.written.find("medicationReference"), std::string::npos);
  auto issue = std::find_if(med.issues.begin(), med.issues.end(), [](const Issue& i) {
    return i.location == "/medicationReference/reference";
  });
  ASSERT_NE(issue, med.issues.end());
  EXPECT_EQ(issue->severity, Severity::warning);
  EXPECT_EQ(issue->code, "not-supported");
  EXPECT_EQ(issue->message, "reference to a contained resource, which the model does not hold");
  ASSERT_EQ(med.findings.size(), 1u);
  EXPECT_EQ(med.findings[0].location, "/medication[x]");
  EXPECT_EQ(med.findings[0].code, "required");

  const Example& doc = find("DocumentReference-example.json");
  EXPECT_EQ(doc.written.find("#a2"), std::string::npos);
  EXPECT_NE(doc.written.find(R"("author":[{"reference":"Practitioner/xcda1"}])"),
            std::string::npos);
  EXPECT_TRUE(std::any_of(doc.issues.begin(), doc.issues.end(), [](const Issue& i) {
    return i.location == "/author/1/reference" && i.code == "not-supported";
  }));
}

TEST_F(RoundTrip, SpecimenExampleValues) {
  const Example& ex = find("Specimen-101.json");
  Issues issues;
  auto model = read_resource(ex.original, issues);
  ASSERT_TRUE(model);
  const auto& s = std::get<Specimen>(*model);
  EXPECT_EQ(s.status, "available");
  ASSERT_TRUE(s.accession_identifier);
  EXPECT_EQ(s.accession_identifier->value, "X352356");
  EXPECT_EQ(s.received_time, "2011-03-04T07:03:00Z");
  ASSERT_TRUE(s.collection);
  EXPECT_EQ(std::get<DateTime>(s.collection->collected).value, "2011-05-30T06:15:00Z");
  ASSERT_TRUE(s.collection->quantity);
  EXPECT_EQ(s.collection->quantity->value->text(), "6");
  ASSERT_TRUE(s.collection->body_site);
  EXPECT_EQ(s.collection->body_site->text, "Right median cubital vein");
  ASSERT_EQ(s.container.size(), 1u);
  EXPECT_EQ(s.container[0].description, "Green Gel tube");
  // The additive is a contained Substance: its reference is dropped and reported, as is
  // `contained` itself; nothing else of the example is lost.
  EXPECT_TRUE(std::holds_alternative<std::monostate>(s.container[0].additive));
  std::set<std::string> locations;
  for (const Issue& i : ex.issues) locations.insert(i.location);
  EXPECT_EQ(locations, (std::set<std::string>{"/contained", "/container/0/additiveReference/reference"}));
}

TEST_F(RoundTrip, BundlesKeepEntriesAndReportUnheldResources) {
  const Example& ex = find("Bundle-bundle-transaction.json");
  Issues issues;
  auto bundle = read_bundle(ex.original, issues);
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->type, "transaction");
  for (const auto& e : bundle->entry) EXPECT_TRUE(e.request) << "every transaction entry";
  const Example& synthea = find("Kelley882_Marks830.json");
  auto big = read_bundle(synthea.original, issues);
  ASSERT_TRUE(big);
  // 302 entries: those the model holds, plus one issue for each entry it dropped.
  EXPECT_EQ(big->entry.size() + dropped_entries(synthea.issues).size(), 302u);
  EXPECT_GT(big->entry.size(), 200u);
  for (const auto& e : big->entry) EXPECT_TRUE(e.resource && e.request);
  EXPECT_FALSE(synthea.issues.empty());
}

}  // namespace
}  // namespace hie::model
