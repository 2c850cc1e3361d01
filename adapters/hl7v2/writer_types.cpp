#include "adapters/hl7v2/writer_types.hpp"

#include <array>

#include "adapters/hl7v2/text.hpp"
#include "adapters/hl7v2/v2_types.hpp"
#include "adapters/hl7v2/writer.hpp"
#include "broker/model/nhs_number.hpp"

namespace hie::adapters::hl7v2 {
namespace write_detail {
namespace {

constexpr std::string_view kIdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
constexpr std::string_view kHiebroker = "urn:hiebroker:";

std::string joined(const std::vector<std::string>& parts, std::size_t from, std::string_view separator) {
  std::string out;
  for (std::size_t i = from; i < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    if (!out.empty()) out += separator;
    out += parts[i];
  }
  return out;
}

/// Assigning authority (HD as subcomponents) for an identifier system: namespace & uid & type.
std::string authority(std::string ns, std::string_view system, std::string_view type_code,
                      std::initializer_list<std::string_view> hiebroker_kinds) {
  std::string uid, uid_type;
  if (system.starts_with("urn:oid:")) {
    uid = system.substr(8), uid_type = "ISO";
  } else if (system.starts_with(kHiebroker)) {
    for (auto kind : hiebroker_kinds)
      if (auto name = hiebroker_name(system, kind); name && ns.empty() && *name != "local" && *name != type_code)
        ns = *name;
  } else if (!system.empty() && system != model::NhsNumber::system && system != "http://hl7.org/fhir/sid/us-ssn") {
    uid = system, uid_type = "URI";
  }
  return join({esc(ns), esc(uid), uid_type}, kDelimiters.subcomponent);
}

}  // namespace

std::string esc(std::string_view text) { return encode_text(text, kDelimiters); }

std::string join(const std::vector<std::string>& parts, char separator) {
  std::size_t n = parts.size();
  while (n > 0 && parts[n - 1].empty()) --n;
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

void SegmentWriter::set(std::size_t n, std::string value) {
  if (fields_.size() < n) fields_.resize(n);
  fields_[n - 1] = std::move(value);
}

std::string SegmentWriter::str() const {
  std::vector<std::string> parts{id_};
  parts.insert(parts.end(), fields_.begin(), fields_.end());
  std::string out = join(parts, kDelimiters.field);
  return out;
}

std::string percent_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::optional<std::string> hiebroker_name(std::string_view uri, std::string_view kind) {
  if (!uri.starts_with(kHiebroker)) return std::nullopt;
  const std::string marker = ":" + std::string(kind) + ":";
  std::size_t at = uri.rfind(marker);
  if (at == std::string_view::npos || at < kHiebroker.size() - 1) return std::nullopt;
  return percent_decode(uri.substr(at + marker.size()));
}

std::string first_code(const std::optional<model::CodeableConcept>& cc, std::string_view system) {
  if (!cc) return {};
  for (const auto& c : cc->coding)
    if (!c.code.empty() && (system.empty() || c.system == system)) return c.code;
  if (!system.empty())
    for (const auto& c : cc->coding)
      if (!c.code.empty()) return c.code;
  return {};
}

std::string cx(const model::Identifier& id) {
  if (id.value.empty()) return {};
  std::string type = first_code(id.type, kIdentifierType);
  std::string ns = id.assigner ? id.assigner->display : std::string();
  if (id.system == model::NhsNumber::system) {
    if (ns.empty()) ns = "NHS";
    if (type.empty()) type = "NH";
  } else if (id.system == "http://hl7.org/fhir/sid/us-ssn" && type.empty()) {
    type = "SS";
  }
  return join({esc(id.value), "", "", authority(ns, id.system, type, {"id"}), esc(type)}, kDelimiters.component);
}

std::string xpn(const model::HumanName& name) {
  std::string use;
  if (name.use == "official") use = "L";
  else if (name.use == "usual") use = "D";
  else if (name.use == "maiden") use = "M";
  else if (name.use == "nickname") use = "N";
  else if (name.use == "anonymous") use = "S";
  else if (name.use == "temp") use = "TEMP";
  return join({esc(name.family), esc(name.given.empty() ? "" : name.given[0]), esc(joined(name.given, 1, " ")),
               esc(name.suffix.empty() ? "" : name.suffix[0]), esc(joined(name.prefix, 0, " ")),
               esc(joined(name.suffix, 1, " ")), use},
              kDelimiters.component);
}

std::string xad(const model::Address& a) {
  std::string type;
  if (a.use == "home") type = "H";
  else if (a.use == "work") type = "B";
  else if (a.use == "temp") type = "C";
  else if (a.use == "old") type = "BA";
  else if (a.type == "postal") type = "M";
  return join({esc(a.line.empty() ? "" : a.line[0]), esc(joined(a.line, 1, ", ")), esc(a.city), esc(a.state),
               esc(a.postal_code), esc(a.country), type, "", esc(a.district)},
              kDelimiters.component);
}

std::string xtn(const model::ContactPoint& cp) {
  if (cp.value.empty()) return {};
  if (cp.system == "email") {
    // XTN-2 NET unless a use must be kept: PRN (home) / WPN (work); equipment CP for mobile.
    const std::string use = cp.use == "home" ? "PRN" : cp.use == "work" ? "WPN" : "NET";
    return join({"", use, cp.use == "mobile" ? "CP" : "Internet", esc(cp.value)}, kDelimiters.component);
  }
  std::string equipment;
  if (cp.system == "phone" || cp.system.empty()) equipment = cp.use == "mobile" ? "CP" : "PH";
  else if (cp.system == "fax") equipment = "FX";
  else if (cp.system == "pager") equipment = "BP";
  else if (cp.system == "other") equipment = "MD";
  else return {};  // url, sms: no XTN form the reader reads back
  std::string use;
  if (cp.use == "home" || cp.use == "mobile") use = "PRN";
  else if (cp.use == "work") use = "WPN";
  return join({esc(cp.value), use, equipment}, kDelimiters.component);
}

std::string cwe(const model::CodeableConcept& cc) {
  std::vector<std::string> parts(9);
  std::size_t n = 0;
  for (const auto& c : cc.coding) {
    if (c.code.empty() || n == 2) continue;
    const std::size_t base = n == 0 ? 0 : 3;
    parts[base] = esc(c.code);
    parts[base + 1] = esc(c.display);
    parts[base + 2] = esc(reverse_coding_system(c.system));
    parts[n == 0 ? 6 : 7] = esc(c.version);
    ++n;
  }
  if (n == 0) parts[1] = esc(cc.text);  // text only: the reader takes CWE-2 without a code as text
  else parts[8] = esc(cc.text);
  return join(parts, kDelimiters.component);
}

std::string xcn(const model::Reference& ref) {
  std::string id, auth;
  if (ref.identifier) {
    id = esc(ref.identifier->value);
    auth = authority("", ref.identifier->system, "", {"id", "practitioner"});
  }
  if (id.empty() && ref.display.empty()) return {};
  return join({id, esc(ref.display), "", "", "", "", "", "", auth}, kDelimiters.component);
}

std::string xon(const model::Reference& ref) {
  std::string id = ref.identifier ? esc(ref.identifier->value) : std::string();
  if (id.empty() && ref.display.empty()) return {};
  return join({esc(ref.display), "", "", "", "", "", "", "", "", id}, kDelimiters.component);
}

std::string ei(const model::Identifier& id) {
  if (id.value.empty()) return {};
  std::string ns = id.assigner ? id.assigner->display : std::string();
  std::string uid, uid_type;
  if (id.system.starts_with("urn:oid:")) uid = id.system.substr(8), uid_type = "ISO";
  else if (id.system.starts_with(kHiebroker)) {
    if (auto name = hiebroker_name(id.system, "id"); name && ns.empty() && *name != "placer" && *name != "filler")
      ns = *name;
  } else if (!id.system.empty()) uid = id.system, uid_type = "URI";
  return join({esc(id.value), esc(ns), esc(uid), uid_type}, kDelimiters.component);
}

}  // namespace write_detail

std::string reverse_coding_system(std::string_view uri) {
  static constexpr std::array<std::string_view, 23> kNames = {
      "LN",   "SCT",    "I9",     "I10",       "I10C", "I10P",      "UCUM",   "CVX",
      "MVX",  "NDC",    "RXNORM", "C4",        "HCPCS", "NUCC",     "CDCREC", "CDCPHINVS",
      "NCIT", "ISO3166_1", "ISO+", "ISO639",   "DCM",  "READ",      "DMD"};
  if (uri.empty()) return {};
  for (auto name : kNames)
    if (coding_system_uri(name) == uri) return std::string(name);
  constexpr std::string_view kV2 = "http://terminology.hl7.org/CodeSystem/v2-";
  if (uri.starts_with(kV2)) {
    std::string name = "HL7" + std::string(uri.substr(kV2.size()));
    if (coding_system_uri(name) == uri) return name;
  }
  constexpr std::string_view kLocal = "urn:hiebroker:v2-coding-system:";
  if (uri.starts_with(kLocal)) {
    std::string name = write_detail::percent_decode(uri.substr(kLocal.size()));
    if (coding_system_uri(name) == uri) return name;
  }
  if (uri.starts_with("urn:oid:")) {
    std::string oid(uri.substr(8));
    if (coding_system_uri(oid) == uri) return oid;
  }
  return std::string(uri);
}

std::string to_hl7_datetime(std::string_view v) {
  auto digits = [&](std::size_t at, std::size_t n) {
    if (v.size() < at + n) return false;
    for (std::size_t i = at; i < at + n; ++i)
      if (v[i] < '0' || v[i] > '9') return false;
    return true;
  };
  std::string out;
  if (!digits(0, 4)) return {};
  out += v.substr(0, 4);
  std::size_t at = 4;
  for (int part = 0; part < 2 && at < v.size() && v[at] == '-'; ++part) {
    if (!digits(at + 1, 2)) return {};
    out += v.substr(at + 1, 2);
    at += 3;
  }
  if (at == v.size()) return out;
  if (v[at] != 'T' || out.size() != 8 || !digits(at + 1, 2) || v.size() < at + 6 || v[at + 3] != ':' ||
      !digits(at + 4, 2))
    return {};
  out += v.substr(at + 1, 2);
  out += v.substr(at + 4, 2);
  at += 6;
  if (at < v.size() && v[at] == ':') {
    if (!digits(at + 1, 2)) return {};
    out += v.substr(at + 1, 2);
    at += 3;
  } else {
    out += "00";
  }
  if (at < v.size() && v[at] == '.') {
    std::size_t end = at + 1;
    while (end < v.size() && v[end] >= '0' && v[end] <= '9') ++end;
    if (end == at + 1) return {};
    out += v.substr(at, end - at);
    at = end;
  }
  if (at == v.size()) return out;
  if (v.substr(at) == "Z") return out + "+0000";
  if ((v[at] == '+' || v[at] == '-') && v.size() == at + 6 && digits(at + 1, 2) && v[at + 3] == ':' &&
      digits(at + 4, 2))
    return out + std::string(1, v[at]) + std::string(v.substr(at + 1, 2)) + std::string(v.substr(at + 4, 2));
  return {};
}

}  // namespace hie::adapters::hl7v2
