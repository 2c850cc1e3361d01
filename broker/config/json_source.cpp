#include "broker/config/json_source.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace hie::config {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag;

/// Maps byte offsets to 1-based line numbers.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') newlines_.push_back(i);
  }
  std::size_t line_of(std::size_t offset) const {
    return static_cast<std::size_t>(std::lower_bound(newlines_.begin(), newlines_.end(), offset) -
                                    newlines_.begin()) + 1;
  }
  std::size_t column_of(std::string_view text, std::size_t offset) const {
    auto nl = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    return nl == std::string_view::npos ? offset + 1 : offset - nl;
  }

 private:
  std::vector<std::size_t> newlines_;
};

/// SAX pass that records the line of every key and array element, and refuses duplicate keys
/// (RapidJSON's DOM would silently keep both).
class LocationRecorder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, LocationRecorder> {
 public:
  LocationRecorder(const rapidjson::StringStream& stream, const LineIndex& lines, std::string file,
                   std::map<std::string, std::string>& out)
      : stream_(stream), lines_(lines), file_(std::move(file)), out_(out) {}

  bool Default() {
    begin_value();
    return value_done();
  }
  bool StartObject() {
    begin_value();
    frames_.push_back(Frame{true, 0, current_path(), {}, {}});
    return true;
  }
  bool Key(const char* str, rapidjson::SizeType len, bool) {
    Frame& f = frames_.back();
    std::string key(str, len);
    if (!f.keys.insert(key).second) {
      duplicate_ = join(f.path, key);
      duplicate_line_ = lines_.line_of(stream_.Tell());
      return false;
    }
    f.pending_key = key;
    out_[join(f.path, key)] = here();
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    frames_.pop_back();
    return value_done();
  }
  bool StartArray() {
    begin_value();
    frames_.push_back(Frame{false, 0, current_path(), {}, {}});
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    frames_.pop_back();
    return value_done();
  }

  const std::string& duplicate() const { return duplicate_; }
  std::size_t duplicate_line() const { return duplicate_line_; }

 private:
  struct Frame {
    bool is_object;
    std::size_t index;
    std::string path;
    std::set<std::string> keys;
    std::string pending_key;
  };

  static std::string join(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }
  std::string here() const { return file_ + ":" + std::to_string(lines_.line_of(stream_.Tell())); }
  std::string current_path() const {
    if (frames_.empty()) return {};
    const Frame& f = frames_.back();
    if (f.is_object) return join(f.path, f.pending_key);
    return f.path + "[" + std::to_string(f.index) + "]";
  }
  void begin_value() {
    if (!frames_.empty() && !frames_.back().is_object) out_[current_path()] = here();
  }
  bool value_done() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    return true;
  }

  const rapidjson::StringStream& stream_;
  const LineIndex& lines_;
  std::string file_;
  std::map<std::string, std::string>& out_;
  std::vector<Frame> frames_;
  std::string duplicate_;
  std::size_t duplicate_line_ = 0;
};

