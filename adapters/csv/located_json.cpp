#include "adapters/csv/located_json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <set>
#include <vector>

namespace hie::adapters::csv {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseCommentsFlag |
                                 rapidjson::kParseTrailingCommasFlag |
                                 rapidjson::kParseValidateEncodingFlag;

class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') newlines_.push_back(i);
  }
  std::size_t line_of(std::size_t offset) const {
    return static_cast<std::size_t>(std::lower_bound(newlines_.begin(), newlines_.end(), offset) -
                                    newlines_.begin()) +
           1;
  }

 private:
  std::vector<std::size_t> newlines_;
};

/// SAX pass recording the line of every member and array element, refusing duplicate members.
class LineRecorder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, LineRecorder> {
 public:
  LineRecorder(const rapidjson::StringStream& stream, const LineIndex& lines,
               std::map<std::string, std::size_t>& out)
      : stream_(stream), lines_(lines), out_(out) {}

  bool Default() {
    element();
    return done();
  }
  bool StartObject() {
    element();
    frames_.push_back({true, 0, path(), {}, {}});
    return true;
  }
  bool Key(const char* str, rapidjson::SizeType len, bool) {
    Frame& f = frames_.back();
    std::string key(str, len);
    if (!f.keys.insert(key).second) {
      duplicate_ = join(f.path, key);
      duplicate_line_ = line();
      return false;
    }
    f.key = key;
    out_[join(f.path, key)] = line();
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    frames_.pop_back();
    return done();
  }
  bool StartArray() {
    element();
    frames_.push_back({false, 0, path(), {}, {}});
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    frames_.pop_back();
    return done();
  }

  const std::string& duplicate() const { return duplicate_; }
  std::size_t duplicate_line() const { return duplicate_line_; }

 private:
  struct Frame {
    bool is_object;
    std::size_t index;
    std::string path;
    std::set<std::string> keys;
    std::string key;
  };
  static std::string join(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }
  std::size_t line() const { return lines_.line_of(stream_.Tell()); }
  std::string path() const {
    if (frames_.empty()) return {};
    const Frame& f = frames_.back();
    return f.is_object ? join(f.path, f.key) : f.path + "[" + std::to_string(f.index) + "]";
  }
  void element() {
    if (!frames_.empty() && !frames_.back().is_object) out_[path()] = line();
  }
  bool done() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    return true;
  }

  const rapidjson::StringStream& stream_;
  const LineIndex& lines_;
  std::map<std::string, std::size_t>& out_;
  std::vector<Frame> frames_;
  std::string duplicate_;
  std::size_t duplicate_line_ = 0;
};

}  // namespace

Result<LocatedJson> LocatedJson::parse(std::string_view text, std::string origin) {
  LocatedJson out;
  out.origin_ = std::move(origin);
  const std::string owned(text);  // RapidJSON wants a NUL-terminated buffer
  const LineIndex lines(owned);
  out.document_.Parse<kParseFlags>(owned.c_str(), owned.size());
  if (out.document_.HasParseError())
    return make_error(
        Errc::config_error,
        std::string("invalid JSON: ") + rapidjson::GetParseError_En(out.document_.GetParseError()),
        out.origin_ + ":" + std::to_string(lines.line_of(out.document_.GetErrorOffset())));
  if (!out.document_.IsObject())
    return make_error(Errc::config_error, "a mapping file is a JSON object", out.origin_ + ":1");
  rapidjson::StringStream stream(owned.c_str());
  LineRecorder recorder(stream, lines, out.lines_);
  rapidjson::Reader reader;
  if (!reader.Parse<kParseFlags>(stream, recorder) && !recorder.duplicate().empty())
    return make_error(Errc::config_error, recorder.duplicate() + ": given twice",
                      out.origin_ + ":" + std::to_string(recorder.duplicate_line()));
  return out;
}

std::string LocatedJson::location_of(const std::string& path) const {
  std::string p = path;
  for (;;) {
    if (auto it = lines_.find(p); it != lines_.end())
      return origin_ + ":" + std::to_string(it->second);
    const auto cut = p.find_last_of(".[");
    if (cut == std::string::npos || cut == 0) return origin_ + ":1";
    p.resize(cut);
  }
}

}  // namespace hie::adapters::csv
