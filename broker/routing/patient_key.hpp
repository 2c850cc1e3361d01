#pragma once
// How the broker files things under a patient: one rule for stored resources and events.

#include <span>
#include <string>

#include "broker/store/store.hpp"

namespace hie::routing {

/// The NHS number among `identifiers`, else the first one as "system|value"; "" when there are
/// none. `identifiers` are expected to carry both a system and a value.
std::string patient_key(std::span<const store::PatientIdentity> identifiers);

}  // namespace hie::routing
