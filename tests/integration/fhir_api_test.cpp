// The shared care record end to end: the real hiebroker on config/demo.json, north-hie sending
// HL7 v2 over MLLP (stored), valley-hie (C-CDA) and city-hie (CSV) as hie-sim peers answering
// queries over WebSocket + mutual TLS; the FHIR API asked over HTTP with development tokens.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/demo_broker.hpp"
#include "tests/integration/dev_token.hpp"
#include "tests/integration/searchset_sources.hpp"
#include "tests/integration/system_token.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/fhir_validator.hpp"
#include "tests/support/raw_http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/ws_client.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;

// Jane Doe: in all three demo exchanges (config/sim/*.json).
constexpr const char* kJane = "3870146052";
// Frederick Clark: in north-hie and city-hie only.
constexpr const char* kFrederick = "6597923189";

RawResponse fhir_get(std::uint16_t port, const std::string& target, const std::string& token,
                     std::chrono::milliseconds timeout = 20s) {
  RawConnection c(port);
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nAccept: application/fhir+json\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  c.send(request + "\r\n");
  return c.read_response(timeout);
}

RawResponse fhir_send(const std::string& method, std::uint16_t port, const std::string& target, const std::string& token,
                      const std::string& body) {
  return http_request(port, method, target, token, body, "application/fhir+json");
}

RawResponse fhir_post(std::uint16_t port, const std::string& target, const std::string& token, const std::string& body) {
  return fhir_send("POST", port, target, token, body);
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  EXPECT_FALSE(d.HasParseError()) << json.substr(0, 300);
  return d;
}

class FhirApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = new DemoBroker();
    const std::string failed = broker_->start({"--set", "logging.format=json"});  // read back by TheLogTies...
    ASSERT_EQ(failed, "");
    http_port_ = broker_->http_port();
    https_port_ = broker_->https_port();
    for (std::string exchange : {"valley", "city"}) sims_.push_back(broker_->start_peer(exchange));
    ASSERT_EQ(run_command(broker_->north_feed_argv()).exit_code, 0);
    jane_token_ = token(kJane);
    // Until every exchange has been translated, announced and connected, fewer answer.
    for (int i = 0; i < 300; ++i) {
      auto r = fhir_get(http_port_, std::string("/fhir/Patient/") + kJane + "/$everything", jane_token_);
      if (r.status == 200 && provenance_sources(parse(r.body)).size() == 3) break;
      std::this_thread::sleep_for(100ms);
    }
  }
  static void TearDownTestSuite() {
    sims_.clear();
    delete broker_;
  }

  static std::string token(const std::string& nhs_number, const std::string& scope = "") {
    return patient_dev_token(broker_->config_flags(), nhs_number, scope);
  }

  static inline DemoBroker* broker_ = nullptr;
  static inline std::vector<std::unique_ptr<ChildProcess>> sims_;
  static inline std::uint16_t http_port_ = 0;
  static inline std::uint16_t https_port_ = 0;
  static inline std::string jane_token_;
};

TEST_F(FhirApi, EverythingIsOneValidRecordMergedFromAllThreeExchanges) {
  auto r = fhir_get(http_port_, std::string("/fhir/Patient/") + kJane + "/$everything", jane_token_);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  EXPECT_NE(header_value(r.head, "content-type").value_or("").find("application/fhir+json"), std::string::npos);
  auto bundle = parse(r.body);
  EXPECT_STREQ(bundle["type"].GetString(), "searchset");
  EXPECT_EQ(provenance_sources(bundle), (std::set<std::string>{"city-hie", "north-hie", "valley-hie"}));
  EXPECT_TRUE(is_valid_fhir(r.body));

  // One Patient, id = the NHS number, holding each exchange's identifiers.
  int patients = 0;
  std::set<std::string> systems;
  bool potassium = false;
  for (const auto& e : bundle["entry"].GetArray()) {
    const auto& res = e["resource"];
    const std::string type = res["resourceType"].GetString();
    if (type == "Patient") {
      ++patients;
      EXPECT_STREQ(res["id"].GetString(), kJane);
      EXPECT_EQ(std::string(e["fullUrl"].GetString()), "http://127.0.0.1:" + std::to_string(http_port_) + "/fhir/Patient/" + kJane);
      for (const auto& id : res["identifier"].GetArray()) systems.insert(id["system"].GetString());
    }
    // City's lab export: potassium 4.1 mmol/L on 2025-03-04.
    if (type == "Observation" && res.HasMember("valueQuantity") &&
        std::string(res["code"]["coding"][0]["code"].GetString()) == "2823-3") {
      potassium = true;
      EXPECT_STREQ(res["valueQuantity"]["unit"].GetString(), "mmol/L");
      EXPECT_DOUBLE_EQ(res["valueQuantity"]["value"].GetDouble(), 4.1);
      EXPECT_EQ(std::string(res["effectiveDateTime"].GetString()).substr(0, 10), "2025-03-04");
      EXPECT_STREQ(res["meta"]["source"].GetString(), "city-hie");
      EXPECT_STREQ(res["subject"]["reference"].GetString(), (std::string("Patient/") + kJane).c_str());
    }
  }
  EXPECT_EQ(patients, 1);
  EXPECT_TRUE(potassium);
  EXPECT_TRUE(systems.contains("https://fhir.nhs.uk/Id/nhs-number"));
  EXPECT_TRUE(systems.contains("urn:hiebroker:city-hie:id:CITY"));
  EXPECT_TRUE(systems.contains("urn:hiebroker:north-hie:id:SIMULATOR%20MRN"));
  EXPECT_GE(systems.size(), 4u);  // and valley's own
}

