#include "broker/api/capability_statement.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "broker/api/fhir_request.hpp"

namespace hie::api {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void string_member(Writer& w, const char* name, std::string_view value) {
  w.Key(name);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void search_param(Writer& w, std::string_view name, std::string_view type, std::string_view documentation) {
  w.StartObject();
  string_member(w, "name", name);
  string_member(w, "type", type);
  string_member(w, "documentation", documentation);
  w.EndObject();
}

void interactions(Writer& w, std::initializer_list<std::string_view> codes) {
  w.Key("interaction");
  w.StartArray();
  for (auto code : codes) {
    w.StartObject();
    string_member(w, "code", code);
    w.EndObject();
  }
  w.EndArray();
}

void paging_params(Writer& w) {
  search_param(w, "_count", "number", "Matches per page (at most 1000); next/previous links page through");
  search_param(w, "_offset", "number", "Matches before this page; set by the paging links");
}

}  // namespace

std::string capability_statement(std::string_view base_url, std::string_view version, std::string_view date) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  string_member(w, "resourceType", "CapabilityStatement");
  string_member(w, "status", "active");
  string_member(w, "date", date);
  string_member(w, "publisher", "hiebroker");
  string_member(w, "kind", "instance");
  w.Key("software");
  w.StartObject();
  string_member(w, "name", "hiebroker");
  string_member(w, "version", version);
  w.EndObject();
  w.Key("implementation");
  w.StartObject();
  string_member(w, "description", "Shared care record across regional health information exchanges");
  string_member(w, "url", base_url);
  w.EndObject();
  string_member(w, "fhirVersion", "4.0.1");
  w.Key("format");
  w.StartArray();
  w.String("json");
  w.String("application/fhir+json");
  w.EndArray();

  w.Key("rest");
  w.StartArray();
  w.StartObject();
  string_member(w, "mode", "server");
  string_member(w, "documentation",
                "Every answer is merged from the exchanges that hold the patient; an OperationOutcome entry names "
                "each exchange that failed, timed out or was left out by the patient's consent.");
  w.Key("security");
  w.StartObject();
  w.Key("cors");
  w.Bool(false);
  w.Key("service");
  w.StartArray();
  w.StartObject();
  w.Key("coding");
  w.StartArray();
  w.StartObject();
  string_member(w, "system", "http://terminology.hl7.org/CodeSystem/restful-security-service");
  string_member(w, "code", "SMART-on-FHIR");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  string_member(w, "description",
                "Bearer JWT (RS256 or ES256) with SMART scopes, v1 or v2 syntax; a patient token reads only its "
                "own patient; user tokens carry purpose_of_use.");
  w.EndObject();

  w.Key("resource");
  w.StartArray();
  // Patient: read, search by identifier, $everything.
  w.StartObject();
  string_member(w, "type", "Patient");
  interactions(w, {"read", "search-type"});
  w.Key("searchParam");
  w.StartArray();
  search_param(w, "identifier", "token", "SYSTEM|VALUE; the NHS number is https://fhir.nhs.uk/Id/nhs-number");
  w.EndArray();
  w.Key("operation");
  w.StartArray();
  w.StartObject();
  string_member(w, "name", "everything");
  string_member(w, "definition", "http://hl7.org/fhir/OperationDefinition/Patient-everything");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  for (const auto& type : searchable_types()) {
    w.StartObject();
    string_member(w, "type", type);
    interactions(w, {"search-type"});
    w.Key("searchParam");
    w.StartArray();
    search_param(w, "patient", "reference", "Required: the patient (an id, or Patient/id)");
    search_param(w, "date", "date", "eq, ge, gt, le, lt; repeat for a range");
    if (type != "Immunization") search_param(w, "category", "token", "system|code, code, or system|");
    search_param(w, "code", "token", "system|code, code, or system|");
    paging_params(w);
    w.EndArray();
    w.EndObject();
  }
  w.StartObject();
  string_member(w, "type", "AuditEvent");
  interactions(w, {"search-type"});
  w.Key("searchParam");
  w.StartArray();
  search_param(w, "patient", "reference", "Required: who looked at this patient's record, newest first");
  paging_params(w);
  w.EndArray();
  w.EndObject();
  w.StartObject();
  string_member(w, "type", "Consent");
  interactions(w, {"create"});
  string_member(w, "documentation",
                "A patient records their sharing choice: provision.type deny without actors opts out of all "
                "sharing; with actors naming exchanges (identifier system https://hiebroker.dev/exchange) it "
                "withholds those exchanges' records.");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace hie::api
