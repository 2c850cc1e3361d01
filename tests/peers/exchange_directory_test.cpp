#include "broker/peers/exchange_directory.hpp"

#include <gtest/gtest.h>

namespace hie::peers {
namespace {

config::Exchange exchange(std::string id, std::vector<std::string> facilities, std::string cn = "",
                          std::string sha256 = "") {
  config::Exchange e;
  e.id = std::move(id);
  e.credentials.sending_facilities = std::move(facilities);
  e.credentials.cert_subject_cn = std::move(cn);
  e.credentials.cert_sha256 = std::move(sha256);
  return e;
}

std::vector<config::Exchange> exchanges() {
  return {exchange("north", {"NORTHFAC", "NORTH^1.2.3^ISO"}, "north.example", ""),
          exchange("south", {"SOUTHFAC"}, "", "ab12")};
}

ExchangeDirectory directory() { return ExchangeDirectory(exchanges()); }

TEST(ExchangeDirectory, SendingFacilityByNamespaceOrAsSent) {
  auto d = directory();
  auto by_namespace = d.resolve_mllp_sender(std::nullopt, "NORTHFAC^2.16.1^ISO", "NORTHFAC", "");
  ASSERT_TRUE(by_namespace);
  EXPECT_EQ((*by_namespace)->id, "north");
  auto as_sent = d.resolve_mllp_sender(std::nullopt, "NORTH^1.2.3^ISO", "NORTH", "");
  ASSERT_TRUE(as_sent);
  EXPECT_EQ((*as_sent)->id, "north");
}

TEST(ExchangeDirectory, TheListenerDefaultTakesWhatNoRulePlaces) {
  auto d = directory();
  auto fallback = d.resolve_mllp_sender(std::nullopt, "ANYWHERE", "ANYWHERE", "south");
  ASSERT_TRUE(fallback);
  EXPECT_EQ((*fallback)->id, "south");
  auto none = d.resolve_mllp_sender(std::nullopt, "ANYWHERE", "ANYWHERE", "");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().location(), "MSH-4");
}

TEST(ExchangeDirectory, ACertificateWinsAndMustAgreeWithTheSendingFacility) {
  auto d = directory();
  net::PeerCertificate south_cert{"whatever", {}, "ab12"};
  auto ok = d.resolve_mllp_sender(south_cert, "SOUTHFAC", "SOUTHFAC", "north");
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)->id, "south");
  auto spoofed = d.resolve_mllp_sender(south_cert, "NORTHFAC", "NORTHFAC", "");
  ASSERT_FALSE(spoofed);
  EXPECT_EQ(spoofed.error().location(), "MSH-4");
  net::PeerCertificate stranger{"stranger.example", {"stranger.example"}, "ff"};
  auto unknown = d.resolve_mllp_sender(stranger, "", "", "north");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().location(), "certificate");
  net::PeerCertificate by_cn{"north.example", {}, "00"};
  auto cn = d.resolve_mllp_sender(by_cn, "", "", "");
  ASSERT_TRUE(cn);
  EXPECT_EQ((*cn)->id, "north");
}

TEST(ExchangeDirectory, TheHandshakeCheckLetsInOnlyCertificatesOfConfiguredExchanges) {
  auto accept = accept_exchange_certificates(std::make_shared<const ExchangeDirectory>(exchanges()));
  EXPECT_TRUE(accept({"north.example", {}, "00"}));
  EXPECT_TRUE(accept({"whatever", {}, "ab12"}));
  EXPECT_FALSE(accept({"stranger.example", {"stranger.example"}, "ff"}));
}

TEST(ExchangeDirectory, AReplacementAppliesToNewLookupsWhileEarlierFindsStayValid) {
  ExchangeDirectory d(exchanges());
  const config::Exchange* before = d.by_sending_facility("NORTHFAC");
  ASSERT_TRUE(before);
  // A reload: north's certificate rotated to a fingerprint, and a second sending facility.
  auto next = exchanges();
  next[0].credentials.cert_subject_cn.clear();
  next[0].credentials.cert_sha256 = "cd34";
  next[0].credentials.sending_facilities.push_back("NORTHLAB");
  d.replace(next);
  EXPECT_EQ(before->id, "north");  // a connection's exchange outlives the reload
  EXPECT_EQ(before->credentials.cert_subject_cn, "north.example");
  const config::Exchange* lab = d.by_sending_facility("NORTHLAB");
  ASSERT_TRUE(lab);
  EXPECT_EQ(lab->id, "north");
  net::PeerCertificate old_cert;
  old_cert.subject_cn = "north.example";
  EXPECT_EQ(d.by_certificate(old_cert), nullptr);
  net::PeerCertificate new_cert;
  new_cert.sha256 = "cd34";
  ASSERT_TRUE(d.by_certificate(new_cert));
  EXPECT_EQ(d.by_certificate(new_cert)->id, "north");
}

}  // namespace
}  // namespace hie::peers
