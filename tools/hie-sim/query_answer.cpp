#include "tools/hie-sim/query_answer.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "broker/model/nhs_number.hpp"
#include "tools/hie-sim/fhir_resources.hpp"
#include "tools/hie-sim/peer_messages.hpp"

namespace hie::sim {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view without_bom(std::string_view text) {
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  return text;
}

std::string string_of(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::string hl7v2_payload(const std::vector<const Record*>& records) {
  std::string out;
  for (const auto* record : records) {
    const auto message = without_bom(record->contents);
    out += message;
    if (!message.empty() && message.back() != '\r' && message.back() != '\n') out += '\r';
  }
  return out;
}

std::string fhir_payload(const std::vector<const Record*>& records,
                         const std::vector<std::string>& types) {
  // Resources are copied as text: a DOM round trip would rewrite decimals (1.00 -> 1.0).
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  bool first = true;
  for (const auto* record : records) {
    auto resources = fhir_resources(record->contents);
    if (!resources) continue;  // refused when the dataset was loaded
    for (const auto& r : *resources) {
      if (!types.empty() && std::ranges::find(types, r.resource_type) == types.end()) continue;
      out += first ? "{" : ",{";
      first = false;
      if (!r.full_url.empty()) {
        rapidjson::StringBuffer url;
        rapidjson::Writer<rapidjson::StringBuffer> w(url);
        w.String(r.full_url.data(), static_cast<rapidjson::SizeType>(r.full_url.size()));
        out += R"("fullUrl":)";
        out.append(url.GetString(), url.GetSize());
        out += ',';
      }
      out += R"("resource":)";
      out += r.text;
      out += '}';
    }
  }
  out += "]}";
  return out;
}

/// One CSV document per distinct header: the header line once, then each file's data rows.
std::vector<std::string> csv_documents(const std::vector<const Record*>& records) {
  struct Document {
    std::string header;  // without its line end
    std::string eol;     // the header's line end, used where a file's last row has none
    std::string text;
  };
  std::vector<Document> documents;
  for (const auto* record : records) {
    const auto text = without_bom(record->contents);
    const auto newline = text.find('\n');
    const auto header_line =
        text.substr(0, newline == std::string_view::npos ? text.size() : newline + 1);
    const auto rows = text.substr(header_line.size());
    auto header = header_line;
    while (!header.empty() && (header.back() == '\n' || header.back() == '\r'))
      header.remove_suffix(1);
    auto it =
        std::ranges::find_if(documents, [&](const Document& d) { return d.header == header; });
    if (it == documents.end()) {
      const std::string eol =
          header_line.ends_with("\r\n") || !header_line.ends_with('\n') ? "\r\n" : "\n";
      documents.push_back({std::string(header), eol, std::string(header) + eol});
      it = std::prev(documents.end());
    }
    it->text += rows;
    if (!rows.empty() && !rows.ends_with('\n')) it->text += it->eol;
  }
  std::vector<std::string> out;
  for (auto& d : documents) out.push_back(std::move(d.text));
  return out;
}

std::string result_message(std::string_view id, std::string_view re, std::string_view format,
                           const ResultBody& body) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto str = [&](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("type");
  str("result");
  w.Key("id");
  str(id);
  w.Key("re");
  str(re);
  w.Key("format");
  str(format);
  if (body.payload) {
    w.Key("payload");
    str(*body.payload);
  } else {
    w.Key("payloads");
    w.StartArray();
    for (const auto& p : body.payloads) str(p);
    w.EndArray();
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

Result<std::vector<Identifier>> query_identifiers(const rapidjson::Value& query) {
  const auto bad = [] {
    return make_error(Errc::invalid_argument,
                      "query.patient must be a non-empty array of {system, value}");
  };
  if (!query.IsObject()) return bad();
  auto member = query.FindMember("patient");
  if (member == query.MemberEnd() || !member->value.IsArray() || member->value.Empty())
    return bad();
  std::vector<Identifier> out;
  for (const auto& item : member->value.GetArray()) {
    if (!item.IsObject() || !item.HasMember("system") || !item.HasMember("value") ||
        !item["system"].IsString() || !item["value"].IsString())
      return bad();
    Identifier id{string_of(item["system"]), string_of(item["value"])};
    if (id.system == model::NhsNumber::system)
      if (auto nhs = model::NhsNumber::parse(id.value)) id.value = nhs->value();
    out.push_back(std::move(id));
  }
  return out;
}

std::vector<const Patient*> match_patients(const Dataset& dataset,
                                           const std::vector<Identifier>& wanted) {
  std::vector<const Patient*> out;
  for (const auto& patient : dataset.patients)
    if (std::ranges::any_of(patient.identifiers, [&](const Identifier& id) {
          return std::ranges::find(wanted, id) != wanted.end();
        }))
      out.push_back(&patient);
  return out;
}

ResultBody build_result_body(std::string_view format, const std::vector<const Patient*>& patients,
                             const std::vector<std::string>& resource_types) {
  std::vector<const Record*> records;
  for (const auto* patient : patients)
    for (const auto& record : patient->records) records.push_back(&record);
  ResultBody body;
  if (format == "hl7v2") {
    body.payload = hl7v2_payload(records);
  } else if (format == "fhir") {
    body.payload = fhir_payload(records, resource_types);
  } else if (format == "csv") {
    auto documents = csv_documents(records);
    if (documents.size() == 1)
      body.payload = std::move(documents.front());
    else
      body.payloads = std::move(documents);
  } else {
    for (const auto* record : records) body.payloads.push_back(record->contents);
  }
  return body;
}

QueryAnswer answer_query(const Dataset& dataset, const rapidjson::Value& query,
                         std::string_view reply_id) {
  std::string re;
  if (query.IsObject() && query.HasMember("id") && query["id"].IsString())
    re = string_of(query["id"]);
  QueryAnswer answer;
  auto wanted = query_identifiers(query);
  if (!wanted) {
    answer.outcome = QueryOutcome::malformed;
    answer.reply = nack_message(reply_id, re, "malformed", wanted.error().message());
    return answer;
  }
  const auto patients = match_patients(dataset, *wanted);
  answer.patients = patients.size();
  if (patients.empty()) {
    answer.outcome = QueryOutcome::not_found;
    answer.reply = error_result(reply_id, re, "not-found");
    return answer;
  }
  std::vector<std::string> types;
  if (auto it = query.FindMember("resource_types"); it != query.MemberEnd() && it->value.IsArray())
    for (const auto& t : it->value.GetArray())
      if (t.IsString()) types.push_back(string_of(t));
  answer.outcome = QueryOutcome::found;
  answer.reply = result_message(reply_id, re, dataset.format,
                                build_result_body(dataset.format, patients, types));
  return answer;
}

}  // namespace hie::sim
