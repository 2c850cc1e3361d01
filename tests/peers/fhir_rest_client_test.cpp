// The fhir-rest client against a real FHIR server on loopback (tests/peers/fhir_test_server):
// what it asks for, byte for byte what it answers, and every way the conversation can fail.
#include "broker/peers/fhir_rest_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <future>
#include <thread>

#include "broker/net/tls_context.hpp"
#include "tests/peers/fhir_test_server.hpp"
#include "tests/support/file_bytes.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_certificates.hpp"

namespace hie::peers {
namespace {

using namespace std::chrono_literals;
using testing::canned_fhir;
using testing::CannedFhir;
using testing::FhirHandler;
using testing::FhirTestServer;
using Clock = std::chrono::steady_clock;

const std::string kPatient = testing::kCannedPatientId;
const std::string kSearch =
    "/fhir/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9434765919";
const std::string kEverything = "/fhir/Patient/" + kPatient + "/$everything";

config::Exchange fhir_exchange(const std::string& base_url, config::ClientTlsSettings tls = {}) {
  config::Exchange e;
  e.id = "west-hie";
  e.format = "fhir";
  e.transport = config::Transport::fhir_rest;
  e.credentials.base_url = base_url;
  e.client_tls = std::move(tls);
  return e;
}

protocol::QueryRequest nhs_query(std::chrono::milliseconds deadline = 20s) {
  protocol::QueryRequest q;
  q.patient = {{"https://fhir.nhs.uk/Id/nhs-number", testing::kCannedNhsNumber}};
  q.deadline = deadline;
  return q;
}

std::shared_ptr<boost::asio::ssl::context> server_tls(bool require_client_cert = false) {
  const auto& pki = hie::testing::test_certificates();
  config::TlsSettings settings;
  settings.cert = pki.server_cert;
  settings.key = pki.server_key;
  settings.ca = pki.ca_cert;
  settings.require_client_cert = require_client_cert;
  auto context = net::make_server_tls_context(settings);
  if (!context) throw std::runtime_error(context.error().describe());
  return *context;
}

config::ClientTlsSettings client_tls(std::string ca, std::string cert = {}, std::string key = {}) {
  config::ClientTlsSettings tls;
  tls.ca = std::move(ca);
  tls.cert = std::move(cert);
  tls.key = std::move(key);
  return tls;
}

config::ClientTlsSettings trusting_test_ca() {
  return client_tls(hie::testing::test_certificates().ca_cert);
}

FhirRestSettings max_pages(unsigned pages) {
  FhirRestSettings settings;
  settings.max_pages = pages;
  return settings;
}

FhirRestSettings max_body_bytes(std::size_t bytes) {
  FhirRestSettings settings;
  settings.max_body_bytes = bytes;
  return settings;
}

struct Asked {
  PeerAnswer answer;
  std::chrono::milliseconds took{};
};

class FhirRestClientTest : public ::testing::Test {
 protected:
  FhirRestClientTest() : work_(io_.get_executor()) {
    for (auto& thread : threads_) thread = std::thread([this] { io_.run(); });
  }
  ~FhirRestClientTest() override {
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

  /// Asks `exchange` and waits for the answer; counts how often `done` ran.
  Asked ask(const config::Exchange& exchange, protocol::QueryRequest request = nhs_query(),
            FhirRestSettings settings = {}) {
    auto client = FhirRestClient::create(io_, std::move(settings), {exchange});
    if (!client) throw std::runtime_error(client.error().describe());
    auto state = state_;
    auto answer = state->promise.get_future();
    const auto start = Clock::now();
    client->query(exchange, std::move(request), [state](PeerAnswer a) {
      if (state->calls.fetch_add(1) == 0) state->promise.set_value(std::move(a));
    });
    if (answer.wait_for(60s) != std::future_status::ready)
      throw std::runtime_error("no answer at all");
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return {answer.get(), took};
  }
  int calls() const { return state_->calls.load(); }

  struct State {
    std::promise<PeerAnswer> promise;
    std::atomic<int> calls{0};
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread threads_[2];
};

TEST_F(FhirRestClientTest, EverythingIsAnsweredWithTheServersBundleByteForByte) {
  FhirTestServer server(canned_fhir({}));
  auto [answer, took] = ask(fhir_exchange(server.base_url()));
  ASSERT_EQ(answer.outcome, PeerAnswer::Outcome::answered) << answer.error;
  EXPECT_EQ(answer.format, "fhir");
  EXPECT_EQ(server.targets(), (std::vector{kSearch, kEverything}));
  ASSERT_EQ(answer.payloads.size(), 1u);
  EXPECT_EQ(answer.payloads[0],
            hie::testing::read_source_file("tests/data/fhir/synthea/Bob965_Keeling57.json"));
  for (const auto& request : server.requests()) {
    EXPECT_EQ(request.accept, "application/fhir+json");
    EXPECT_EQ(request.host, "127.0.0.1:" + std::to_string(server.port()));
  }
  EXPECT_EQ(server.connections(), 1u) << "both requests go over one kept-alive connection";
  EXPECT_EQ(calls(), 1);
}

TEST_F(FhirRestClientTest, WithoutEverythingEachTypeIsSearchedAndTheSearchBundlesAreTheAnswer) {
  for (unsigned status : {404u, 501u}) {
    SCOPED_TRACE(status);
    state_ = std::make_shared<State>();
    FhirTestServer server(canned_fhir({.everything_status = status}));
    auto [answer, took] = ask(fhir_exchange(server.base_url()));
    ASSERT_EQ(answer.outcome, PeerAnswer::Outcome::answered) << answer.error;
    const std::vector<std::string> expected = {kSearch,
                                               kEverything,
                                               "/fhir/AllergyIntolerance?patient=" + kPatient,
                                               "/fhir/Condition?patient=" + kPatient,
                                               "/fhir/DiagnosticReport?patient=" + kPatient,
                                               "/fhir/DocumentReference?patient=" + kPatient,
                                               "/fhir/Encounter?patient=" + kPatient,
                                               "/fhir/Immunization?patient=" + kPatient,
                                               "/fhir/MedicationStatement?patient=" + kPatient,
                                               "/fhir/Observation?patient=" + kPatient,
                                               "/fhir/Procedure?patient=" + kPatient};
    EXPECT_EQ(server.targets(), expected);
    // The Patient search's Bundle (it holds the Patient), then each type's, as the server sent
    // them.
    EXPECT_EQ(answer.payloads, server.answered_bodies());
    ASSERT_EQ(answer.payloads.size(), 10u);
    EXPECT_NE(answer.payloads[8].find(R"("resourceType": "Observation")"), std::string::npos);
  }
}

TEST_F(FhirRestClientTest, FallbackAsksOnlyTheQuerysTypesWithItsDates) {
  FhirTestServer server(canned_fhir({.everything_status = 404}));
  auto query = nhs_query();
  query.resource_types = {"Condition", "Observation"};
  query.date_ge = "2020-01-01";
  query.date_le = "2020-12-31T23:59:59+00:00";
  auto [answer, took] = ask(fhir_exchange(server.base_url()), query);
  ASSERT_EQ(answer.outcome, PeerAnswer::Outcome::answered) << answer.error;
  EXPECT_EQ(
      server.targets(),
      (std::vector<std::string>{
          kSearch, kEverything + "?_type=Condition,Observation&start=2020-01-01&end=2020-12-31",
          "/fhir/Condition?patient=" + kPatient +
              "&onset-date=ge2020-01-01&onset-date=le2020-12-31T23%3A59%3A59%2B00%3A00",
          "/fhir/Observation?patient=" + kPatient +
              "&date=ge2020-01-01&date=le2020-12-31T23%3A59%3A59%2B00%3A00"}));
  // Patient was not asked for: only the two types' Bundles.
  auto bodies = server.answered_bodies();
  EXPECT_EQ(answer.payloads, (std::vector{bodies[1], bodies[2]}));
}

TEST_F(FhirRestClientTest, NextLinksAreFollowedOnTheSameServer) {
  FhirTestServer server(canned_fhir({.everything_paged = true}));
  auto [answer, took] = ask(fhir_exchange(server.base_url()));
  ASSERT_EQ(answer.outcome, PeerAnswer::Outcome::answered) << answer.error;
  EXPECT_EQ(server.targets(),
            (std::vector{kSearch, kEverything, kEverything + "?page=2", kEverything + "?page=3"}));
  auto bodies = server.answered_bodies();
  ASSERT_EQ(bodies.size(), 4u);
  EXPECT_EQ(answer.payloads, (std::vector{bodies[1], bodies[2], bodies[3]}));
}

TEST_F(FhirRestClientTest, PagesStopAtTheBound) {
  FhirTestServer server(canned_fhir({.everything_paged = true}));
  auto [answer, took] = ask(fhir_exchange(server.base_url()), nhs_query(), max_pages(2));
  ASSERT_EQ(answer.outcome, PeerAnswer::Outcome::answered) << answer.error;
  EXPECT_EQ(server.targets(), (std::vector{kSearch, kEverything, kEverything + "?page=2"}));
  EXPECT_EQ(answer.payloads.size(), 2u);
}

TEST_F(FhirRestClientTest, ANextLinkToAnotherServerIsNotFollowed) {
  FhirTestServer server(canned_fhir({.everything_links_elsewhere = true}));
  auto [answer, took] = ask(fhir_exchange(server.base_url()));
  ASSERT_EQ(answer.outcome, PeerAnswer::Outcome::answered) << answer.error;
  EXPECT_EQ(server.targets(), (std::vector{kSearch, kEverything}));
  ASSERT_EQ(answer.payloads.size(), 1u);
  EXPECT_EQ(answer.payloads[0],
            hie::testing::read_source_file(
                "tests/data/fhir/r4-examples/bundles/Bundle-bundle-example.json"));
}

TEST_F(FhirRestClientTest, NoMatchingPatientIsNotFound) {
  FhirTestServer server(canned_fhir({.patient_unknown = true}));
  auto [answer, took] = ask(fhir_exchange(server.base_url()));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(answer.error, "not-found");
  EXPECT_EQ(server.targets(), (std::vector{kSearch}));
}

TEST_F(FhirRestClientTest, AServerErrorIsNamedByItsStatus) {
  FhirTestServer server(canned_fhir({.search_status = 500}));
  auto [answer, took] = ask(fhir_exchange(server.base_url()));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(answer.error, "HTTP 500 from the Patient search");
}

TEST_F(FhirRestClientTest, TheDeadlineCoversAServerThatNeverAnswers) {
  FhirTestServer server(canned_fhir({.everything_never_answers = true}));
  auto [answer, took] = ask(fhir_exchange(server.base_url()), nhs_query(400ms));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::timed_out) << answer.error;
  EXPECT_EQ(answer.error, "no answer before the deadline (400 ms)");
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 400ms + 1500ms);
  EXPECT_EQ(server.targets(), (std::vector{kSearch, kEverything}));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(calls(), 1) << "done runs exactly once";
}

TEST_F(FhirRestClientTest, TheDeadlineCoversATlsHandshakeThatNeverEnds) {
  // A listener that never accepts: the kernel completes the TCP connection, nobody says hello.
  boost::asio::io_context silent;
  boost::asio::ip::tcp::acceptor acceptor(silent, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  auto [answer, took] =
      ask(fhir_exchange("https://127.0.0.1:" + std::to_string(port) + "/fhir", trusting_test_ca()),
          nhs_query(300ms));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::timed_out) << answer.error;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 300ms + 1500ms);
}

TEST_F(FhirRestClientTest, ABodyOverTheLimitIsAnError) {
  {
    FhirTestServer server(canned_fhir({.everything_huge_bytes = 2 * 1024 * 1024}));  // chunked
    auto [answer, took] =
        ask(fhir_exchange(server.base_url()), nhs_query(), max_body_bytes(1024 * 1024));
    EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
    EXPECT_EQ(answer.error, "the response body is over the 1048576-byte limit");
  }
  state_ = std::make_shared<State>();
  FhirTestServer server(canned_fhir({}));  // the Synthea Bundle, 756869 bytes with a Content-Length
  auto [answer, took] =
      ask(fhir_exchange(server.base_url()), nhs_query(), max_body_bytes(64 * 1024));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(answer.error, "the response body is over the 65536-byte limit");
}

/// canned_fhir() with $everything's head `head_padding` bytes longer, half in the status line.
FhirHandler with_long_everything_head(std::size_t head_padding) {
  return [canned = canned_fhir({}), head_padding](const testing::SeenRequest& request) {
    auto reply = canned(request);
    if (request.target.find("$everything") != std::string::npos) reply.head_padding = head_padding;
    return reply;
  };
}

// The limit is on the whole head, however it arrives. Beast's parser checks the whole head only
// when it arrives in pieces (as here); a head read at once is checked as a status line and a
// field block, each against the limit, so the channel checks the total itself.
TEST_F(FhirRestClientTest, AHeadOverTheLimitIsAnErrorEvenWhenItsPartsAreEachUnderIt) {
  {
    FhirTestServer server(with_long_everything_head(24 * 1024));
    auto [answer, took] = ask(fhir_exchange(server.base_url()));
    EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
    EXPECT_EQ(answer.error, "the response header is over the 16384-byte limit");
  }
  state_ = std::make_shared<State>();
  FhirTestServer server(with_long_everything_head(12 * 1024));
  auto [answer, took] = ask(fhir_exchange(server.base_url()));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::answered) << answer.error;
}

