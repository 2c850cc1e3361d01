#pragma once
// The `security` section of the configuration (bearer JWT issuers, the development issuer).

#include <string>

#include "broker/config/config.hpp"
#include "broker/config/object_reader.hpp"

namespace hie::config {

/// Reads `security` from `root` into `out`; key file paths are resolved against `base_dir` and
/// must exist (but for an `optional` development issuer's key).
void read_security(ObjectReader& root, Security& out, const std::string& base_dir);

}  // namespace hie::config