/// The broker's JSON log lines so far whose `msg` is `msg` and `req` is `request_id`.
std::vector<rapidjson::Document> logged(const std::string& log_path, std::string_view msg, std::string_view request_id) {
  std::vector<rapidjson::Document> found;
  std::ifstream in(log_path);
  for (std::string line; std::getline(in, line);) {
    rapidjson::Document d;
    d.Parse(line.c_str());  // the last line may still be half written: skipped until it is whole
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("msg") || !d.HasMember("req")) continue;
    if (d["msg"].GetString() == msg && d["req"].GetString() == request_id) found.push_back(std::move(d));
  }
  return found;
}

// Followed through the log by its request id: the access line, and the query that request ran;
// the patient's NHS number in neither, nor anywhere else the broker logged at info.
TEST_F(FhirApi, TheLogTiesTheAccessLineToItsQueryWithoutThePatient) {
  RawConnection c(http_port_);
  c.send(std::string("GET /fhir/Patient/") + kJane + "/$everything?_type=Observation HTTP/1.1\r\nHost: x\r\n" +
         "Authorization: Bearer " + jane_token_ + "\r\nX-Request-Id: it-logs-1\r\nConnection: close\r\n\r\n");
  auto r = c.read_response(20s);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(header_value(r.head, "x-request-id"), "it-logs-1");

  const std::string log_path = broker_->log();
  std::vector<rapidjson::Document> access;
  for (int i = 0; i < 100 && access.empty(); ++i) {  // written just after the response
    access = logged(log_path, "access", "it-logs-1");
    if (access.empty()) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(access.size(), 1u) << "see " << log_path;
  EXPECT_STREQ(access[0]["path"].GetString(), "/fhir/Patient/{id}/$everything");
  EXPECT_EQ(access[0]["status"].GetInt(), 200);
  EXPECT_EQ(access[0]["bytes"].GetUint64(), r.body.size());

  auto queries = logged(log_path, "query finished", "it-logs-1");
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0]["exchanges"].GetInt(), 3);
  EXPECT_TRUE(queries[0]["query"].IsString());

  std::ifstream in(log_path);
  const std::string everything((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(everything.find(kJane), std::string::npos) << "an NHS number in the log at info";
}

TEST_F(FhirApi, ATypeSearchFiltersByCodeAndPages) {
  auto r = fhir_get(http_port_, std::string("/fhir/Observation?patient=") + kJane + "&code=http://loinc.org|2823-3", jane_token_);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  auto bundle = parse(r.body);
  EXPECT_EQ(bundle["total"].GetInt(), 1);
  auto all = parse(fhir_get(http_port_, std::string("/fhir/Observation?patient=") + kJane + "&_count=2", jane_token_).body);
  ASSERT_GT(all["total"].GetInt(), 2);
  bool next = false;
  for (const auto& l : all["link"].GetArray()) next |= std::string(l["relation"].GetString()) == "next";
  EXPECT_TRUE(next);
}

TEST_F(FhirApi, RequestsWithoutAGoodTokenAreRefused) {
  const std::string target = std::string("/fhir/Patient/") + kJane + "/$everything";
  auto none = fhir_get(http_port_, target, "");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(header_value(none.head, "www-authenticate").value_or("").find("Bearer"), std::string::npos);
  EXPECT_NE(none.body.find("OperationOutcome"), std::string::npos);
  std::string tampered = jane_token_;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(fhir_get(http_port_, target, tampered).status, 401);
  // Another patient's token reads nothing of Jane's, and the attempt is in her audit trail.
  auto other = fhir_get(http_port_, target, token(kFrederick));
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.body.find(kJane), std::string::npos);
  auto audit = fhir_get(http_port_, std::string("/fhir/AuditEvent?patient=") + kJane, jane_token_);
  ASSERT_EQ(audit.status, 200);
  EXPECT_NE(audit.body.find("dev-patient-" + std::string(kFrederick)), std::string::npos);
  EXPECT_TRUE(is_valid_fhir(audit.body));
  // The metadata needs no token.
  auto metadata = fhir_get(http_port_, "/fhir/metadata", "");
  EXPECT_EQ(metadata.status, 200);
  EXPECT_TRUE(is_valid_fhir(metadata.body));
}

