// The HTTP access log: one line per request answered, its fields, masked paths, request ids.

#include "broker/net/access_log.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "broker/logging/log.hpp"
#include "broker/net/request_id.hpp"
#include "tests/net/test_server.hpp"
#include "tests/support/raw_http_client.hpp"

namespace hie::net {
namespace {

using hie::testing::header_value;
using hie::testing::http_get;
using hie::testing::RawConnection;

TEST(LoggablePath, DropsTheQueryStringAndMasksIds) {
  EXPECT_EQ(loggable_path("/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919"), "/fhir/Patient");
  EXPECT_EQ(loggable_path("/fhir/Patient/abc/$everything?_type=Observation"), "/fhir/Patient/{id}/$everything");
  EXPECT_EQ(loggable_path("/fhir/Patient/9434765919"), "/fhir/Patient/{id}");
  EXPECT_EQ(loggable_path("/fhir/Observation/obs-one"), "/fhir/Observation/{id}");
  EXPECT_EQ(loggable_path("/admin/consents/nine"), "/admin/consents/{id}");
  EXPECT_EQ(loggable_path("/fhir/metadata"), "/fhir/metadata");
  EXPECT_EQ(loggable_path("/admin/events/dead-letters/replay"), "/admin/events/dead-letters/replay");
  EXPECT_EQ(loggable_path("/healthz#top"), "/healthz");
  // Off the known routes, any segment that is not a plain word goes too.
  EXPECT_EQ(loggable_path("/lookup/9434765919/x"), "/lookup/{id}/x");
  EXPECT_EQ(loggable_path("/a%20b"), "/{id}");
  EXPECT_EQ(loggable_path(std::string(500, 'a')).size(), 203u);
}

TEST(RequestId, AcceptsASaneTokenElseMakesOne) {
  EXPECT_EQ(request_id_for("edge-7f3a.2_b", "c4", 2), "edge-7f3a.2_b");
  EXPECT_EQ(request_id_for("", "c4", 2), "c4-2");
  EXPECT_EQ(request_id_for("has space", "c4", 2), "c4-2");
  EXPECT_EQ(request_id_for("9434765919|x", "c4", 2), "c4-2");
  EXPECT_EQ(request_id_for(std::string(65, 'a'), "c4", 2), "c4-2");
  EXPECT_EQ(request_id_for(std::string(64, 'a'), "c4", 2), std::string(64, 'a'));
}

/// Captures the process log as JSON lines while `exercise` runs against a fresh server.
class AccessLogTest : public ::testing::Test {
 protected:
  void TearDown() override { log::configure("info", false); }

