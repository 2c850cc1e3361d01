#pragma once
// Walks one JSON object of the configuration, reading typed settings and collecting every
// error with its file:line and setting path. Keys nobody asked for are unknown settings.

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "broker/config/json_source.hpp"

namespace hie::config {

class ObjectReader {
 public:
  ObjectReader(const JsonSource& source, const rapidjson::Value& value, std::string path,
               std::vector<Error>& errors);

  template <class T>
  void optional(const char* key, T& out) {
    if (const auto* v = find(key)) read(key, *v, out);
  }
  template <class T>
  void required(const char* key, T& out) {
    if (const auto* v = find(key))
      read(key, *v, out);
    else
      fail(key, "is required");
  }
  /// A string setting restricted to `allowed`.
  void one_of(const char* key, std::string& out, std::initializer_list<std::string_view> allowed);

  /// The nested object at `key`; nullopt when absent or null (an error when not an object).
  std::optional<ObjectReader> object(const char* key);
  /// Each element of the array of objects at `key`.
  std::vector<ObjectReader> array_of_objects(const char* key);

  /// Records an error about the setting `key` of this object.
  void fail(std::string_view key, const std::string& message);
  /// Records an error about the setting at the full `path`.
  void fail_at(const std::string& path, const std::string& message);
  /// Reports every key of this object that no one asked for, with a suggestion.
  void finish();

 private:
  const rapidjson::Value* find(const char* key);
  std::string child(std::string_view key) const;

  void read(const char* key, const rapidjson::Value& v, std::string& out);
  void read(const char* key, const rapidjson::Value& v, bool& out);
  void read(const char* key, const rapidjson::Value& v, std::uint16_t& out);
  void read(const char* key, const rapidjson::Value& v, unsigned& out);
  void read(const char* key, const rapidjson::Value& v, std::size_t& out);
  void read(const char* key, const rapidjson::Value& v, std::chrono::milliseconds& out);
  void read(const char* key, const rapidjson::Value& v, std::vector<std::string>& out);
  /// An object whose values are all strings; each entry that is not a string is an error of its own.
  void read(const char* key, const rapidjson::Value& v, std::map<std::string, std::string>& out);
  std::optional<std::uint64_t> read_unsigned(const char* key, const rapidjson::Value& v,
                                             std::uint64_t max);

  const JsonSource* source_;
  const rapidjson::Value* value_;
  std::string path_;
  std::vector<Error>* errors_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace hie::config
