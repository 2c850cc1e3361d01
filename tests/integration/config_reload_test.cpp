// SIGHUP on the real hiebroker: the configuration file is read again; the log level changes at
// once, an MLLP connection opened before the reload keeps being served, settings that need a
// restart are named in the log, and a file with an error changes nothing.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/integration/broker_process.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/raw_http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string adt(const std::string& control_id) {
  return "\x0bMSH|^~\\&|APP|FAC|HIE|HIE|20260101120000||ADT^A08|" + control_id +
         "|P|2.5.1\rPID|1||9434765919^^^NHS^NH||DOE^JANE\r\x1c\r";
}

/// Waits until the log holds `text` `count` times.
bool log_has(const TempDir& dir, const std::string& text, std::size_t count = 1) {
  for (int i = 0; i < 100; ++i) {
    const std::string log = read_file(dir.path("broker.log"));
    std::size_t found = 0;
    for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++found;
    if (found >= count) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST(ConfigReload, SighupAppliesTheLogLevelKeepsConnectionsAndNamesWhatNeedsARestart) {
  TempDir dir;
  const std::filesystem::path source = std::string(HIE_SOURCE_DIR) + "/config";
  std::filesystem::copy(source / "mappings", dir.path("mappings"), std::filesystem::copy_options::recursive);
  const std::string config = dir.path("broker.json");
  const std::string original = read_file((source / "demo.json").string());
  write_file(config, original);
  ChildProcess broker(serve_argv(dir, {}, config), dir.path("broker.log"));
  auto http = read_listening_port(broker, "http");
  ASSERT_TRUE(http) << read_file(dir.path("broker.log"));
  auto mllp = read_listening_port(broker, "mllp");
  ASSERT_TRUE(mllp) << read_file(dir.path("broker.log"));

  RawConnection sender(*mllp);
  sender.send(adt("RELOAD-1"));
  auto first = sender.read_until("\x1c\r");
  ASSERT_TRUE(first);
  EXPECT_NE(first->find("MSA|AA|RELOAD-1"), std::string::npos) << *first;
  EXPECT_EQ(read_file(dir.path("broker.log")).find(" debug "), std::string::npos);  // info at start

  // Debug logging (applied) and a longer query timeout (a limit: waits for a restart).
  std::string changed = replaced(original, R"("level": "info")", R"("level": "debug")");
  changed = replaced(changed, R"("limits": {)", R"("limits": { "query_timeout_ms": 7000,)");
  write_file(config, changed);
  broker.signal(SIGHUP);
  ASSERT_TRUE(log_has(dir, "configuration reloaded")) << read_file(dir.path("broker.log"));
  const std::string log = read_file(dir.path("broker.log"));
  EXPECT_NE(log.find("applied=logging.level"), std::string::npos) << log;
  EXPECT_NE(log.find("needs_restart=limits"), std::string::npos) << log;

  // The connection opened before the reload is still served; debug lines now appear.
  sender.send(adt("RELOAD-2"));
  auto second = sender.read_until("\x1c\r");
  ASSERT_TRUE(second) << "the MLLP connection did not survive the reload";
  EXPECT_NE(second->find("MSA|AA|RELOAD-2"), std::string::npos) << *second;
  EXPECT_TRUE(log_has(dir, " debug ")) << read_file(dir.path("broker.log"));

  // A file with an error: every error logged, nothing changed, the broker still serves.
  write_file(config, replaced(changed, R"("level": "debug")", R"("level": "loud")"));
  broker.signal(SIGHUP);
  ASSERT_TRUE(log_has(dir, "configuration reload refused")) << read_file(dir.path("broker.log"));
  EXPECT_NE(read_file(dir.path("broker.log")).find("logging.level"), std::string::npos);
  sender.send(adt("RELOAD-3"));
  auto third = sender.read_until("\x1c\r");
  ASSERT_TRUE(third);
  EXPECT_NE(third->find("MSA|AA|RELOAD-3"), std::string::npos) << *third;
  EXPECT_EQ(http_get(*http, "/healthz").status, 200);

  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(20s), 0) << read_file(dir.path("broker.log"));
}

}  // namespace
}  // namespace hie::testing
