#pragma once
// File settings: where a relative path in the configuration points.

#include <string>

namespace hie::config {

/// `path` as seen from `base_dir` (the config file's folder); absolute and empty paths as given.
std::string resolve_path(const std::string& base_dir, const std::string& path);

/// True when `path` names something that exists (a missing folder on the way is just false).
bool path_exists(const std::string& path);

}  // namespace hie::config
