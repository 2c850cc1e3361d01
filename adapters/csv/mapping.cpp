#include "adapters/csv/mapping.hpp"

#include <algorithm>
#include <initializer_list>

#include "adapters/csv/located_json.hpp"

namespace hie::adapters::csv {
namespace {

using Value = rapidjson::Value;

/// Reads the document into a Mapping; the first error wins and names its setting.
class MappingReader {
 public:
  explicit MappingReader(const LocatedJson& json) : json_(json) {}

  Result<Mapping> read(std::string origin);

 private:
  Error error(const std::string& path, const std::string& message) const {
    return make_error(Errc::config_error, path + ": " + message, json_.location_of(path));
  }
  static std::string member(const std::string& path, std::string_view key) {
    return path + "." + std::string(key);
  }

  Status only_keys(const Value& object, const std::string& path,
                   std::initializer_list<std::string_view> allowed) const;
  Result<std::string> string_at(const Value& object, const std::string& path, std::string_view key,
                                bool required) const;
  Result<std::vector<std::string>> strings_at(const Value& object, const std::string& path,
                                              std::string_view key) const;
  Result<std::vector<DateFormat>> formats_at(const Value& object, const std::string& path,
                                             std::string_view key,
                                             std::vector<std::string> fallback) const;
  Status read_dialect(const Value& root, Mapping& m) const;
  Result<Layout> read_layout(const Value& v, const std::string& path, const Mapping& m) const;
  Result<ResourceMapping> read_resource(const Value& v, const std::string& path) const;
  Result<FieldMapping> read_field(const Value& v, const std::string& path, std::string_view key,
                                  std::string_view resource) const;
  Status check_resources(const Layout& layout, const std::string& path) const;

  const LocatedJson& json_;
};

Status MappingReader::only_keys(const Value& object, const std::string& path,
                                std::initializer_list<std::string_view> allowed) const {
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return error(path.empty() ? std::string(name) : member(path, name),
                   "unknown setting (expected one of: " + list + ")");
    }
  }
  return {};
}