TEST_F(FhirApi, AnOptOutOfOneExchangeIsEnforcedAndSaidInTheOutcome) {
  const std::string consent_token = token(kJane, "patient/*.read patient/Consent.c");
  const std::string deny_valley = std::string(R"({"resourceType":"Consent","status":"active",
    "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
    "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
    "patient":{"reference":"Patient/)") + kJane + R"("},
    "provision":{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},
      "reference":{"identifier":{"system":"https://hiebroker.dev/exchange","value":"valley-hie"}}}]}})";
  auto posted = fhir_post(http_port_, "/fhir/Consent", consent_token, deny_valley);
  ASSERT_EQ(posted.status, 201) << posted.body;
  auto r = fhir_get(http_port_, std::string("/fhir/Patient/") + kJane + "/$everything", jane_token_);
  ASSERT_EQ(r.status, 200);
  auto bundle = parse(r.body);
  EXPECT_EQ(provenance_sources(bundle), (std::set<std::string>{"city-hie", "north-hie"}));
  EXPECT_NE(r.body.find("skipped-by-consent"), std::string::npos);
  // Sharing again.
  std::string share = deny_valley;
  share.replace(share.find("\"active\""), 8, "\"inactive\"");
  ASSERT_EQ(fhir_post(http_port_, "/fhir/Consent", consent_token, share).status, 201);
  auto again = parse(fhir_get(http_port_, std::string("/fhir/Patient/") + kJane + "/$everything", jane_token_).body);
  EXPECT_EQ(provenance_sources(again).size(), 3u);
}

TEST_F(FhirApi, AnOperatorSetsAConsentThroughTheAdminApi) {
  // An operator's system token, signed by the development issuer the test broker trusts.
  const std::string operator_token = system_token(broker_->issuer_key(), "system/Consent.ru");
  const std::string target = std::string("/admin/consents/") + kJane;
  const std::string opt_out = std::string(R"({"resourceType":"Consent","status":"active",
    "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
    "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
    "patient":{"reference":"Patient/)") + kJane + R"("},"provision":{"type":"deny"}})";
  // A patient's token is not an operator's.
  EXPECT_EQ(fhir_send("PUT", http_port_, target, jane_token_, opt_out).status, 403);
  auto put = fhir_send("PUT", http_port_, target, operator_token, opt_out);
  ASSERT_EQ(put.status, 200) << put.body;
  auto got = fhir_get(http_port_, target, operator_token);
  EXPECT_EQ(got.status, 200);
  EXPECT_NE(got.body.find(R"("type":"deny")"), std::string::npos);
  // Opted out: nobody is asked, and the answer says why.
  auto r = fhir_get(http_port_, std::string("/fhir/Patient/") + kJane + "/$everything", jane_token_);
  ASSERT_EQ(r.status, 200);
  auto bundle = parse(r.body);
  EXPECT_TRUE(provenance_sources(bundle).empty());
  EXPECT_EQ(bundle["total"].GetInt(), 0);
  EXPECT_NE(r.body.find("skipped-by-consent"), std::string::npos);
  // Shared again; the operator's change is in Jane's audit trail.
  std::string share = opt_out;
  share.replace(share.find("\"active\""), 8, "\"inactive\"");
  ASSERT_EQ(fhir_send("PUT", http_port_, target, operator_token, share).status, 200);
  auto again = parse(fhir_get(http_port_, std::string("/fhir/Patient/") + kJane + "/$everything", jane_token_).body);
  EXPECT_EQ(provenance_sources(again).size(), 3u);
  auto audit = fhir_get(http_port_, std::string("/fhir/AuditEvent?patient=") + kJane, jane_token_);
  EXPECT_NE(audit.body.find("operator-1"), std::string::npos);
}

