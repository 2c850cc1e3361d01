// HL7 v2 over MLLP into the real broker: a real outside client (python3-hl7's mllp_send), the
// journal command, and SIGKILL in the middle of a stream.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "adapters/hl7v2/batch.hpp"
#include "adapters/hl7v2/message.hpp"
#include "adapters/hl7v2/mllp_codec.hpp"
#include "tests/integration/broker_process.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/raw_http_client.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;
namespace v2 = adapters::hl7v2;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Every sample that is not in malformed/: the messages a real feed would send.
std::vector<std::filesystem::path> good_samples() {
  std::vector<std::filesystem::path> out;
  const auto root = std::filesystem::path(HIE_SOURCE_DIR) / "tests/data/hl7v2";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
    if (entry.is_regular_file() && entry.path().extension() == ".hl7" &&
        entry.path().parent_path().filename() != "malformed")
      out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

/// How many times `code` is MSA-1 in mllp_send's output (one printed ACK per message).
std::size_t count_msa(const std::string& output, const std::string& code) {
  std::size_t n = 0;
  for (std::size_t at = output.find("MSA"); at != std::string::npos; at = output.find("MSA", at + 3))
    if (output.compare(at + 4, code.size() + 1, code + output[at + 3]) == 0) ++n;
  return n;
}

TEST(MllpIngest, MllpSendGetsAaForEverySampleMessageAndTheJournalHasThem) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/mllp_send")) << "python3-hl7 is missing: run scripts/setup";
  TempDir dir;
  ChildProcess broker(serve_argv(dir), dir.path("stderr.log"));
  ASSERT_TRUE(read_listening_port(broker, "http")) << slurp(dir.path("stderr.log"));
  auto port = read_listening_port(broker, "mllp");
  ASSERT_TRUE(port) << slurp(dir.path("stderr.log"));

  std::set<std::string> control_ids;
  std::size_t messages = 0;
  for (const auto& path : good_samples()) {
    // A batch file travels as its messages, one frame each, as MLLP carries them.
    const std::string text = slurp(path.string());
    auto split = v2::split_messages(text);
    ASSERT_TRUE(split) << path;
    std::string framed;
    for (const auto& m : split->messages) {
      framed += v2::mllp_frame(m);
      auto parsed = v2::Message::parse(m);
      ASSERT_TRUE(parsed) << path;
      control_ids.insert(std::string(parsed->control_id()));
    }
    const std::string file = dir.file("send.hl7", framed);
    auto sent = run_command({"/usr/bin/mllp_send", "-p", std::to_string(*port), "-f", file, "127.0.0.1"});
    EXPECT_EQ(sent.exit_code, 0) << path << sent.err;
    // AA, or CA where MSH-15 asked for an enhanced-mode commit ACK.
    EXPECT_EQ(count_msa(sent.out, "AA") + count_msa(sent.out, "CA"), split->messages.size()) << path << "\n"
                                                                                                 << sent.out;
    messages += split->messages.size();
  }
  EXPECT_GT(messages, 45u);

  // Translation follows the ACK on its own thread: wait for it to catch up.
  CommandResult journal;
  for (int i = 0; i < 100; ++i) {
    journal = run_command(journal_argv(dir));
    ASSERT_EQ(journal.exit_code, 0) << journal.err;
    if (journal.out.find(R"("translation":"pending")") == std::string::npos) break;
    std::this_thread::sleep_for(200ms);
  }
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = journal.out.find('\n', at)) != std::string::npos; ++at) ++lines;
  // Samples from different projects share a few control ids: a resend is stored once.
  EXPECT_EQ(lines, control_ids.size());
  EXPECT_NE(journal.out.find(R"("exchange":"north-hie")"), std::string::npos);
  EXPECT_NE(journal.out.find(R"("status":"accepted")"), std::string::npos);
  EXPECT_EQ(journal.out.find("payload"), std::string::npos);  // patient data only when asked for
  std::size_t translated = 0;
  for (std::size_t at = 0; (at = journal.out.find(R"("translation":"translated")", at)) != std::string::npos; ++at)
    ++translated;
  EXPECT_EQ(translated, lines) << journal.out;

  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(20s), 0) << slurp(dir.path("stderr.log"));
}

TEST(MllpIngest, EveryAcknowledgedMessageSurvivesSigkill) {
  TempDir dir;
  std::set<std::string> acknowledged;
  int sequence = 0;
  for (int round = 0; round < 3; ++round) {
    ChildProcess broker(serve_argv(dir), dir.path("stderr.log"));
    ASSERT_TRUE(read_listening_port(broker, "http"));
    auto port = read_listening_port(broker, "mllp");
    ASSERT_TRUE(port) << slurp(dir.path("stderr.log"));
    // A sender pipelining messages; the broker dies under it at a moment of the test's choosing.
    std::atomic<bool> stop{false};
    std::thread sender([&] {
      try {
        RawConnection c(*port);
        while (!stop) {
          const std::string id = "KILL-" + std::to_string(round) + "-" + std::to_string(sequence++);
          c.send(v2::mllp_frame("MSH|^~\\&|PAS|NORTHFAC|HIE|HIE|20240102030405||ADT^A08|" + id +
                                "|P|2.5.1\rPID|1||943476591^^^NHS^NH||SMITH^JOHN\r"));
          auto ack = c.read_until(std::string{v2::kMllpEndBlock, v2::kMllpCarriageReturn}, 5s);
          if (!ack) return;
          if (ack->find("MSA|AA|" + id) != std::string::npos) acknowledged.insert(id);
        }
      } catch (const std::exception&) {
        // The broker is gone: whatever was acknowledged is what counts.
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + 150 * round));
    broker.signal(SIGKILL);
    broker.wait(10s);
    stop = true;
    sender.join();
  }
  ASSERT_GT(acknowledged.size(), 10u);
  auto journal = run_command(journal_argv(dir));
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  for (const auto& id : acknowledged)
    EXPECT_NE(journal.out.find("\"control_id\":\"" + id + "\""), std::string::npos) << id << " was ACKed but lost";
}

TEST(MllpIngest, NodeHl7ClientGetsAaForARealSample) {
  TempDir dir;
  ChildProcess broker(serve_argv(dir), dir.path("stderr.log"));
  ASSERT_TRUE(read_listening_port(broker, "http"));
  auto port = read_listening_port(broker, "mllp");
  ASSERT_TRUE(port) << slurp(dir.path("stderr.log"));
  const std::string sample = std::string(HIE_SOURCE_DIR) + "/tests/data/hl7v2/fhir-converter/ADT01-23.hl7";
  auto parsed_text = slurp(sample);
  auto parsed = v2::Message::parse(parsed_text);
  ASSERT_TRUE(parsed);
  auto sent = run_command({"node", std::string(HIE_SOURCE_DIR) + "/tests/integration/node_hl7_client_send.mjs",
                           std::to_string(*port), sample});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(sent.out, "ACK AA " + std::string(parsed->control_id()) + "\n");
  auto journal = run_command(journal_argv(dir));
  EXPECT_NE(journal.out.find("\"control_id\":\"" + std::string(parsed->control_id()) + "\""), std::string::npos)
      << journal.out;
  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(20s), 0);
}

TEST(MllpIngest, JournalRefusesBadArguments) {
  TempDir dir;
  auto bad = run_command({kBinary, "journal", "--config", kDemoConfig, "--limit", "many"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--limit needs a non-negative whole number"), std::string::npos) << bad.err;
  auto missing = run_command(journal_argv(dir));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("broker.db"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace hie::testing