Result<std::string> MappingReader::string_at(const Value& object, const std::string& path,
                                             std::string_view key, bool required) const {
  const std::string where = path.empty() ? std::string(key) : member(path, key);
  auto it = object.FindMember(rapidjson::StringRef(key.data(), key.size()));
  if (it == object.MemberEnd()) {
    if (required) return error(where, "missing (required)");
    return std::string();
  }
  if (!it->value.IsString()) return error(where, "expected a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

Result<std::vector<std::string>> MappingReader::strings_at(const Value& object,
                                                           const std::string& path,
                                                           std::string_view key) const {
  std::vector<std::string> out;
  const std::string where = path.empty() ? std::string(key) : member(path, key);
  auto it = object.FindMember(rapidjson::StringRef(key.data(), key.size()));
  if (it == object.MemberEnd()) return out;
  if (!it->value.IsArray()) return error(where, "expected an array of strings");
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    const Value& s = it->value[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!s.IsString() || s.GetStringLength() == 0) return error(at, "expected a non-empty string");
    out.emplace_back(s.GetString(), s.GetStringLength());
  }
  return out;
}

Result<std::vector<DateFormat>> MappingReader::formats_at(const Value& object,
                                                          const std::string& path,
                                                          std::string_view key,
                                                          std::vector<std::string> fallback) const {
  auto patterns = strings_at(object, path, key);
  if (!patterns) return patterns.error();
  const bool given = object.HasMember(rapidjson::StringRef(key.data(), key.size()));
  if (given && patterns->empty())
    return error(path.empty() ? std::string(key) : member(path, key), "needs at least one format");
  if (!given) *patterns = std::move(fallback);
  std::vector<DateFormat> out;
  for (std::size_t i = 0; i < patterns->size(); ++i) {
    auto f = DateFormat::parse((*patterns)[i]);
    if (!f)
      return error(
          (path.empty() ? std::string(key) : member(path, key)) + "[" + std::to_string(i) + "]",
          f.error().message());
    out.push_back(std::move(*f));
  }
  return out;
}

Status MappingReader::read_dialect(const Value& root, Mapping& m) const {
  auto delimiter = string_at(root, "", "delimiter", false);
  if (!delimiter) return delimiter.error();
  if (!delimiter->empty()) {
    if (*delimiter != "," && *delimiter != ";" && *delimiter != "\t" && *delimiter != "|")
      return error("delimiter", "expected \",\", \";\", \"\\t\" or \"|\"");
    m.delimiter = (*delimiter)[0];
  }
  if (root.HasMember("quote")) {
    auto quote = string_at(root, "", "quote", true);
    if (!quote) return quote.error();
    if (quote->size() > 1 || *quote == "\r" || *quote == "\n" ||
        (quote->size() == 1 && (*quote)[0] == m.delimiter))
      return error("quote", "expected one character other than the delimiter, or \"\" for none");
    m.quote = quote->empty() ? '\0' : (*quote)[0];
  }
  auto encoding = string_at(root, "", "encoding", false);
  if (!encoding) return encoding.error();
  if (!encoding->empty()) {
    auto e = encoding_named(*encoding);
    if (!e)
      return error("encoding",
                   "expected \"utf-8\", \"latin1\", \"iso-8859-1\" or \"windows-1252\"");
    m.encoding = *e;
  }
  if (auto it = root.FindMember("header"); it != root.MemberEnd()) {
    if (!it->value.IsBool()) return error("header", "expected true or false");
    m.header = it->value.GetBool();
  }
  auto decimal = string_at(root, "", "decimal_separator", false);
  if (!decimal) return decimal.error();
  if (!decimal->empty()) {
    if (*decimal != "." && *decimal != ",")
      return error("decimal_separator", "expected \".\" or \",\"");
    if ((*decimal)[0] == m.delimiter)
      return error("decimal_separator", "is the delimiter: numbers would be split");
    m.decimal_separator = (*decimal)[0];
  }
  auto dates = formats_at(root, "", "date_formats", {"YYYY-MM-DD"});
  if (!dates) return dates.error();
  m.date_formats = std::move(*dates);
  for (std::size_t i = 0; i < m.date_formats.size(); ++i)
    if (m.date_formats[i].has_time() && m.date_formats[i].pattern() != "ISO8601")
      return error("date_formats[" + std::to_string(i) + "]",
                   "has a time: put it in datetime_formats");
  auto times = formats_at(root, "", "datetime_formats", {"ISO8601"});
  if (!times) return times.error();
  m.datetime_formats = std::move(*times);
  return {};
}

Result<FieldMapping> MappingReader::read_field(const Value& v, const std::string& path,
                                               std::string_view key,
                                               std::string_view resource) const {
  FieldMapping f;
  f.key = std::string(key);
  // "identifier[nhs]": the label in brackets only tells two entries of one target apart.
  std::string_view name = key;
  if (auto open = name.find('['); open != std::string_view::npos) {
    if (!name.ends_with("]") || open + 2 >= name.size())
      return error(path, "a label is written name[label]");
    name = name.substr(0, open);
  }
  f.target = find_target(resource, name);
  if (!f.target) {
    std::string message =
        "unknown target \"" + std::string(resource) + "." + std::string(name) + "\"";
    if (auto near = closest_target(resource, name); !near.empty())
      message += " (did you mean \"" + std::string(near) + "\"?)";
    return error(path, message);
  }
  if (!v.IsObject()) return error(path, "expected an object such as {\"column\": \"...\"}");
  const Kind kind = f.target->kind;
  std::vector<std::string_view> allowed = {"column", "value", "values", "required"};
  if (kind == Kind::date || kind == Kind::date_time || kind == Kind::instant)
    allowed.push_back("formats");
  if (kind == Kind::identifier || kind == Kind::organization) {
    allowed.push_back("system");
    allowed.push_back("authority");
  }
  if (kind == Kind::identifier || kind == Kind::telecom) allowed.push_back("use");
  if (kind == Kind::telecom) allowed.push_back("system");
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view option(it->name.GetString(), it->name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), option) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return error(member(path, option),
                   "not an option of " + std::string(name) + " (its options: " + list + ")");
    }
  }
  auto column = string_at(v, path, "column", false);
  if (!column) return column.error();
  f.column = *column;
  if (v.HasMember("value")) {
    auto constant = string_at(v, path, "value", true);
    if (!constant) return constant.error();
    if (constant->empty()) return error(member(path, "value"), "is empty");
    f.constant = *constant;
  }
  if (f.column.empty() == !f.constant)
    return error(path, "needs exactly one of \"column\" (a CSV column) and \"value\" (a constant)");
  if (auto it = v.FindMember("required"); it != v.MemberEnd()) {
    if (!it->value.IsBool()) return error(member(path, "required"), "expected true or false");
    f.required = it->value.GetBool();
  }
  if (auto it = v.FindMember("values"); it != v.MemberEnd()) {
    if (!it->value.IsObject() || it->value.MemberCount() == 0)
      return error(member(path, "values"), "expected an object of cell value -> element value");
    for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
      if (!m->value.IsString())
        return error(member(member(path, "values"), m->name.GetString()), "expected a string");
      f.values.emplace_back(std::string(m->name.GetString(), m->name.GetStringLength()),
                            std::string(m->value.GetString(), m->value.GetStringLength()));
    }
  }
  auto formats = formats_at(v, path, "formats", {});
  if (!formats) return formats.error();
  f.formats = std::move(*formats);
  for (auto option : {"system", "authority", "use"}) {
    auto s = string_at(v, path, option, false);
    if (!s) return s.error();
    if (v.HasMember(option) && s->empty()) return error(member(path, option), "is empty");
    std::string& slot = std::string_view(option) == "system"      ? f.system
                        : std::string_view(option) == "authority" ? f.authority
                                                                  : f.use;
    slot = *s;
  }
  if (!f.system.empty() && !f.authority.empty())
    return error(path, "give \"system\" or \"authority\", not both");
  if ((kind == Kind::identifier || kind == Kind::organization) &&
      f.system.find_first_of(" \t") != std::string::npos)
    return error(member(path, "system"), "a system is a URI (no spaces)");
  if (kind == Kind::telecom) {
    static constexpr std::string_view kSystems[] = {"phone", "fax", "email", "pager",
                                                    "url",   "sms", "other"};
    static constexpr std::string_view kUses[] = {"home", "work", "temp", "old", "mobile"};
    if (std::find(std::begin(kSystems), std::end(kSystems), f.system) == std::end(kSystems))
      return error(member(path, "system"),
                   "telecom needs a system: phone, fax, email, pager, url, sms or other");
    if (!f.use.empty() && std::find(std::begin(kUses), std::end(kUses), f.use) == std::end(kUses))
      return error(member(path, "use"), "expected home, work, temp, old or mobile");
  }
  if (kind == Kind::identifier && !f.use.empty()) {
    static constexpr std::string_view kUses[] = {"usual", "official", "temp", "secondary", "old"};
    if (std::find(std::begin(kUses), std::end(kUses), f.use) == std::end(kUses))
      return error(member(path, "use"), "expected usual, official, temp, secondary or old");
  }
  // Codes the mapping itself writes are checked now, not once per row.
  if (kind == Kind::code) {
    auto allowed_code = [&](std::string_view c) {
      return std::find(f.target->codes.begin(), f.target->codes.end(), c) != f.target->codes.end();
    };
    std::string list;
    for (auto c : f.target->codes) list += (list.empty() ? "" : ", ") + std::string(c);
    if (f.constant && !allowed_code(*f.constant))
      return error(member(path, "value"), "not a code of " + std::string(name) + " (" + list + ")");
    for (const auto& [from, to] : f.values)
      if (!allowed_code(to))
        return error(member(member(path, "values"), from),
                     "\"" + to + "\" is not a code of " + std::string(name) + " (" + list + ")");
  }
  return f;
}