TEST_F(FhirApi, ASilentExchangeGivesAPartialAnswerWithinTheDeadline) {
  sims_.front()->signal(SIGSTOP);  // valley-hie: connected, never answering
  const auto started = std::chrono::steady_clock::now();
  auto r = fhir_get(http_port_, std::string("/fhir/Patient/") + kJane + "/$everything", jane_token_);
  const auto took = std::chrono::steady_clock::now() - started;
  sims_.front()->signal(SIGCONT);
  ASSERT_EQ(r.status, 200);
  EXPECT_LT(took, 8s);  // the 5 s deadline, not forever
  auto bundle = parse(r.body);
  EXPECT_EQ(provenance_sources(bundle), (std::set<std::string>{"city-hie", "north-hie"}));
  EXPECT_NE(r.body.find("timed-out"), std::string::npos);
  EXPECT_TRUE(is_valid_fhir(r.body));
}

TEST_F(FhirApi, AnExchangeAsksOverThePeerProtocolAndGetsTheOthersRecordsMerged) {
  const std::string certs = broker_->certs();
  TlsClientOptions city{certs + "/ca.crt", certs + "/city-hie.crt", certs + "/city-hie.key"};
  WsClient peer(https_port_, city);
  ASSERT_TRUE(peer.upgraded()) << peer.error();
  peer.send_text(R"({"type":"hello","id":"h1","protocol":1,"exchange":"city-hie","formats":["csv"]})");
  ASSERT_TRUE(peer.read());
  peer.send_text(std::string(R"({"type":"query","id":"q1","patient":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")") +
                 kJane + R"("}],"resource_types":["Observation"]})");
  auto reply = peer.read(15s);
  ASSERT_TRUE(reply);
  auto message = parse(*reply);
  EXPECT_STREQ(message["type"].GetString(), "result");
  EXPECT_STREQ(message["re"].GetString(), "q1");
  ASSERT_TRUE(message.HasMember("payload")) << reply->substr(0, 300);
  EXPECT_STREQ(message["format"].GetString(), "fhir");
  const std::string bundle_json = message["payload"].GetString();
  auto bundle = parse(bundle_json);
  EXPECT_STREQ(bundle["type"].GetString(), "searchset");
  // The asking exchange is not asked about its own records; the other two answered.
  EXPECT_EQ(provenance_sources(bundle), (std::set<std::string>{"north-hie", "valley-hie"}));
  std::set<std::string> types;
  for (const auto& e : bundle["entry"].GetArray()) types.insert(e["resource"]["resourceType"].GetString());
  EXPECT_FALSE(types.contains("Condition"));
  EXPECT_TRUE(types.contains("Observation"));
  EXPECT_TRUE(is_valid_fhir(bundle_json));
  // A malformed query is refused by name, and the connection goes on.
  peer.send_text(R"({"type":"query","id":"q2","patient":[]})");
  auto nack = peer.read();
  ASSERT_TRUE(nack);
  EXPECT_NE(nack->find(R"("reason":"malformed")"), std::string::npos) << *nack;
}

TEST_F(FhirApi, FhirKitClientReadsEverythingUnmodified) {
  auto result = run_command({"node", std::string(HIE_SOURCE_DIR) + "/tests/integration/fhir_kit_client_everything.mjs",
                             "http://127.0.0.1:" + std::to_string(http_port_) + "/fhir", kJane, jane_token_},
                            60s);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto d = parse(result.out);
  EXPECT_STREQ(d["fhirVersion"].GetString(), "4.0.1");
  EXPECT_STREQ(d["bundleType"].GetString(), "searchset");
  EXPECT_STREQ(d["patientId"].GetString(), kJane);
  EXPECT_GE(d["identifiers"].GetInt(), 4);
  std::set<std::string> types;
  for (const auto& t : d["types"].GetArray()) types.insert(t.GetString());
  EXPECT_TRUE(types.contains("Patient"));
  EXPECT_TRUE(types.contains("Observation"));
}

}  // namespace
}  // namespace hie::testing
