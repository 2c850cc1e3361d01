#pragma once
// One delivery as its subscriber receives it: in the subscriber's own format when its adapter
// writes that kind of event (HL7 v2: ADT, ORU), else the event's FHIR collection Bundle. An
// exchange that takes only MLLP cannot receive FHIR, so a kind its adapter cannot write is an
// error for it (the dispatcher makes that delivery a dead letter naming why).

#include "broker/config/config.hpp"
#include "broker/core/result.hpp"
#include "broker/routing/event_transport.hpp"
#include "broker/routing/exchange_adapters.hpp"
#include "broker/store/events.hpp"

namespace hie::routing {

Result<OutgoingEvent> render_event(const config::Exchange& subscriber, const ExchangeAdapters& adapters,
                                   const store::DeliveryRecord& delivery);

}  // namespace hie::routing