  template <class F>
  std::vector<rapidjson::Document> capture(F exercise, bool access_log = true) {
    std::ostringstream out;
    log::configure("info", true, std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    {
      // Gone before the capture is read: every session, and so every line, has ended.
      testing::TestServer server(config::Limits{}, http_session_runner(testing::echo_handler(), {}, access_log),
                                 "http");
      exercise(server.port());
    }
    text_ = out.str();
    std::vector<rapidjson::Document> access;
    std::istringstream in(text_);
    for (std::string line; std::getline(in, line);) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      EXPECT_FALSE(d.HasParseError()) << line;
      if (!d.HasParseError() && d.HasMember("msg") && std::string_view(d["msg"].GetString()) == "access")
        access.push_back(std::move(d));
    }
    return access;
  }
  std::string text_;  ///< everything logged
};

TEST_F(AccessLogTest, OneJsonLinePerRequestWithItsFields) {
  std::string request_id;
  auto lines = capture([&](std::uint16_t port) {
    auto response = http_get(port, "/healthz");
    ASSERT_EQ(response.status, 200);
    request_id = header_value(response.head, "x-request-id").value_or("");
  });
  ASSERT_EQ(lines.size(), 1u) << text_;
  const auto& d = lines[0];
  EXPECT_STREQ(d["level"].GetString(), "info");
  EXPECT_STREQ(d["method"].GetString(), "GET");
  EXPECT_STREQ(d["path"].GetString(), "/healthz");
  EXPECT_EQ(d["status"].GetInt(), 200);
  EXPECT_EQ(d["bytes"].GetUint64(), std::string("GET /healthz 0").size());  // the echo body
  EXPECT_TRUE(d["ms"].IsNumber());
  EXPECT_TRUE(std::string_view(d["remote"].GetString()).starts_with("127.0.0.1:"));
  EXPECT_FALSE(request_id.empty());
  EXPECT_EQ(d["req"].GetString(), request_id);  // the id the response carried
  EXPECT_TRUE(d.HasMember("conn"));
  EXPECT_TRUE(d.HasMember("time"));
}

TEST_F(AccessLogTest, NoQueryStringAndNoPatientIdInTheLine) {
  const std::string nhs = "9434765919";
  auto lines = capture([&](std::uint16_t port) {
    EXPECT_EQ(http_get(port, "/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhs).status, 200);
    EXPECT_EQ(http_get(port, "/fhir/Patient/abc/$everything").status, 200);
    EXPECT_EQ(http_get(port, "/fhir/Patient/" + nhs).status, 200);
  });
  ASSERT_EQ(lines.size(), 3u) << text_;
  EXPECT_STREQ(lines[0]["path"].GetString(), "/fhir/Patient");
  EXPECT_STREQ(lines[1]["path"].GetString(), "/fhir/Patient/{id}/$everything");
  EXPECT_STREQ(lines[2]["path"].GetString(), "/fhir/Patient/{id}");
  EXPECT_EQ(text_.find(nhs), std::string::npos) << text_;
  EXPECT_EQ(text_.find("abc"), std::string::npos) << text_;
}

TEST_F(AccessLogTest, RequestIdIsTheCallersWhenSaneAndEchoed) {
  std::vector<std::string> echoed;
  auto lines = capture([&](std::uint16_t port) {
    for (std::string incoming : {"X-Request-Id: edge-42.a_b\r\n", "X-Request-Id: not sane!\r\n", ""}) {
      RawConnection c(port);
      c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + incoming + "Connection: close\r\n\r\n");
      echoed.push_back(header_value(c.read_response().head, "x-request-id").value_or(""));
    }
  });
  ASSERT_EQ(echoed.size(), 3u);
  EXPECT_EQ(echoed[0], "edge-42.a_b");
  EXPECT_NE(echoed[1].find("-1"), std::string::npos) << echoed[1];  // made here: connection-sequence
  EXPECT_EQ(echoed[1].find("sane"), std::string::npos);
  EXPECT_EQ(echoed[2].back(), '1');
  ASSERT_EQ(lines.size(), 3u) << text_;
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(lines[i]["req"].GetString(), echoed[i]);
}

TEST_F(AccessLogTest, KeepAliveRequestsGetAnIdEachAndHeadCountsNoBody) {
  std::vector<std::string> ids;
  auto lines = capture([&](std::uint16_t port) {
    RawConnection c(port);
    c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    ids.push_back(header_value(c.read_response().head, "x-request-id").value_or(""));
    // A HEAD response says Content-Length but sends no body: read the head only.
    c.send("HEAD /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ids.push_back(header_value(c.read_until("\r\n\r\n").value_or(""), "x-request-id").value_or(""));
    EXPECT_TRUE(c.wait_closed(std::chrono::seconds(5)));
  });
  ASSERT_EQ(lines.size(), 2u) << text_;
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_TRUE(ids[0].ends_with("-1") && ids[1].ends_with("-2")) << ids[0] << " " << ids[1];
  EXPECT_STREQ(lines[1]["method"].GetString(), "HEAD");
  EXPECT_EQ(lines[1]["bytes"].GetUint64(), 0u);
}

TEST_F(AccessLogTest, TurnedOffWritesNoLineButStillEchoesTheId) {
  std::string request_id;
  auto lines = capture(
      [&](std::uint16_t port) {
        request_id = header_value(http_get(port, "/healthz").head, "x-request-id").value_or("");
      },
      false);
  EXPECT_TRUE(lines.empty()) << text_;
  EXPECT_FALSE(request_id.empty());
}

}  // namespace
}  // namespace hie::net
