// hiebench events' receiving side: a delivery rendered the way the broker renders it is matched
// to its admission, the ACK is one the broker's MLLP client counts as delivered, and the tally
// tells deliveries, duplicates and strays apart.
#include "tools/hiebench/delivery_tally.hpp"

#include <gtest/gtest.h>

#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "broker/peers/mllp_reply.hpp"
#include "broker/routing/event_derivation.hpp"
#include "tools/hiebench/admission_feed.hpp"

namespace hie::tools {
namespace {

using namespace std::chrono_literals;

/// Admission `index` of run `run_id` as subscriber exchanges receive it: translated, derived
/// into its event, and written back as HL7 v2 from the event's stored Bundle (the dispatcher's
/// path).
std::string delivery_of(std::string_view run_id, std::size_t index) {
  const adapters::hl7v2::Hl7v2Adapter adapter;
  adapters::Context context;
  context.exchange_id = "source";
  context.default_utc_offset = "+00:00";
  auto translation = adapter.to_model(
      admission_message(run_id, index, bench_nhs_numbers(index + 1).back()), context);
  if (!translation) throw std::runtime_error(translation.error().describe());
  auto events = routing::derive_events(*translation, {"source", 42, "2025-03-04T09:12:00Z"});
  if (events.size() != 1) throw std::runtime_error("expected one event");
  auto resources = routing::read_event_resources(events[0].fhir_json);
  if (!resources) throw std::runtime_error(resources.error().describe());
  auto written = adapter.write_event(events[0].kind, *resources,
                                     {events[0].id, events[0].occurred, "HIE", "SUB"});
  if (!written) throw std::runtime_error(written.error().describe());
  return *written;
}

TEST(DeliveredEvent, FindsTheAdmissionThroughThePatientIdentifier) {
  const std::string delivered = delivery_of("runA", 3);
  EXPECT_EQ(delivered_event(delivered, "runA", 10), 3);
  EXPECT_EQ(delivered_event(delivered, "runB", 10), -1);  // another run's
  EXPECT_EQ(delivered_event(delivered, "run", 10), -1);   // a prefix of the run id is another run
  EXPECT_EQ(delivered_event(delivered, "runA", 3), -1);   // an index beyond the run
  EXPECT_EQ(delivered_event("not hl7", "runA", 10), -1);
}

TEST(SubscriberAck, IsAnAaTheBrokersMllpClientAccepts) {
  const std::string delivered = delivery_of("runA", 0);
  auto reply = peers::read_mllp_reply(subscriber_ack(delivered), "ev-42-0");
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->code, "AA");
  EXPECT_EQ(reply->control_id, "ev-42-0");
}

TEST(SubscriberAck, RejectsWhatIsNotHl7v2) {
  const std::string ack = subscriber_ack("garbage");
  EXPECT_NE(ack.find("\rMSA|AR"), std::string::npos) << ack;
}

TEST(DeliveryTally, CountsFirstCopiesDuplicatesAndStrays) {
  DeliveryTally tally("runA", 2, 3);
  const auto t0 = DeliveryTally::Clock::now();
  tally.sent(0, t0);
  tally.sent(1, t0 + 5ms);
  const std::string first = delivery_of("runA", 0), second = delivery_of("runA", 1);
  for (std::size_t s = 0; s < 3; ++s) tally.received(s, first, t0 + 20ms);
  tally.received(1, second, t0 + 45ms);
  tally.received(1, second, t0 + 60ms);                  // a retry's copy
  tally.received(2, delivery_of("runB", 1), t0 + 70ms);  // another run's
  tally.received(0, "junk", t0 + 80ms);

  const auto s = tally.summary();
  EXPECT_EQ(s.delivered, 4u);
  EXPECT_EQ(s.duplicates, 1u);
  EXPECT_EQ(s.unmatched, 2u);
  EXPECT_EQ(s.complete_events, 1u);    // event 1 reached subscriber 1 only
  EXPECT_DOUBLE_EQ(s.seconds, 0.045);  // first send to the last first copy
  ASSERT_EQ(s.latencies_ms.size(), 4u);
  EXPECT_DOUBLE_EQ(s.latencies_ms.front(), 20.0);
  EXPECT_DOUBLE_EQ(s.latencies_ms.back(), 40.0);
}

TEST(DeliveryTally, ADeliveryBeforeItsSendIsUnmatched) {
  DeliveryTally tally("runA", 2, 1);
  tally.received(0, delivery_of("runA", 1), DeliveryTally::Clock::now());
  EXPECT_EQ(tally.summary().unmatched, 1u);
  EXPECT_EQ(tally.summary().delivered, 0u);
}

TEST(DeliveryTally, WaitEndsWhenAllCameOrNothingMoreComes) {
  DeliveryTally tally("runA", 1, 1);
  tally.sent(0, DeliveryTally::Clock::now());
  EXPECT_FALSE(tally.wait_for(1, 10ms));
  tally.received(0, delivery_of("runA", 0), DeliveryTally::Clock::now());
  EXPECT_TRUE(tally.wait_for(1, 10ms));
}

}  // namespace
}  // namespace hie::tools
