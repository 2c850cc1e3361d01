#include "broker/routing/event_rendering.hpp"

#include "adapters/adapter.hpp"
#include "broker/model/event_kind.hpp"
#include "broker/routing/event_derivation.hpp"

namespace hie::routing {

namespace {

/// The event in the subscriber's own format, or why it cannot be.
Result<std::string> write_own_format(const config::Exchange& subscriber, const ExchangeAdapters& adapters,
                                     const store::EventRecord& e) {
  const auto kind = model::parse_event_kind(e.kind);
  const adapters::Adapter* adapter = adapters.find(subscriber.id, subscriber.format);
  if (!kind || !adapter || !adapter->writes_event(*kind))
    return make_error(Errc::unsupported, "format " + subscriber.format + " cannot carry a " + e.kind + " event",
                      "events");
  auto resources = read_event_resources(e.fhir_json);
  if (!resources) return resources.error();
  adapters::EventWriteOptions options;
  options.control_id = e.id;
  options.timestamp_fhir = e.occurred;
  return adapter->write_event(*kind, *resources, options);
}

}  // namespace

Result<OutgoingEvent> render_event(const config::Exchange& subscriber, const ExchangeAdapters& adapters,
                                   const store::DeliveryRecord& delivery) {
  const store::EventRecord& e = delivery.event;
  OutgoingEvent out{e.id, e.kind, "fhir", e.source, e.occurred, delivery.attempts + 1, e.fhir_json};
  auto written = write_own_format(subscriber, adapters, e);
  if (written) {
    out.format = subscriber.format;
    out.payload = std::move(*written);
    return out;
  }
  // A peer reads FHIR whatever its own format; MLLP carries nothing but HL7 v2.
  if (subscriber.transport == config::Transport::mllp) return written.error();
  return out;
}

}  // namespace hie::routing
