// /metrics of the real hiebroker after one HL7 v2 message over MLLP and one FHIR query: what
// Prometheus' own promtool makes of the exposition, the families operators alert on having
// samples, and nothing of the patient in it.
#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <thread>

#include "adapters/hl7v2/mllp_codec.hpp"
#include "tests/integration/broker_process.hpp"
#include "tests/integration/dev_token.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/raw_http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;
namespace v2 = adapters::hl7v2;

const std::string kGenDevCerts = std::string(HIE_SOURCE_DIR) + "/scripts/gen-dev-certs";
constexpr const char* kPromtool = "/usr/bin/promtool";
// A patient only this test knows: none of it may reach a label (or anything else in /metrics).
constexpr const char* kNhsNumber = "9434765919";
constexpr const char* kFamily = "QUIXWORTHY";
constexpr const char* kGiven = "PERPETUA";
constexpr const char* kMrn = "MRN-775533";

std::string admission() {
  return std::string(
             "MSH|^~\\&|PAS|NORTHFAC|HIE|HIE|20240102030405||ADT^A01|MET-1|P|2.5.1\r"
             "EVN|A01|20240102030405\r"
             "PID|1||") +
         kNhsNumber + "^^^NHS^NH~" + kMrn + "^^^HOSP^MR||" + kFamily + "^" + kGiven +
         "||19700101|F\rPV1|1|I|WARD1^BED2\r";
}

/// The value of the first sample whose line starts with `series` (name and labels), if any.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

class Metrics : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_command({kGenDevCerts, "--out", dir_.path("dev-certs")}).exit_code, 0);
    key_flags_ = {"--set", "security.jwt.dev_issuer.private_key=" + dir_.path("dev-certs") +
                               "/dev-issuer.key"};
    broker_ = std::make_unique<ChildProcess>(serve_argv(dir_, key_flags_), dir_.path("broker.log"));
    auto http = read_listening_port(*broker_, "http");
    auto mllp = read_listening_port(*broker_, "mllp");
    ASSERT_TRUE(http && mllp) << dir_.read("broker.log");
    http_ = *http;
    mllp_ = *mllp;
  }

  std::string patient_token() { return patient_dev_token(key_flags_, kNhsNumber); }

  TempDir dir_;
  std::vector<std::string> key_flags_;
  std::unique_ptr<ChildProcess> broker_;
  std::uint16_t http_ = 0, mllp_ = 0;
};

TEST_F(Metrics, PromtoolAcceptsTheExpositionWithQueryAndStoreSamplesAndNoPatientData) {
  ASSERT_TRUE(std::filesystem::exists(kPromtool))
      << "promtool is missing: run scripts/setup (package prometheus)";
  {
    RawConnection c(mllp_);
    c.send(v2::mllp_frame(admission()));
    auto ack = c.read_until(std::string{v2::kMllpEndBlock, v2::kMllpCarriageReturn}, 10s);
    ASSERT_TRUE(ack) << dir_.read("broker.log");
    ASSERT_NE(ack->find("MSA|AA|MET-1"), std::string::npos) << *ack;
  }
  // Translation follows the ACK on its own thread: the query finds the patient once it is done.
  const std::string translated =
      R"(hie_translation_messages_total{exchange="north-hie",format="hl7v2",outcome="translated"})";
  for (int i = 0; i < 100 && !sample(http_get(http_, "/metrics").body, translated); ++i)
    std::this_thread::sleep_for(50ms);
  const std::string token = patient_token();
  auto everything = http_request(
      http_, "GET", std::string("/fhir/Patient/") + kNhsNumber + "/$everything", token);
  ASSERT_EQ(everything.status, 200) << everything.body.substr(0, 500);
  ASSERT_NE(everything.body.find(kFamily), std::string::npos)
      << "the query did not find the stored patient";

  auto scraped = http_get(http_, "/metrics");
  ASSERT_EQ(scraped.status, 200);
  const std::string text = scraped.body;
  const std::string file = dir_.file("metrics.txt", text);
  auto checked =
      run_command({"/bin/sh", "-c", std::string(kPromtool) + " check metrics < '" + file + "'"});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  // The families added for operators, each with samples from the message and the query.
  EXPECT_EQ(sample(text, translated), 1) << text;
  EXPECT_GT(sample(text, "hie_store_commit_seconds_count").value_or(0), 0) << text;
  EXPECT_GT(sample(text, "hie_store_commit_batch_size_count").value_or(0), 0);
  EXPECT_TRUE(sample(text, "hie_store_queue_depth"));
  EXPECT_EQ(sample(text, R"(hie_store_write_failures_total{reason="commit_failed"})"), 0);
  EXPECT_EQ(
      sample(text, R"(hie_query_exchange_outcomes_total{exchange="north-hie",outcome="stored"})"),
      1);
  EXPECT_EQ(
      sample(text, R"(hie_query_exchange_seconds_count{exchange="north-hie",outcome="stored"})"),
      1);
  EXPECT_EQ(
      sample(text,
             R"(hie_query_exchange_outcomes_total{exchange="north-hie",outcome="timed_out"})"),
      0);
  EXPECT_EQ(sample(text, R"(hie_query_duration_seconds_count{outcome="complete"})"), 1);
  EXPECT_EQ(sample(text, "hie_query_refused_total"), 0);
  EXPECT_EQ(sample(text, "hie_query_in_flight"), 0);
  EXPECT_EQ(
      sample(
          text,
          R"(hie_ingest_messages_total{exchange="north-hie",format="hl7v2",outcome="accepted"})"),
      1);

  // Labels carry exchange ids, formats and fixed words: not the patient's number, name or MRN.
  for (const char* patient_data : {kNhsNumber, kFamily, kGiven, kMrn})
    EXPECT_EQ(text.find(patient_data), std::string::npos) << patient_data << " is in /metrics";
}

}  // namespace
}  // namespace hie::testing
