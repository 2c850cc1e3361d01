// The canned FHIR server's answers: real samples from tests/data/fhir (see its PROVENANCE.md).
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/peers/fhir_test_server.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::peers::testing {
namespace {

using hie::testing::read_source_file;

std::string sample(const std::string& name) { return read_source_file("tests/data/fhir/" + name); }

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  value.Accept(writer);
  return {out.GetString(), out.GetSize()};
}

/// The Patient resource of the Synthea sample (its $everything answer).
std::string synthea_patient() {
  rapidjson::Document bundle;
  bundle.Parse(sample("synthea/Bob965_Keeling57.json").c_str());
  for (auto& entry : bundle["entry"].GetArray())
    if (std::string_view(entry["resource"]["resourceType"].GetString()) == "Patient")
      return to_json(entry["resource"]);
  throw std::runtime_error("the Synthea sample has no Patient");
}

/// `bundle_json` with its links replaced by one `next` link to `url`.
std::string with_next_link(const std::string& bundle_json, const std::string& url) {
  rapidjson::Document bundle;
  bundle.Parse(bundle_json.c_str());
  auto& a = bundle.GetAllocator();
  bundle.RemoveMember("link");
  rapidjson::Value link(rapidjson::kObjectType);
  link.AddMember("relation", "next", a);
  link.AddMember("url", rapidjson::Value(url.c_str(), a), a);
  rapidjson::Value links(rapidjson::kArrayType);
  links.PushBack(link, a);
  bundle.AddMember("link", links, a);
  return to_json(bundle);
}

FhirReply outcome(unsigned status, const std::string& text) {
  return {
      status, "application/fhir+json",
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-supported","diagnostics":")" +
          text + R"("}]})"};
}

FhirReply everything(const CannedFhir& switches, const SeenRequest& request,
                     const std::string& query) {
  if (switches.everything_never_answers) return {.never = true};
  if (switches.everything_huge_bytes > 0)
    return {.body = R"({"resourceType":"Bundle","type":"searchset","padding":")" +
                    std::string(switches.everything_huge_bytes, 'x') + "\"}",
            .chunked = true};
  if (switches.everything_garbage) return {.body = "<html><body>502 Bad Gateway</body></html>"};
  if (switches.everything_status != 200)
    return outcome(switches.everything_status, "no $everything here");
  if (switches.everything_links_elsewhere)
    return {.body = sample("r4-examples/bundles/Bundle-bundle-example.json")};
  if (!switches.everything_paged) return {.body = sample("synthea/Bob965_Keeling57.json")};
  const std::string path = std::string("/fhir/Patient/") + kCannedPatientId + "/$everything";
  if (query.empty())  // page 1 links page 2 with an absolute URL, page 2 links page 3 with a path
    return {.body = with_next_link(sample("r4-examples/bundles/Bundle-lipids.json"),
                                   std::string(request.tls ? "https" : "http") + "://" +
                                       request.host + path + "?page=2")};
  if (query == "page=2")
    return {.body =
                with_next_link(sample("r4-examples/bundles/Bundle-father.json"), path + "?page=3")};
  return {.body = searchset({sample("r4-examples/Observation-f001.json"),
                             sample("r4-examples/Condition-f201.json")})};
}

}  // namespace

std::string searchset(const std::vector<std::string>& resources) {
  std::string out = R"({"resourceType":"Bundle","type":"searchset","total":)" +
                    std::to_string(resources.size()) + R"(,"entry":[)";
  for (std::size_t i = 0; i < resources.size(); ++i)
    out += (i ? "," : "") + std::string(R"({"resource":)") + resources[i] +
           R"(,"search":{"mode":"match"}})";
  return out + "]}";
}

FhirHandler canned_fhir(CannedFhir switches) {
  const std::string patient = synthea_patient();
  return [switches, patient](const SeenRequest& request) -> FhirReply {
    const std::string& target = request.target;
    const auto question = target.find('?');
    const std::string path = target.substr(0, question);
    const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
    if (path == "/fhir/Patient") {
      if (switches.search_status != 200)
        return outcome(switches.search_status, "the search failed");
      const bool known =
          !switches.patient_unknown && query.find(kCannedNhsNumber) != std::string::npos;
      return {.body = searchset(known ? std::vector{patient} : std::vector<std::string>{})};
    }
    if (path == std::string("/fhir/Patient/") + kCannedPatientId + "/$everything")
      return everything(switches, request, query);
    if (query.starts_with(std::string("patient=") + kCannedPatientId)) {
      if (path == "/fhir/Observation")
        return {.body = searchset({sample("r4-examples/Observation-example.json")})};
      if (path == "/fhir/Condition")
        return {.body = searchset({sample("r4-examples/Condition-example.json")})};
      return {.body = searchset({})};
    }
    return outcome(404, "unknown resource");
  };
}

}  // namespace hie::peers::testing
