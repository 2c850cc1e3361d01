#pragma once
// From a configured exchange to what its adapter is told about the input.

#include "adapters/adapter.hpp"
#include "broker/config/config.hpp"

namespace hie::routing {

/// The exchange's id (meta.source, and part of every resource id), its default UTC offset and its
/// identifier systems (the top-level table with its own entries over it).
adapters::Context adapter_context(const config::Exchange& exchange);

}  // namespace hie::routing
