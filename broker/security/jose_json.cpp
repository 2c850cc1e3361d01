#include "broker/security/detail/jose_json.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <set>
#include <utility>

namespace hie::security::detail {
namespace {

/// Forwards SAX events to the document, refusing nesting deeper than kMaxJsonDepth as it goes,
/// so a hostile token cannot build a deep tree at all.
class DepthLimitedHandler {
 public:
  explicit DepthLimitedHandler(rapidjson::Document& doc) : doc_(doc) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(std::int64_t i) { return doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return doc_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc_.Key(s, n, copy); }
  bool StartObject() { return enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { return --depth_, doc_.EndObject(n); }
  bool StartArray() { return enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return --depth_, doc_.EndArray(n); }

  bool too_deep() const { return too_deep_; }

 private:
  bool enter() {
    if (++depth_ > kMaxJsonDepth) too_deep_ = true;
    return !too_deep_;
  }
  rapidjson::Document& doc_;
  int depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

std::optional<Refusal> parse_jose_object(std::string_view text, rapidjson::Document& out) {
  bool too_deep = false;
  bool parsed = false;
  auto generate = [&](rapidjson::Document& doc) {
    DepthLimitedHandler handler(doc);
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::Reader reader;
    parsed = !reader
                  .Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
                      stream, handler)
                  .IsError();
    too_deep = handler.too_deep();
    return parsed;
  };
  out.Populate(generate);
  if (too_deep) return Refusal::too_deep;
  if (!parsed || !out.IsObject()) return Refusal::bad_json;
  std::set<std::string_view> names;
  for (const auto& member : std::as_const(out).GetObject())
    if (!names.emplace(member.name.GetString(), member.name.GetStringLength()).second)
      return Refusal::duplicate_member;
  return std::nullopt;
}

}  // namespace hie::security::detail
