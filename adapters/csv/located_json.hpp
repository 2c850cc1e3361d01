#pragma once
// A mapping file's JSON (comments and trailing commas allowed) and the line each setting was
// written on, so that every mapping error names origin:line and the setting path. The same idea
// as broker/config/json_source, which adapters may not use (they depend on model and core only).

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <string_view>

#include "broker/core/result.hpp"

namespace hie::adapters::csv {

class LocatedJson {
 public:
  /// Parses `text`; an error names `origin`:line. A member name given twice is an error
  /// (RapidJSON's DOM would keep both).
  static Result<LocatedJson> parse(std::string_view text, std::string origin);

  const rapidjson::Document& document() const { return document_; }

  /// "origin:line" of the setting at `path` ("layouts[0].resources[1].type"), or of its nearest
  /// written ancestor.
  std::string location_of(const std::string& path) const;

 private:
  std::string origin_;
  rapidjson::Document document_;
  std::map<std::string, std::size_t> lines_;
};

}  // namespace hie::adapters::csv