Result<ResourceMapping> MappingReader::read_resource(const Value& v,
                                                     const std::string& path) const {
  if (!v.IsObject()) return error(path, "expected an object");
  if (auto s = only_keys(v, path, {"type", "key", "fields"}); !s) return s.error();
  ResourceMapping r;
  auto type = string_at(v, path, "type", true);
  if (!type) return type.error();
  const auto types = resource_types();
  if (std::find(types.begin(), types.end(), *type) == types.end())
    return error(
        member(path, "type"),
        "\"" + *type + "\" is not a type a CSV row can fill (Patient, Observation, Condition)");
  r.type = *type;
  auto key = strings_at(v, path, "key");
  if (!key) return key.error();
  r.key = std::move(*key);
  auto fields = v.FindMember("fields");
  if (fields == v.MemberEnd() || !fields->value.IsObject() || fields->value.MemberCount() == 0)
    return error(member(path, "fields"), "expected an object with at least one target");
  for (auto it = fields->value.MemberBegin(); it != fields->value.MemberEnd(); ++it) {
    std::string_view key_name(it->name.GetString(), it->name.GetStringLength());
    auto f = read_field(it->value, member(member(path, "fields"), key_name), key_name, r.type);
    if (!f) return f.error();
    r.fields.push_back(std::move(*f));
  }
  auto has = [&](std::initializer_list<Target> any) {
    return std::any_of(r.fields.begin(), r.fields.end(), [&](const FieldMapping& f) {
      return std::find(any.begin(), any.end(), f.target->target) != any.end();
    });
  };
  if (r.type == "Observation" && !has({Target::observation_status}))
    return error(member(path, "fields"), "an Observation needs \"status\" (a column or a value)");
  if (r.type == "Observation" &&
      !has({Target::observation_code_code, Target::observation_code_text}))
    return error(member(path, "fields"), "an Observation needs \"code.code\" or \"code.text\"");
  return r;
}

