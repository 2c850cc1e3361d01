#pragma once
// Resource ids that are the same every time the same input is translated: a 128-bit hash of a
// key the adapter builds from the exchange, the input's own id and the source position.

#include <string>
#include <string_view>

namespace hie::adapters {

/// 32 lower-case hex digits (a valid FHIR id) from `key` (two FNV-1a 64 hashes).
std::string stable_hash_id(std::string_view key);

}  // namespace hie::adapters
