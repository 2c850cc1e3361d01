// The real hiebroker binary, started as a user would start it.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/integration/broker_process.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/fhir_validator.hpp"
#include "tests/support/raw_http_client.hpp"

namespace {

using namespace std::chrono_literals;
using hie::testing::ChildProcess;
using hie::testing::run_command;
using hie::testing::TempDir;
using hie::testing::kBinary;
using hie::testing::kDemoConfig;
using hie::testing::serve_argv;



std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(HiebrokerCommand, ServesHealthAndMetricsThenStopsCleanlyOnSigterm) {
  TempDir dir;
  ChildProcess broker(serve_argv(dir), dir.path("stderr.log"));
  auto port = hie::testing::read_listening_port(broker, "http");
  ASSERT_TRUE(port) << slurp(dir.path("stderr.log"));
  EXPECT_NE(*port, 0);

  auto health = hie::testing::http_get(*port, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(hie::testing::http_get(*port, "/readyz").status, 200);
  auto metrics = hie::testing::http_get(*port, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("# TYPE hie_http_requests_total counter"), std::string::npos);
  EXPECT_NE(metrics.body.find(R"(hie_http_requests_total{route="/healthz",status="200"} 1)"), std::string::npos);
  EXPECT_NE(metrics.body.find("# TYPE hie_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(metrics.body.find("process_cpu_seconds_total"), std::string::npos);
  EXPECT_NE(metrics.body.find(R"(hie_build_info{version=")"), std::string::npos);

  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(20s), 0) << slurp(dir.path("stderr.log"));
  EXPECT_NE(slurp(dir.path("stderr.log")).find("stopped"), std::string::npos);
}

TEST(HiebrokerCommand, SigintWithAConnectionOpenStillExitsZero) {
  TempDir dir;
  ChildProcess broker(serve_argv(dir), dir.path("stderr.log"));
  auto port = hie::testing::read_listening_port(broker, "http");
  ASSERT_TRUE(port);
  hie::testing::RawConnection idle(*port);
  idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(idle.read_response().status, 200);  // keep-alive: the connection stays open
  broker.signal(SIGINT);
  EXPECT_EQ(broker.wait(20s), 0);
  EXPECT_TRUE(idle.wait_closed(1s));
}

TEST(HiebrokerCommand, CheckConfigAcceptsDemoAndNamesTheLineOfAMisspeltKey) {
  auto ok = run_command({kBinary, "check-config", kDemoConfig});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;

  TempDir dir;
  auto file = dir.file("bad.json", "{\n  \"listeners\": {\n    \"http\": {\n      \"prot\": 8080\n    }\n  }\n}\n");
  auto bad = run_command({kBinary, "check-config", file});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, file + ":4: listeners.http.prot: unknown setting (did you mean listeners.http.port?)\n");
}

TEST(HiebrokerCommand, CheckConfigAndServeRefuseAFormatNoAdapterHasAndABadMapping) {
  TempDir dir;
  auto mapping = dir.file("mapping.json", "{}");
  auto file = dir.file("formats.json",
                       "{\"exchanges\": [\n"
                       "  {\"id\": \"odd\", \"format\": \"edifact\"},\n"
                       "  {\"id\": \"north\", \"format\": \"hl7v2\", \"mapping\": \"mapping.json\"}]}\n");
  for (const auto& argv : {std::vector<std::string>{kBinary, "check-config", file},
                           std::vector<std::string>{kBinary, "serve", "--config", file}}) {
    auto result = run_command(argv);
    EXPECT_EQ(result.exit_code, 1) << argv[1];
    EXPECT_NE(result.err.find(file + ": exchanges[0] (odd): format: no adapter named 'edifact' (known: hl7v2"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find(file + ": exchanges[1] (north): mapping: "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("format 'hl7v2' takes no mapping file"), std::string::npos) << result.err;
  }
  auto missing = dir.file("missing.json", "{\"exchanges\": [{\"id\": \"c\", \"format\": \"csv\", \"mapping\": \"nowhere.json\"}]}");
  auto result = run_command({kBinary, "check-config", missing});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(missing + ":1: exchanges[0].mapping: file not found: "), std::string::npos) << result.err;
}

TEST(HiebrokerCommand, ServeRefusesABadConfigWithTheSameMessage) {
  TempDir dir;
  auto file = dir.file("bad.json", "{\"logging\": {\"level\": \"loud\"}}");
  auto result = run_command({kBinary, "serve", "--config", file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(file + ":1: logging.level: must be one of"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty());
}

TEST(HiebrokerCommand, MissingTlsFileStopsServeAndIsNamed) {
  TempDir dir;
  auto result = run_command(serve_argv(
      dir, {"--set", "listeners.http.tls={\"cert\": \"/nonexistent/broker.crt\", \"key\": \"/nonexistent/broker.key\"}"}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("file not found: /nonexistent/broker.crt"), std::string::npos) << result.err;
}

TEST(HiebrokerCommand, AnUnusableClientTlsFileStopsServeAndIsNamed) {
  TempDir dir;
  auto ca = dir.file("valley-ca.pem", "not a certificate\n");
  auto result = run_command(serve_argv(dir, {"--set", "exchanges.valley-hie.transport=fhir-rest",
                                             "--set", "exchanges.valley-hie.subscriptions=[]",
                                             "--set", "exchanges.valley-hie.format=fhir",
                                             "--set", "exchanges.valley-hie.credentials.base_url=https://valley.example/fhir",
                                             "--set", "exchanges.valley-hie.client_tls={\"ca\": \"" + ca + "\"}"}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("hiebroker serve: exchange valley-hie: client_tls: cannot use CA bundle: "),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("(" + ca + ")"), std::string::npos) << result.err;
}

TEST(HiebrokerCommand, PortInUseIsAClearError) {
  TempDir dir;
  ChildProcess first(serve_argv(dir), dir.path("stderr.log"));
  auto port = hie::testing::read_listening_port(first, "http");
  ASSERT_TRUE(port);
  TempDir other;
  auto second = run_command(serve_argv(other, {"--set", "listeners.http.port=" + std::to_string(*port)}));
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("cannot listen on 127.0.0.1:" + std::to_string(*port)), std::string::npos) << second.err;
  first.signal(SIGTERM);
  EXPECT_EQ(first.wait(20s), 0);
}

TEST(HiebrokerCommand, VersionAndHelpOnEverySubcommand) {
  auto version = run_command({kBinary, "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("hiebroker ", 0), 0u);
  for (std::string sub : {"serve", "check-config", "translate", "journal"}) {
    auto help = run_command({kBinary, sub, "--help"});
    EXPECT_EQ(help.exit_code, 0) << sub;
    EXPECT_NE(help.out.find("usage: hiebroker " + sub), std::string::npos) << sub;
  }
  auto unknown = run_command({kBinary, "frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'frobnicate'"), std::string::npos);
  auto bad_flag = run_command({kBinary, "serve", "--config"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_NE(bad_flag.err.find("--config needs a value"), std::string::npos);
}

TEST(HiebrokerCommand, TranslatePrintsOneCollectionBundleForEveryInput) {
  const std::string data = std::string(HIE_SOURCE_DIR) + "/tests/data/hl7v2/";
  auto result = run_command({kBinary, "translate", "--from", "hl7v2", "--exchange", "north-hie",
                             data + "fhir-converter/ADT01-23.hl7", data + "fhir-converter/LAB-ORU-1.hl7"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.err.empty()) << result.err;
  EXPECT_EQ(result.out.rfind(R"({"resourceType":"Bundle","type":"collection","entry":[)", 0), 0u) << result.out.substr(0, 200);
  EXPECT_NE(result.out.find(R"("family":"DUCK")"), std::string::npos);
  EXPECT_NE(result.out.find(R"("resourceType":"DiagnosticReport")"), std::string::npos);
  EXPECT_NE(result.out.find(R"("source":"north-hie")"), std::string::npos);
  EXPECT_NE(result.out.find(R"("resourceType":"OperationOutcome")"), std::string::npos);
  EXPECT_NE(result.out.find("ADT01-23.hl7: IN1[1]"), std::string::npos);  // unmapped, with file and place
  EXPECT_TRUE(hie::testing::is_valid_fhir(result.out));
}

TEST(HiebrokerCommand, TranslateUsesTheConfiguredExchangesSettings) {
  TempDir dir;
  auto config = dir.file("broker.json", R"({
  "identifier_systems": { "PAS": "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48" },
  "exchanges": [
    { "id": "north-hie", "format": "hl7v2", "default_utc_offset": "+01:00",
      "identifier_systems": { "HOSP": "https://hospital.example/mrn" } }
  ]
})");
  auto message = dir.file("adt.hl7",
                          "MSH|^~\\&|PAS|HOSP|BROKER|HIE|20240101120000+0000||ADT^A01|MSG0001|P|2.5.1\r"
                          "PID|1||12345^^^HOSP^MR~777^^^PAS^PI||DOE^JANE||19800101|F\r"
                          "PV1|1|I" + std::string(42, '|') + "20240101120000\r");

  auto configured = run_command({kBinary, "translate", "--from", "hl7v2", "--config", config, "--exchange",
                                 "north-hie", message});
  ASSERT_EQ(configured.exit_code, 0) << configured.err;
  EXPECT_NE(configured.out.find(R"("system":"https://hospital.example/mrn","value":"12345")"), std::string::npos)
      << configured.out;
  EXPECT_NE(configured.out.find(R"("system":"urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48","value":"777")"),
            std::string::npos);
  EXPECT_NE(configured.out.find(R"("source":"north-hie")"), std::string::npos);
  EXPECT_NE(configured.out.find(R"("start":"2024-01-01T12:00:00+01:00")"), std::string::npos);  // PV1-44
  EXPECT_TRUE(hie::testing::is_valid_fhir(configured.out));

  // --utc-offset still wins; without --config the same id gets local systems.
  auto plain = run_command({kBinary, "translate", "--from", "hl7v2", "--exchange", "north-hie", "--utc-offset",
                            "Z", message});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find(R"("system":"urn:hiebroker:north-hie:id:HOSP","value":"12345")"), std::string::npos)
      << plain.out;
  EXPECT_NE(plain.out.find(R"("start":"2024-01-01T12:00:00Z")"), std::string::npos);

  auto unknown = run_command({kBinary, "translate", "--from", "hl7v2", "--config", config, "--exchange", "ghost",
                              message});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(unknown.out.empty());
  EXPECT_EQ(unknown.err, "hiebroker translate: " + config + ": no exchange 'ghost' (configured: north-hie)\n");

  auto no_exchange = run_command({kBinary, "translate", "--from", "hl7v2", "--config", config, message});
  EXPECT_EQ(no_exchange.exit_code, 2);
  EXPECT_NE(no_exchange.err.find("--config needs --exchange ID"), std::string::npos) << no_exchange.err;

  auto bad_offset = run_command({kBinary, "translate", "--from", "hl7v2", "--utc-offset", "+0100", message});
  EXPECT_EQ(bad_offset.exit_code, 2);
  EXPECT_NE(bad_offset.err.find("--utc-offset: expected Z or +HH:MM"), std::string::npos) << bad_offset.err;
}

TEST(HiebrokerCommand, TranslateNamesEveryProblemOfABadConfig) {
  TempDir dir;
  auto config = dir.file("broker.json", "{\n  \"identifier_systems\": {\"HOSP\": \"hospital-mrn\"},\n"
                                        "  \"exchanges\": [{\"id\": \"north-hie\", \"format\": \"hl7v2\",\n"
                                        "    \"default_utc_offset\": \"CET\"}]\n}\n");
  auto result = run_command({kBinary, "translate", "--from", "hl7v2", "--config", config, "--exchange", "north-hie",
                             std::string(HIE_SOURCE_DIR) + "/tests/data/hl7v2/fhir-converter/ADT01-23.hl7"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.out.empty());
  EXPECT_NE(result.err.find("hiebroker translate: " + config + ":2: identifier_systems.HOSP: expected an absolute URI"),
            std::string::npos) << result.err;
  EXPECT_NE(result.err.find("hiebroker translate: " + config + ":4: exchanges[0].default_utc_offset: expected Z"),
            std::string::npos) << result.err;
}

TEST(HiebrokerCommand, TranslateRefusesWhatIsNotHl7WithOneLine) {
  TempDir dir;
  auto junk = dir.file("junk.hl7", std::string("\x00\x01 not hl7 at all \xff", 20));
  auto result = run_command({kBinary, "translate", "--from", "hl7v2", junk});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.out.empty());
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_NE(result.err.find(junk + ": not hl7v2"), std::string::npos) << result.err;

  auto missing_msh2 = run_command({kBinary, "translate", "--from", "hl7v2",
                                   std::string(HIE_SOURCE_DIR) + "/tests/data/hl7v2/malformed/msh_present_but_missing_msh-2.hl7"});
  EXPECT_EQ(missing_msh2.exit_code, 1);
  EXPECT_NE(missing_msh2.err.find("MSH-2"), std::string::npos);

  auto mapping = run_command({kBinary, "translate", "--from", "hl7v2", "--mapping", junk, junk});
  EXPECT_EQ(mapping.exit_code, 1);
  EXPECT_EQ(mapping.err, "hiebroker translate: --mapping: format 'hl7v2' takes no mapping file\n");

  auto unknown = run_command({kBinary, "translate", "--from", "edifact", junk});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown format 'edifact' (known: hl7v2, cda, fhir, csv)"), std::string::npos);
}

TEST(HiebrokerCommand, TranslateReadsCdaAndRefusesMalformedXmlWithOneLine) {
  const std::string data = std::string(HIE_SOURCE_DIR) + "/tests/data/ccda/";
  auto result = run_command({kBinary, "translate", "--from", "cda", "--utc-offset", "+00:00",
                             data + "hl7-ccda-examples/CCD_2.xml", data + "fhir-converter/170.314B2_Amb_CCD.xml"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(R"("family":"Jones")"), std::string::npos);
  EXPECT_NE(result.out.find(R"("family":"Everyman")"), std::string::npos);
  EXPECT_NE(result.out.find(R"("resourceType":"DocumentReference")"), std::string::npos);
  EXPECT_NE(result.out.find("CCD_2.xml: /ClinicalDocument/"), std::string::npos);  // issues with file and path
  EXPECT_TRUE(hie::testing::is_valid_fhir(result.out));

  TempDir dir;
  auto truncated = dir.file("truncated.xml", "<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id>");
  auto bad = run_command({kBinary, "translate", "--from", "cda", truncated});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(bad.out.empty());
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_NE(bad.err.find(truncated + ": not cda: not well-formed XML"), std::string::npos) << bad.err;
}

}  // namespace