TEST_F(FhirRestClientTest, ABodyThatIsNotAJsonBundleIsAnError) {
  FhirTestServer server(canned_fhir({.everything_garbage = true}));
  auto [answer, took] = ask(fhir_exchange(server.base_url()));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(answer.error,
            "$everything did not answer a JSON Bundle: not JSON: Invalid value. at byte 0");
}

TEST_F(FhirRestClientTest, ARefusedConnectionIsAnError) {
  std::uint16_t port;
  {
    boost::asio::io_context scratch;
    boost::asio::ip::tcp::acceptor closed(scratch, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = closed.local_endpoint().port();
  }
  auto [answer, took] = ask(fhir_exchange("http://127.0.0.1:" + std::to_string(port) + "/fhir"));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(answer.error, "cannot connect: Connection refused");
}

TEST_F(FhirRestClientTest, TlsVerifiesTheServerAndSendsTheHostNameAsSni) {
  FhirTestServer server(canned_fhir({}), server_tls());
  auto [by_name, took] = ask(fhir_exchange(server.base_url("localhost"), trusting_test_ca()));
  ASSERT_EQ(by_name.outcome, PeerAnswer::Outcome::answered) << by_name.error;
  EXPECT_EQ(by_name.payloads.size(), 1u);
  state_ = std::make_shared<State>();
  auto [by_address, took2] = ask(fhir_exchange(server.base_url("127.0.0.1"), trusting_test_ca()));
  ASSERT_EQ(by_address.outcome, PeerAnswer::Outcome::answered) << by_address.error;
  // SNI names a host; an address is never sent as one.
  EXPECT_EQ(server.server_names(), (std::vector<std::string>{"localhost", ""}));
  EXPECT_EQ(server.client_names(), (std::vector<std::string>{"", ""}));
}

TEST_F(FhirRestClientTest, AServerCertificateFromAnotherCaIsRefused) {
  FhirTestServer server(canned_fhir({}), server_tls());
  auto [answer, took] = ask(fhir_exchange(
      server.base_url(), client_tls(hie::testing::test_certificates().other_ca_cert)));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
  // The server sends its CA along (OpenSSL completes the chain from its store); it is not ours.
  EXPECT_EQ(answer.error,
            "TLS handshake failed: the server's certificate: self-signed certificate in "
            "certificate chain");
  EXPECT_TRUE(server.targets().empty());
}

TEST_F(FhirRestClientTest, AServerCertificateForAnotherHostIsRefused) {
  // 127.0.0.2 is loopback too, but the certificate names 127.0.0.1 and localhost only.
  FhirTestServer server(canned_fhir({}), server_tls(), "127.0.0.2");
  auto [answer, took] = ask(fhir_exchange(server.base_url("127.0.0.2"), trusting_test_ca()));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(answer.error, "TLS handshake failed: the server's certificate: IP address mismatch");
  EXPECT_TRUE(server.targets().empty());
}

TEST_F(FhirRestClientTest, HttpsIsNeverDowngradedToPlainHttp) {
  FhirTestServer plain(canned_fhir({}));
  auto [answer, took] = ask(fhir_exchange(
      "https://127.0.0.1:" + std::to_string(plain.port()) + "/fhir", trusting_test_ca()));
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
  EXPECT_TRUE(answer.error.starts_with("TLS handshake failed: ")) << answer.error;
  EXPECT_TRUE(plain.targets().empty());
}

TEST_F(FhirRestClientTest, AClientCertificateIsPresentedWhenConfigured) {
  const auto& pki = hie::testing::test_certificates();
  FhirTestServer server(canned_fhir({}), server_tls(/*require_client_cert=*/true));
  auto [answer, took] = ask(
      fhir_exchange(server.base_url(), client_tls(pki.ca_cert, pki.client_cert, pki.client_key)));
  ASSERT_EQ(answer.outcome, PeerAnswer::Outcome::answered) << answer.error;
  EXPECT_EQ(server.client_names(), (std::vector<std::string>{"north-hie"}));

  state_ = std::make_shared<State>();
  auto [refused, took2] = ask(fhir_exchange(server.base_url(), trusting_test_ca()));
  EXPECT_EQ(refused.outcome, PeerAnswer::Outcome::error);
  // TLS 1.3: the server refuses after the client's side of the handshake, on the first read.
  EXPECT_NE(refused.error.find("certificate required"), std::string::npos) << refused.error;
  EXPECT_EQ(server.targets().size(), 2u) << "the server saw no request without a certificate";
}

TEST_F(FhirRestClientTest, AnUnusableCaFileStopsCreationNamingIt) {
  hie::testing::TempDir dir;
  auto ca = dir.file("ca.pem", "not a certificate\n");
  auto client =
      FhirRestClient::create(io_, {}, {fhir_exchange("https://fhir.example/r4", client_tls(ca))});
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().location(), ca);
  EXPECT_TRUE(
      client.error().message().starts_with("exchange west-hie: client_tls: cannot use CA bundle: "))
      << client.error().message();
}

TEST_F(FhirRestClientTest, AQueryWithoutIdentifiersIsRefusedWithoutAsking) {
  FhirTestServer server(canned_fhir({}));
  auto query = nhs_query();
  query.patient.clear();
  auto [answer, took] = ask(fhir_exchange(server.base_url()), query);
  EXPECT_EQ(answer.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(answer.error, "the query names no patient identifier");
  EXPECT_TRUE(server.targets().empty());
}

}  // namespace
}  // namespace hie::peers
