#pragma once
// A JSON-with-comments document plus where each setting was written, so that every
// configuration error can name file, line and setting path.

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::config {

/// The parsed document and a map from setting path ("listeners.http.port",
/// "exchanges[1].format") to the place it came from ("config/demo.json:14" or "--set ...").
class JsonSource {
 public:
  /// Parses `text` (comments and trailing commas allowed). `file` is used in messages only.
  static Result<JsonSource> parse(std::string_view text, std::string file);

  /// Applies `PATH=VALUE`. VALUE is read as JSON when it is JSON (8080, true, {"a":1}),
  /// otherwise as a string. Array elements are addressed by index or by their "id".
  Status apply_override(std::string_view assignment);

  const rapidjson::Document& document() const { return document_; }
  const std::string& file() const { return file_; }

  /// Where the setting at `path` was written; falls back to the nearest written ancestor.
  std::string location_of(const std::string& path) const;

 private:
  std::string file_;
  rapidjson::Document document_;
  std::map<std::string, std::string> locations_;
};

}  // namespace hie::config