Status MappingReader::check_resources(const Layout& layout, const std::string& path) const {
  std::size_t patients = 0;
  for (const auto& r : layout.resources) patients += r.type == "Patient";
  if (patients > 1)
    return error(member(path, "resources"),
                 "at most one Patient per layout (the subject of the others)");
  for (std::size_t i = 0; i < layout.resources.size(); ++i)
    if (layout.resources[i].type != "Patient" && patients == 0)
      return error(
          member(path, "resources") + "[" + std::to_string(i) + "]",
          "a " + layout.resources[i].type + " needs a Patient in the same layout (its subject)");
  // Without a header the columns are named by the mapping: every column used must be one.
  if (!layout.columns.empty()) {
    auto known = [&](const std::string& c) {
      return std::find(layout.columns.begin(), layout.columns.end(), c) != layout.columns.end();
    };
    for (std::size_t i = 0; i < layout.resources.size(); ++i) {
      const std::string at = member(path, "resources") + "[" + std::to_string(i) + "]";
      for (const auto& k : layout.resources[i].key)
        if (!known(k))
          return error(member(at, "key"),
                       "column \"" + k + "\" is not in " + member(path, "columns"));
      for (const auto& f : layout.resources[i].fields)
        if (!f.column.empty() && !known(f.column))
          return error(member(member(at, "fields"), f.key),
                       "column \"" + f.column + "\" is not in " + member(path, "columns"));
    }
  }
  return {};
}

Result<Layout> MappingReader::read_layout(const Value& v, const std::string& path,
                                          const Mapping& m) const {
  if (!v.IsObject()) return error(path, "expected an object");
  if (auto s = only_keys(v, path, {"name", "match_header", "columns", "resources"}); !s)
    return s.error();
  Layout layout;
  auto name = string_at(v, path, "name", true);
  if (!name) return name.error();
  if (name->empty() ||
      name->find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != std::string::npos)
    return error(member(path, "name"), "expected letters, digits, '-', '_' or '.'");
  layout.name = *name;
  auto match = strings_at(v, path, "match_header");
  if (!match) return match.error();
  layout.match_header = std::move(*match);
  auto columns = strings_at(v, path, "columns");
  if (!columns) return columns.error();
  layout.columns = std::move(*columns);
  if (m.header && layout.match_header.empty())
    return error(member(path, "match_header"),
                 "needs the header columns that identify this layout");
  if (m.header && !layout.columns.empty())
    return error(member(path, "columns"),
                 "only for files without a header row (\"header\": false)");
  if (!m.header && layout.columns.empty())
    return error(member(path, "columns"),
                 "a file without a header row needs its column names here");
  if (!m.header && !layout.match_header.empty())
    return error(member(path, "match_header"),
                 "a file without a header row cannot be matched by it");
  auto resources = v.FindMember("resources");
  if (resources == v.MemberEnd() || !resources->value.IsArray() || resources->value.Empty())
    return error(member(path, "resources"), "expected an array of at least one resource");
  for (rapidjson::SizeType i = 0; i < resources->value.Size(); ++i) {
    auto r = read_resource(resources->value[i],
                           member(path, "resources") + "[" + std::to_string(i) + "]");
    if (!r) return r.error();
    layout.resources.push_back(std::move(*r));
  }
  if (auto s = check_resources(layout, path); !s) return s.error();
  return layout;
}

Result<Mapping> MappingReader::read(std::string origin) {
  const Value& root = json_.document();
  if (auto s = only_keys(root, "",
                         {"delimiter", "quote", "encoding", "header", "decimal_separator",
                          "date_formats", "datetime_formats", "layouts"});
      !s)
    return s.error();
  Mapping m;
  m.origin = std::move(origin);
  if (auto s = read_dialect(root, m); !s) return s.error();
  auto layouts = root.FindMember("layouts");
  if (layouts == root.MemberEnd() || !layouts->value.IsArray() || layouts->value.Empty())
    return error("layouts", "expected an array of at least one layout");
  if (!m.header && layouts->value.Size() > 1)
    return error("layouts",
                 "without a header row there is nothing to choose a layout by: give one");
  for (rapidjson::SizeType i = 0; i < layouts->value.Size(); ++i) {
    const std::string path = "layouts[" + std::to_string(i) + "]";
    auto layout = read_layout(layouts->value[i], path, m);
    if (!layout) return layout.error();
    for (const auto& other : m.layouts)
      if (other.name == layout->name)
        return error(member(path, "name"), "\"" + layout->name + "\" is used twice");
    m.layouts.push_back(std::move(*layout));
  }
  return m;
}

}  // namespace

Result<Mapping> parse_mapping(std::string_view text, std::string origin) {
  auto json = LocatedJson::parse(text, origin);
  if (!json) return json.error();
  return MappingReader(*json).read(std::move(origin));
}

}  // namespace hie::adapters::csv
