// MLLP ingest over a real socket into a real SQLite file: ACK only after the row is durable;
// over mutual TLS the client certificate says whose message it is, or there is no connection.
#include "broker/peers/mllp_ingest.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <openssl/ssl.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/hl7v2/message.hpp"
#include "adapters/hl7v2/mllp_codec.hpp"
#include "broker/metrics/exposition.hpp"
#include "broker/store/sqlite_store.hpp"
#include "tests/net/test_server.hpp"
#include "tests/support/raw_http_client.hpp"
#include "tests/support/sqlite_rows.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_certificates.hpp"
#include "tests/support/tls_client.hpp"

namespace hie::peers {
namespace {

namespace v2 = adapters::hl7v2;
using hie::testing::RawConnection;
using hie::testing::TempDir;
using hie::testing::TlsConnection;
using hie::testing::count_rows;

std::string adt(const std::string& control_id, const std::string& facility = "NORTHFAC",
                const std::string& msh15 = "") {
  return "MSH|^~\\&|PAS|" + facility + "|HIE|BROKER|20240102030405+0000||ADT^A01^ADT_A01|" + control_id +
         "|P|2.5.1|||" + msh15 + "\rEVN|A01|20240102030405\rPID|1||943476591^^^NHS^NH||SMITH^JOHN||19700101|M\r";
}

std::string sample(const std::string& relative) {
  std::ifstream in(std::string(HIE_SOURCE_DIR) + "/tests/data/hl7v2/" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The fields of an ACK that tests look at.
struct Ack {
  std::string msa_code, msa_control_id, err, raw;
};

/// The next ACK on `connection` (a RawConnection or a TlsConnection); empty when none came.
template <class Connection>
Ack read_ack(Connection& connection) {
  auto frame = connection.read_until(std::string{v2::kMllpEndBlock, v2::kMllpCarriageReturn});
  if (!frame) return {};
  EXPECT_EQ(frame->front(), v2::kMllpStartBlock);
  Ack ack;
  ack.raw = frame->substr(1, frame->size() - 3);
  auto m = v2::Message::parse(ack.raw);
  EXPECT_TRUE(m) << ack.raw;
  if (!m) return ack;
  if (const auto* msa = m->find("MSA")) {
    ack.msa_code = std::string(msa->field(1));
    ack.msa_control_id = std::string(msa->field(2));
  }
  if (const auto* err = m->find("ERR")) ack.err = std::string(err->raw());
  return ack;
}

config::Exchange exchange(std::string id, std::vector<std::string> facilities) {
  config::Exchange e;
  e.id = std::move(id);
  e.format = "hl7v2";
  e.transport = config::Transport::mllp;
  e.mode = config::ExchangeMode::stored;
  e.credentials.sending_facilities = std::move(facilities);
  return e;
}

/// A store whose disk always fails, for the AE path.
class FailingStore final : public store::Store {
 public:
  void append(store::InboundMessage, AppendDone done) override {
    done(make_error(Errc::io_error, "disk I/O error", "store"));
  }
  Result<std::vector<store::JournalRecord>> read_journal(const store::JournalQuery&) override {
    return std::vector<store::JournalRecord>{};
  }
  Result<std::vector<store::JournalRecord>> pending_translations(std::size_t) override {
    return std::vector<store::JournalRecord>{};
  }
  void record_translations(store::TranslationBatch, WriteDone done) override {
    done(make_error(Errc::io_error, "disk I/O error", "store"));
  }
  Result<store::PatientLocation> locate(const store::PatientIdentity&) override { return store::PatientLocation{}; }
  void prune(store::PruneRequest, PruneDone done) override { done(store::PrunedRows{}); }
  Result<std::vector<store::StoredResource>> stored_resources(const std::string&,
                                                              const std::vector<std::string>&) override {
    return std::vector<store::StoredResource>{};
  }
  Result<std::optional<store::ConsentRecord>> consent(const std::string&) override {
    return std::optional<store::ConsentRecord>{};
  }
  void put_consent(store::ConsentRecord, WriteDone done) override {
    done(make_error(Errc::io_error, "disk I/O error", "store"));
  }
  void append_audit(store::AuditRecord, WriteDone done) override {
    done(make_error(Errc::io_error, "disk I/O error", "store"));
  }
  Result<std::vector<store::AuditRecord>> audit_events(const store::AuditQuery&) override {
    return std::vector<store::AuditRecord>{};
  }
  void replace_subscriptions(store::SubscriptionChange, WriteDone done) override {
    done(make_error(Errc::io_error, "disk I/O error", "store"));
  }
  Result<std::vector<store::SubscriptionRecord>> subscriptions() override {
    return std::vector<store::SubscriptionRecord>{};
  }
  Result<std::vector<store::DeliveryRecord>> pending_deliveries(const store::DeliveryQuery&) override {
    return std::vector<store::DeliveryRecord>{};
  }
  Result<std::vector<store::DeliveryRecord>> dead_letters(const store::DeliveryQuery&) override {
    return std::vector<store::DeliveryRecord>{};
  }
  void settle_deliveries(std::vector<store::DeliverySettlement>, WriteDone done) override {
    done(make_error(Errc::io_error, "disk I/O error", "store"));
  }
  Result<std::vector<store::BacklogRecord>> backlogs() override { return std::vector<store::BacklogRecord>{}; }
  void replay(store::ReplayRequest, CountDone done) override {
    done(make_error(Errc::io_error, "disk I/O error", "store"));
  }
  void prune_events(store::EventPruneRequest, EventPruneDone done) override { done(store::EventPruneStep{}); }
  store::StoreStats stats() const override { return {}; }
};

class MllpIngestTest : public ::testing::Test {
 protected:
  /// With `mutual_tls` the listener runs TLS with a mandatory client certificate, and the
  /// handshake takes only certificates of the directory's exchanges, as `hiebroker serve` does.
  void start(std::string default_exchange = "", store::Store* store = nullptr, bool mutual_tls = false,
             std::size_t max_connections_per_exchange = 16) {
    if (!store) {
      auto opened = store::SqliteStore::open({.path = db_path()});
      ASSERT_TRUE(opened) << opened.error().describe();
      store_ = std::move(*opened);
      store = store_.get();
    }
    auto north = exchange("north-hie", {"NORTHFAC"});
    north.credentials.cert_subject_cn = "north-hie";  // the test PKI's client certificate
    auto directory = std::make_shared<const ExchangeDirectory>(std::vector{north, exchange("south-hie", {"SOUTHFAC"})});
    auto ingest = std::make_shared<MllpIngest>(MllpIngestSettings{std::move(default_exchange), {}, max_connections_per_exchange}, directory, *store,
                                               std::make_shared<IngestMetrics>(registry_));
    config::Limits limits;
    limits.max_message_bytes = 64 * 1024;
    std::shared_ptr<boost::asio::ssl::context> tls;
    net::ClientCertificateCheck accept_client_certificate;
    if (mutual_tls) {
      tls = net::testing::test_tls_context(true);
      accept_client_certificate = accept_exchange_certificates(directory);
    }
    server_ = std::make_unique<net::testing::TestServer>(limits, net::mllp_session_runner(ingest), "mllp", tls,
                                                         accept_client_certificate);
  }
  std::string db_path() const { return dir_.path("broker.db"); }
  std::string ingest_metrics() const { return metrics::render_text(registry_); }

  TempDir dir_;
  prometheus::Registry registry_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<net::testing::TestServer> server_;
};

TEST_F(MllpIngestTest, AcceptsOnlyOnceTheRowIsInTheFile) {
  start();
  RawConnection c(server_->port());
  c.send(v2::mllp_frame(adt("CTRL-1")));
  const Ack ack = read_ack(c);
  EXPECT_EQ(ack.msa_code, "AA");
  EXPECT_EQ(ack.msa_control_id, "CTRL-1");
  // Read by another connection as soon as the ACK is in hand: the commit already happened.
  EXPECT_EQ(count_rows(db_path(), "exchange = 'north-hie' AND control_id = 'CTRL-1' AND status = 'accepted'"), 1);
  EXPECT_NE(ingest_metrics().find(R"(hie_ingest_messages_total{exchange="north-hie",format="hl7v2",outcome="accepted"} 1)"),
            std::string::npos);
}

TEST_F(MllpIngestTest, AResendIsAcknowledgedAgainAndStoredOnce) {
  start();
  RawConnection c(server_->port());
  c.send(v2::mllp_frame(adt("CTRL-1")));
  EXPECT_EQ(read_ack(c).msa_code, "AA");
  c.send(v2::mllp_frame(adt("CTRL-1")));
  EXPECT_EQ(read_ack(c).msa_code, "AA");
  EXPECT_EQ(count_rows(db_path(), "control_id = 'CTRL-1'"), 1);
}

TEST_F(MllpIngestTest, SplitAndCoalescedFramesAreEachAcknowledgedInOrder) {
  start();
  RawConnection c(server_->port());
  const std::string first = v2::mllp_frame(adt("SPLIT-1"));
  c.send(first.substr(0, 7));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  c.send(first.substr(7, 50));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  c.send(first.substr(57));
  EXPECT_EQ(read_ack(c).msa_control_id, "SPLIT-1");
  // Junk before the start byte, then two frames in one write.
  c.send("\r\n junk" + v2::mllp_frame(adt("BOTH-1")) + v2::mllp_frame(adt("BOTH-2")));
  EXPECT_EQ(read_ack(c).msa_control_id, "BOTH-1");
  EXPECT_EQ(read_ack(c).msa_control_id, "BOTH-2");
  EXPECT_EQ(count_rows(db_path(), "status = 'accepted'"), 3);
  EXPECT_TRUE(server_->metrics_eventually_contain(R"(hie_mllp_rejected_total{listener="mllp",reason="junk_bytes"} 1)"));
}

TEST_F(MllpIngestTest, ARealSampleIsTakenForTheListenersDefaultExchange) {
  start("south-hie");
  const std::string text = sample("fhir-converter/ADT01-23.hl7");
  auto parsed = v2::Message::parse(text);
  ASSERT_TRUE(parsed);
  RawConnection c(server_->port());
  c.send(v2::mllp_frame(text));
  const Ack ack = read_ack(c);
  EXPECT_EQ(ack.msa_code, "AA");
  EXPECT_EQ(ack.msa_control_id, parsed->control_id());
  EXPECT_EQ(count_rows(db_path(), "exchange = 'south-hie' AND status = 'accepted'"), 1);
}

TEST_F(MllpIngestTest, UnreadableBytesGetArAndAreJournaledAsRejected) {
  start("north-hie");
  RawConnection c(server_->port());
  c.send(v2::mllp_frame("this is not HL7"));
  const Ack ack = read_ack(c);
  EXPECT_EQ(ack.msa_code, "AR");
  EXPECT_NE(ack.err.find("MSH segment"), std::string::npos) << ack.err;
  EXPECT_EQ(count_rows(db_path(), "exchange = 'north-hie' AND status = 'rejected' AND control_id IS NULL"), 1);
}

TEST_F(MllpIngestTest, AnUnknownSendingFacilityIsRefusedWithoutADefault) {
  start();
  RawConnection c(server_->port());
  c.send(v2::mllp_frame(adt("WHO-1", "ELSEWHERE")));
  const Ack ack = read_ack(c);
  EXPECT_EQ(ack.msa_code, "AR");
  EXPECT_EQ(ack.msa_control_id, "WHO-1");
  EXPECT_NE(ack.err.find("MSH^1^4"), std::string::npos) << ack.err;
  EXPECT_EQ(count_rows(db_path(), "exchange = 'unknown' AND status = 'rejected'"), 1);
  EXPECT_EQ(count_rows(db_path(), "status = 'accepted'"), 0);
}

TEST_F(MllpIngestTest, AMissingControlIdIsRefused) {
  start();
  RawConnection c(server_->port());
  c.send(v2::mllp_frame(adt("")));
  const Ack ack = read_ack(c);
  EXPECT_EQ(ack.msa_code, "AR");
  EXPECT_NE(ack.err.find("MSH^1^10"), std::string::npos) << ack.err;
}

TEST_F(MllpIngestTest, EnhancedModeAnswersCommitAcksAsMsh15AsksAndNeverLeavesASenderWaiting) {
  start();
  RawConnection c(server_->port());
  c.send(v2::mllp_frame(adt("ENH-1", "NORTHFAC", "AL")));
  const Ack ack = read_ack(c);
  EXPECT_EQ(ack.msa_code, "CA");
  // NE: no commit ACK; the sender still waits, so it gets the application ACK.
  c.send(v2::mllp_frame(adt("ENH-2", "NORTHFAC", "NE")) + v2::mllp_frame(adt("ENH-3")));
  const Ack application = read_ack(c);
  EXPECT_EQ(application.msa_code, "AA");
  EXPECT_EQ(application.msa_control_id, "ENH-2");
  EXPECT_EQ(read_ack(c).msa_control_id, "ENH-3");
  EXPECT_EQ(count_rows(db_path(), "control_id IN ('ENH-1', 'ENH-2', 'ENH-3')"), 3);
}

TEST_F(MllpIngestTest, AnOversizedFrameGetsArAndTheConnectionGoesOn) {
  start();
  RawConnection c(server_->port());
  c.send(v2::mllp_frame(adt("BIG-1") + "NTE|1||" + std::string(70 * 1024, 'x') + "\r"));
  const Ack refused = read_ack(c);
  EXPECT_EQ(refused.msa_code, "AR");
  EXPECT_NE(refused.raw.find("frame"), std::string::npos) << refused.raw;
  c.send(v2::mllp_frame(adt("AFTER-1")));
  EXPECT_EQ(read_ack(c).msa_control_id, "AFTER-1");
  EXPECT_EQ(count_rows(db_path(), "control_id = 'BIG-1'"), 0);
  EXPECT_TRUE(
      server_->metrics_eventually_contain(R"(hie_mllp_rejected_total{listener="mllp",reason="frame_too_large"} 1)"));
}

TEST_F(MllpIngestTest, AStoreFailureIsAnsweredAeSoTheSenderResends) {
  FailingStore failing;
  start("", &failing);
  RawConnection c(server_->port());
  c.send(v2::mllp_frame(adt("LOST-1")));
  const Ack ack = read_ack(c);
  EXPECT_EQ(ack.msa_code, "AE");
  EXPECT_EQ(ack.msa_control_id, "LOST-1");
  EXPECT_NE(ack.err.find("send it again"), std::string::npos) << ack.err;
  EXPECT_NE(ingest_metrics().find(R"(outcome="store_error"} 1)"), std::string::npos);
}

TEST_F(MllpIngestTest, OverMutualTlsTheCertificateSaysWhoseMessageItIs) {
  start("", nullptr, true);
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    TlsConnection c(server_->port(), hie::testing::north_hie_client(version));
    ASSERT_TRUE(c.handshake_ok()) << c.handshake_error();
    // MSH-4 names no exchange and the listener has no default: only the certificate places it.
    const std::string control_id = "TLS-" + std::to_string(version);
    c.send(v2::mllp_frame(adt(control_id, "ELSEWHERE")));
    EXPECT_EQ(read_ack(c).msa_code, "AA");
    EXPECT_EQ(count_rows(db_path(), "exchange = 'north-hie' AND control_id = '" + control_id + "'"), 1);
  }
}

TEST_F(MllpIngestTest, AnExchangeKnownByCertificateHoldsNoMoreConnectionsThanItsLimit) {
  start("", nullptr, true, 1);
  auto first = std::make_unique<TlsConnection>(server_->port(), hie::testing::north_hie_client());
  ASSERT_TRUE(first->handshake_ok());
  first->send(v2::mllp_frame(adt("LIMIT-1")));
  EXPECT_EQ(read_ack(*first).msa_code, "AA");
  {
    TlsConnection second(server_->port(), hie::testing::north_hie_client());
    second.send(v2::mllp_frame(adt("LIMIT-2")));
    EXPECT_EQ(read_ack(second).msa_code, "");  // closed without a reply
  }
  EXPECT_TRUE(server_->metrics_eventually_contain(R"(reason="exchange_connection_limit"} 1)"));
  EXPECT_EQ(count_rows(db_path(), "control_id = 'LIMIT-2'"), 0);
  first.reset();
  // Once the first has gone, the exchange may connect again.
  for (int attempt = 0; attempt < 50; ++attempt) {
    TlsConnection again(server_->port(), hie::testing::north_hie_client());
    again.send(v2::mllp_frame(adt("LIMIT-3")));
    if (read_ack(again).msa_code == "AA") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(count_rows(db_path(), "control_id = 'LIMIT-3'"), 1);
}

TEST_F(MllpIngestTest, AnUnknownCertificateOrTls11GetsNoConnectionEvenWithADefaultExchange) {
  start("north-hie", nullptr, true);
  TlsConnection stranger(server_->port(), hie::testing::stranger_client());
  // With TLS 1.3 the client may think it is through; the server's handshake failed all the same.
  stranger.send(v2::mllp_frame(adt("STRANGER-1")));
  EXPECT_EQ(read_ack(stranger).msa_code, "");
  TlsConnection old(server_->port(), hie::testing::north_hie_client(TLS1_1_VERSION));
  EXPECT_FALSE(old.handshake_ok());
  EXPECT_TRUE(server_->metrics_eventually_contain(R"(hie_mllp_rejected_total{listener="mllp",reason="tls_handshake"} 2)"));
  EXPECT_EQ(count_rows(db_path()), 0);
}

}  // namespace
}  // namespace hie::peers
