#pragma once
// Reading a test's input files: one helper for every test that reads samples or mappings.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace hie::testing {

/// The bytes of `path`, unchanged; throws when it cannot be read, so a missing sample fails the
/// test that needs it instead of handing it an empty input.
inline std::string read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

/// The bytes of <source tree>/<relative>.
inline std::string read_source_file(const std::string& relative) {
  return read_file_bytes(std::filesystem::path(HIE_SOURCE_DIR) / relative);
}

}  // namespace hie::testing