bool is_index(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<JsonSource> JsonSource::parse(std::string_view text, std::string file) {
  JsonSource source;
  source.file_ = std::move(file);
  std::string owned(text);  // RapidJSON wants a NUL-terminated buffer
  LineIndex lines(owned);

  source.document_.Parse<kParseFlags>(owned.c_str(), owned.size());
  if (source.document_.HasParseError()) {
    std::size_t offset = source.document_.GetErrorOffset();
    return make_error(Errc::config_error,
                      std::string("invalid JSON: ") +
                          rapidjson::GetParseError_En(source.document_.GetParseError()) +
                          " (column " + std::to_string(lines.column_of(owned, offset)) + ")",
                      source.file_ + ":" + std::to_string(lines.line_of(offset)));
  }
  if (!source.document_.IsObject())
    return make_error(Errc::config_error, "the configuration must be a JSON object",
                      source.file_ + ":1");

  rapidjson::StringStream stream(owned.c_str());
  LocationRecorder recorder(stream, lines, source.file_, source.locations_);
  rapidjson::Reader reader;
  if (!reader.Parse<kParseFlags>(stream, recorder) && !recorder.duplicate().empty())
    return make_error(Errc::config_error, "setting " + recorder.duplicate() + " is given twice",
                      source.file_ + ":" + std::to_string(recorder.duplicate_line()));
  return source;
}

Status JsonSource::apply_override(std::string_view assignment) {
  auto eq = assignment.find('=');
  std::string where = "--set " + std::string(assignment);
  if (eq == std::string_view::npos || eq == 0)
    return make_error(Errc::config_error, "expected --set PATH=VALUE", where);
  std::string path(assignment.substr(0, eq));
  std::string text(assignment.substr(eq + 1));

  auto& alloc = document_.GetAllocator();
  rapidjson::Value value;
  rapidjson::Document parsed;
  parsed.Parse(text.c_str(), text.size());
  if (!parsed.HasParseError())
    value.CopyFrom(parsed, alloc);
  else
    value.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);

  rapidjson::Value* node = &document_;
  std::string canonical;  // the path as the loader names it: exchanges[1].format
  std::size_t start = 0;
  while (true) {
    auto dot = path.find('.', start);
    std::string segment = path.substr(start, dot == std::string::npos ? dot : dot - start);
    bool last = dot == std::string::npos;
    if (segment.empty()) return make_error(Errc::config_error, "empty segment in setting path", where);

    if (node->IsArray()) {
      // An element whose "id" matches wins over an index, so exchange "1" stays addressable.
      rapidjson::SizeType found = node->Size();
      for (rapidjson::SizeType i = 0; i < node->Size() && found == node->Size(); ++i) {
        const auto& element = (*node)[i];
        if (element.IsObject() && element.HasMember("id") && element["id"].IsString() &&
            segment == element["id"].GetString())
          found = i;
      }
      if (found == node->Size() && is_index(segment) && segment.size() < 10 &&
          std::stoul(segment) < node->Size())
        found = static_cast<rapidjson::SizeType>(std::stoul(segment));
      if (found == node->Size())
        return make_error(Errc::config_error, "no element '" + segment + "' in " + canonical, where);
      canonical += "[" + std::to_string(found) + "]";
      if (last) {
        (*node)[found] = value;
        break;
      }
      node = &(*node)[found];
    } else {
      if (!node->IsObject())
        return make_error(Errc::config_error, canonical + " is not an object", where);
      canonical += (canonical.empty() ? "" : ".") + segment;
      // HasMember + operator[] rather than iterator comparisons, which clang 14 flags as
      // ambiguous in C++20 for RapidJSON's iterators.
      const bool present = node->HasMember(segment.c_str());
      if (last) {
        if (present)
          (*node)[segment.c_str()] = value;
        else
          node->AddMember(rapidjson::Value(segment.c_str(), alloc), value, alloc);
        break;
      }
      if (!present)
        node->AddMember(rapidjson::Value(segment.c_str(), alloc), rapidjson::Value(rapidjson::kObjectType),
                        alloc);
      node = &(*node)[segment.c_str()];
    }
    start = dot + 1;
  }
  // Everything at or under the overridden path now comes from the command line.
  for (auto it = locations_.lower_bound(canonical); it != locations_.end();) {
    const std::string& key = it->first;
    if (key.rfind(canonical, 0) != 0) break;
    const bool under = key.size() == canonical.size() || key[canonical.size()] == '.' || key[canonical.size()] == '[';
    it = under ? locations_.erase(it) : std::next(it);
  }
  locations_[canonical] = where;
  return {};
}

std::string JsonSource::location_of(const std::string& path) const {
  std::string p = path;
  while (true) {
    if (auto it = locations_.find(p); it != locations_.end()) return it->second;
    auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) return file_;
    p.resize(cut);
  }
}

}  // namespace hie::config
