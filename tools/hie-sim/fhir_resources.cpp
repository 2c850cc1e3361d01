#include "tools/hie-sim/fhir_resources.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace hie::sim {
namespace {

/// SAX pass that notes where each `entry[i].resource` object starts and ends, its resourceType
/// and the entry's fullUrl, and the root's resourceType. Numbers are never converted.
class SpanRecorder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, SpanRecorder> {
 public:
  struct Entry {
    std::size_t start = 0, end = 0;
    bool has_resource = false;
    std::string resource_type, full_url;
  };

  explicit SpanRecorder(const rapidjson::StringStream& stream) : stream_(stream) {}

  bool Default() { return true; }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (frames_.empty()) return true;
    const std::string_view value(s, n);
    const std::string_view key = frames_.back().key;
    if (frames_.size() == 1 && key == "resourceType") root_type_ = value;
    if (frames_.size() == 3 && in_entry() && key == "fullUrl") entry_.full_url = value;
    if (frames_.size() == 4 && in_resource() && key == "resourceType") entry_.resource_type = value;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    frames_.back().key.assign(s, n);
    return true;
  }
  bool StartObject() {
    // The '{' has just been read.
    if (frames_.size() == 3 && in_entry() && frames_[2].key == "resource")
      entry_.start = stream_.Tell() - 1;
    frames_.push_back({true, {}});
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    frames_.pop_back();
    if (frames_.size() == 3 && in_resource()) {
      entry_.end = stream_.Tell();
      entry_.has_resource = true;
    } else if (frames_.size() == 2 && in_entry_array()) {
      if (entry_.has_resource) entries_.push_back(std::move(entry_));
      entry_ = {};
    }
    return true;
  }
  bool StartArray() {
    frames_.push_back({false, {}});
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    frames_.pop_back();
    return true;
  }

  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& root_type() const { return root_type_; }

 private:
  struct Frame {
    bool is_object;
    std::string key;  ///< objects: the member being read
  };
  // frames_[0] the root object, [1] its "entry" array, [2] an entry, [3] the entry's resource.
  bool in_entry_array() const {
    return frames_.size() >= 2 && frames_[0].is_object && frames_[0].key == "entry" &&
           !frames_[1].is_object;
  }
  bool in_entry() const { return in_entry_array() && frames_.size() >= 3 && frames_[2].is_object; }
  bool in_resource() const { return in_entry() && frames_[2].key == "resource"; }

  const rapidjson::StringStream& stream_;
  std::vector<Frame> frames_;
  std::string root_type_;
  Entry entry_;
  std::vector<Entry> entries_;
};

}  // namespace

Result<std::vector<FhirResourceSpan>> fhir_resources(std::string_view json) {
  if (json.starts_with("\xEF\xBB\xBF")) json.remove_prefix(3);
  // RapidJSON reads up to a NUL: parse a NUL-terminated copy, report spans of the original.
  const std::string text(json);
  rapidjson::StringStream stream(text.c_str());
  SpanRecorder recorder(stream);
  rapidjson::Reader reader;
  auto ok = reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(stream, recorder);
  if (!ok)
    return make_error(Errc::parse_error,
                      std::string("not JSON: ") + rapidjson::GetParseError_En(ok.Code()),
                      "offset " + std::to_string(ok.Offset()));
  if (recorder.root_type().empty())
    return make_error(Errc::parse_error, "not a FHIR resource (no resourceType)");
  std::vector<FhirResourceSpan> out;
  if (recorder.root_type() != "Bundle") {
    const auto end = json.find_last_not_of(" \t\r\n");
    out.push_back({json.substr(0, end + 1), recorder.root_type(), ""});
    return out;
  }
  for (const auto& e : recorder.entries())
    out.push_back({json.substr(e.start, e.end - e.start), e.resource_type, e.full_url});
  return out;
}

}  // namespace hie::sim
