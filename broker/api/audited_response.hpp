#pragma once
// A response that discloses nothing until its AuditEvent is durable in the store.

#include <boost/asio/awaitable.hpp>

#include "broker/api/audit_trail.hpp"
#include "broker/core/result.hpp"
#include "broker/net/http_types.hpp"
#include "broker/store/store.hpp"

namespace hie::api {

/// Writes `audit` (its status taken from `response` when not set), then returns `response`; a
/// 500 OperationOutcome instead when the audit row cannot be written.
boost::asio::awaitable<net::HttpResponse> audited_response(store::Store& store, const net::HttpRequest& request,
                                                           Disclosure& audit, net::HttpResponse response);

/// Awaitable store writes (the store answers by callback on its own thread).
boost::asio::awaitable<Status> write_audit(store::Store& store, store::AuditRecord record);
boost::asio::awaitable<Status> write_consent(store::Store& store, store::ConsentRecord record);

}  // namespace hie::api
