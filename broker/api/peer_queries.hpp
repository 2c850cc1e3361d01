#pragma once
// Exchanges asking the broker over the peer protocol (`query` on /peer): the same query, merge,
// consent and audit as the FHIR API, answered as a searchset Bundle. The exchange is identified
// by its client certificate; it is not asked about its own records.

#include <functional>
#include <string>

#include "broker/config/config.hpp"
#include "broker/core/result.hpp"
#include "broker/peers/peer_protocol.hpp"

namespace hie::routing {
class QueryEngine;
}
namespace hie::store {
class Store;
}

namespace hie::api {

using PeerQueryAnswerer = std::function<void(const config::Exchange& requester, peers::protocol::Query query,
                                             std::function<void(Result<std::string>)> answer)>;

/// For PeerEndpointSettings::answer_query. `base_url`: the FHIR base the Bundle's fullUrls name.
PeerQueryAnswerer peer_query_answerer(routing::QueryEngine& engine, store::Store& store, std::string base_url);

}  // namespace hie::api
