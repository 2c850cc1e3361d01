#include "broker/config/read_events.hpp"

#include <string>

#include "broker/model/event_kind.hpp"
#include "broker/model/nhs_number.hpp"

namespace hie::config {
namespace {

void read_subscription(ObjectReader& s, Subscription& out) {
  s.required("events", out.events);
  if (out.events.empty()) s.fail("events", "name at least one event kind");
  for (const auto& word : out.events)
    if (!model::parse_event_kind(word))
      s.fail("events", "unknown event kind \"" + word +
                           "\" (admission, discharge, transfer, demographics-update, merge, new-result, "
                           "new-document)");
  s.one_of("patients", out.patients, {"held", "listed", "all"});
  s.optional("nhs_numbers", out.nhs_numbers);
  if (out.patients == "listed" && out.nhs_numbers.empty())
    s.fail("nhs_numbers", "patients \"listed\" needs the NHS numbers to list");
  if (out.patients != "listed" && !out.nhs_numbers.empty())
    s.fail("nhs_numbers", "is only for patients \"listed\"");
  for (const auto& number : out.nhs_numbers)
    if (!model::NhsNumber::parse(number)) s.fail("nhs_numbers", "\"" + number + "\" is not a valid NHS number");
  s.finish();
}

}  // namespace

void read_exchange_events(ObjectReader& item, Exchange& exchange) {
  for (auto& s : item.array_of_objects("subscriptions")) read_subscription(s, exchange.subscriptions.emplace_back());
  if (auto mllp = item.object("mllp_delivery")) {
    MllpDelivery d;
    mllp->required("host", d.host);
    mllp->required("port", d.port);
    mllp->optional("tls", d.tls);
    if (d.port == 0) mllp->fail("port", "must be from 1 to 65535");
    mllp->finish();
    if (exchange.transport != Transport::mllp)
      item.fail("mllp_delivery", "is only for transport mllp (other exchanges receive events over their own transport)");
    exchange.mllp_delivery = std::move(d);
  }
  const bool tls_files = !exchange.client_tls.ca.empty() || !exchange.client_tls.cert.empty();
  if (exchange.transport == Transport::mllp && tls_files && !(exchange.mllp_delivery && exchange.mllp_delivery->tls))
    item.fail("client_tls", "an mllp exchange's client_tls is for mllp_delivery with \"tls\": true");
  if (exchange.subscriptions.empty()) return;
  if (exchange.transport == Transport::fhir_rest)
    item.fail("subscriptions", "a fhir-rest exchange cannot receive events: the broker does not write to FHIR servers");
  else if (exchange.transport == Transport::mllp && !exchange.mllp_delivery)
    item.fail("subscriptions", "an mllp exchange receives events over MLLP: set mllp_delivery (host, port)");
}

void read_events(ObjectReader& root, Events& out) {
  auto events = root.object("events");
  if (!events) return;
  events->optional("ack_timeout_ms", out.ack_timeout);
  events->optional("max_attempts", out.max_attempts);
  events->optional("retry_initial_ms", out.retry_initial);
  events->optional("retry_max_ms", out.retry_max);
  events->optional("backlog_alert", out.backlog_alert);
  events->optional("in_flight", out.in_flight);
  events->optional("delivered_retention_hours", out.delivered_retention_hours);
  if (out.ack_timeout.count() == 0) events->fail("ack_timeout_ms", "must be greater than 0");
  if (out.max_attempts == 0 || out.max_attempts > 1000) events->fail("max_attempts", "must be from 1 to 1000");
  if (out.retry_initial.count() == 0) events->fail("retry_initial_ms", "must be greater than 0");
  if (out.retry_max < out.retry_initial) events->fail("retry_max_ms", "must be at least retry_initial_ms");
  if (out.in_flight == 0 || out.in_flight > 4096) events->fail("in_flight", "must be from 1 to 4096");
  // 100 years, as exchanges' retention_days.
  if (out.delivered_retention_hours > 876'000)
    events->fail("delivered_retention_hours", "must be from 0 (keep forever) to 876000");
  events->finish();
}

}  // namespace hie::config
