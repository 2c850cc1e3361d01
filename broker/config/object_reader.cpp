#include "broker/config/object_reader.hpp"

#include <algorithm>
#include <limits>

namespace hie::config {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

ObjectReader::ObjectReader(const JsonSource& source, const rapidjson::Value& value, std::string path,
                           std::vector<Error>& errors)
    : source_(&source), value_(&value), path_(std::move(path)), errors_(&errors) {}

std::string ObjectReader::child(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const rapidjson::Value* ObjectReader::find(const char* key) {
  known_.insert(key);
  auto it = value_->FindMember(key);
  if (it == value_->MemberEnd()) return nullptr;
  return &it->value;
}

void ObjectReader::fail(std::string_view key, const std::string& message) {
  fail_at(child(key), message);
}

void ObjectReader::fail_at(const std::string& path, const std::string& message) {
  errors_->emplace_back(Errc::config_error, path + ": " + message, source_->location_of(path));
}

void ObjectReader::one_of(const char* key, std::string& out, std::initializer_list<std::string_view> allowed) {
  const auto* v = find(key);
  if (!v) return;
  std::string value;
  read(key, *v, value);
  if (!v->IsString()) return;
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(key, "must be one of " + list + " (got \"" + value + "\")");
    return;
  }
  out = value;
}

std::optional<ObjectReader> ObjectReader::object(const char* key) {
  const auto* v = find(key);
  if (!v || v->IsNull()) return std::nullopt;
  if (!v->IsObject()) {
    fail(key, "expected an object");
    return std::nullopt;
  }
  return ObjectReader(*source_, *v, child(key), *errors_);
}

std::vector<ObjectReader> ObjectReader::array_of_objects(const char* key) {
  std::vector<ObjectReader> items;
  const auto* v = find(key);
  if (!v || v->IsNull()) return items;
  if (!v->IsArray()) {
    fail(key, "expected an array of objects");
    return items;
  }
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    std::string path = child(key) + "[" + std::to_string(i) + "]";
    if (!(*v)[i].IsObject()) {
      fail_at(path, "expected an object");
      continue;
    }
    items.emplace_back(*source_, (*v)[i], path, *errors_);
  }
  return items;
}

void ObjectReader::finish() {
  for (auto it = value_->MemberBegin(); it != value_->MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (known_.contains(name)) continue;
    std::string message = "unknown setting";
    std::string_view best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const auto& candidate : known_) {
      std::size_t d = edit_distance(name, candidate);
      if (d < best_distance) best_distance = d, best = candidate;
    }
    if (!best.empty() && best_distance <= std::max<std::size_t>(2, name.size() / 3))
      message += " (did you mean " + child(best) + "?)";
    fail(name, message);
  }
}

void ObjectReader::read(const char* key, const rapidjson::Value& v, std::string& out) {
  if (!v.IsString()) return fail(key, "expected a string");
  out.assign(v.GetString(), v.GetStringLength());
}

void ObjectReader::read(const char* key, const rapidjson::Value& v, bool& out) {
  if (!v.IsBool()) return fail(key, "expected true or false");
  out = v.GetBool();
}

std::optional<std::uint64_t> ObjectReader::read_unsigned(const char* key, const rapidjson::Value& v,
                                                         std::uint64_t max) {
  if (!v.IsUint64() || v.GetUint64() > max) {
    fail(key, "expected an integer from 0 to " + std::to_string(max));
    return std::nullopt;
  }
  return v.GetUint64();
}

void ObjectReader::read(const char* key, const rapidjson::Value& v, std::uint16_t& out) {
  if (auto n = read_unsigned(key, v, 65535)) out = static_cast<std::uint16_t>(*n);
}

void ObjectReader::read(const char* key, const rapidjson::Value& v, unsigned& out) {
  if (auto n = read_unsigned(key, v, std::numeric_limits<unsigned>::max())) out = static_cast<unsigned>(*n);
}

void ObjectReader::read(const char* key, const rapidjson::Value& v, std::size_t& out) {
  if (auto n = read_unsigned(key, v, 1ull << 40)) out = *n;
}

void ObjectReader::read(const char* key, const rapidjson::Value& v, std::chrono::milliseconds& out) {
  if (auto n = read_unsigned(key, v, 7ull * 24 * 3600 * 1000)) out = std::chrono::milliseconds(*n);
}

void ObjectReader::read(const char* key, const rapidjson::Value& v, std::vector<std::string>& out) {
  if (!v.IsArray()) return fail(key, "expected an array of strings");
  out.clear();
  for (const auto& item : v.GetArray()) {
    if (!item.IsString()) return fail(key, "expected an array of strings");
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
}

void ObjectReader::read(const char* key, const rapidjson::Value& v, std::map<std::string, std::string>& out) {
  if (!v.IsObject()) return fail(key, "expected an object of strings");
  out.clear();
  for (const auto& [name, value] : v.GetObject()) {
    std::string entry(name.GetString(), name.GetStringLength());
    if (!value.IsString()) {
      fail(std::string(key) + "." + entry, "expected a string");
      continue;
    }
    out.emplace(std::move(entry), std::string(value.GetString(), value.GetStringLength()));
  }
}

}  // namespace hie::config
