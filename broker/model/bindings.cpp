// Required bindings, codes taken from the FHIR R4 value sets (hl7.org/fhir/R4/terminologies-
// valuesets.html).

#include "broker/model/bindings.hpp"

#include <algorithm>
#include <array>

namespace hie::model {
namespace {

struct Binding {
  std::string_view path;
  std::span<const std::string_view> codes;
};

constexpr std::string_view gender[] = {"male", "female", "other", "unknown"};
constexpr std::string_view identifier_use[] = {"usual", "official", "temp", "secondary", "old"};
constexpr std::string_view name_use[] = {"usual",     "official", "temp",  "nickname",
                                         "anonymous", "old",      "maiden"};
constexpr std::string_view contact_system[] = {"phone", "fax", "email", "pager",
                                               "url",   "sms", "other"};
constexpr std::string_view contact_use[] = {"home", "work", "temp", "old", "mobile"};
constexpr std::string_view address_use[] = {"home", "work", "temp", "old", "billing"};
constexpr std::string_view address_type[] = {"postal", "physical", "both"};
constexpr std::string_view comparator[] = {"<", "<=", ">=", ">"};
constexpr std::string_view narrative_status[] = {"generated", "extensions", "additional", "empty"};
constexpr std::string_view link_type[] = {"replaced-by", "replaces", "refer", "seealso"};
constexpr std::string_view encounter_status[] = {"planned",     "arrived",          "triaged",
                                                 "in-progress", "onleave",          "finished",
                                                 "cancelled",   "entered-in-error", "unknown"};
constexpr std::string_view encounter_location_status[] = {"planned", "active", "reserved",
                                                          "completed"};
constexpr std::string_view observation_status[] = {"registered",       "preliminary", "final",
                                                   "amended",          "corrected",   "cancelled",
                                                   "entered-in-error", "unknown"};
constexpr std::string_view report_status[] = {
    "registered", "partial",   "preliminary",      "final",  "amended", "corrected",
    "appended",   "cancelled", "entered-in-error", "unknown"};
constexpr std::string_view allergy_type[] = {"allergy", "intolerance"};
constexpr std::string_view allergy_category[] = {"food", "medication", "environment", "biologic"};
constexpr std::string_view allergy_criticality[] = {"low", "high", "unable-to-assess"};
constexpr std::string_view reaction_severity[] = {"mild", "moderate", "severe"};
constexpr std::string_view medication_status[] = {"active",   "completed", "entered-in-error",
                                                  "intended", "stopped",   "on-hold",
                                                  "unknown",  "not-taken"};
constexpr std::string_view immunization_status[] = {"completed", "entered-in-error", "not-done"};
constexpr std::string_view event_status[] = {"preparation",      "in-progress", "not-done",
                                             "on-hold",          "stopped",     "completed",
                                             "entered-in-error", "unknown"};
constexpr std::string_view document_status[] = {"current", "superseded", "entered-in-error"};
constexpr std::string_view composition_status[] = {"preliminary", "final", "amended",
                                                   "entered-in-error"};
constexpr std::string_view relationship_type[] = {"replaces", "transforms", "signs", "appends"};
constexpr std::string_view request_status[] = {
    "draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"};
constexpr std::string_view request_intent[] = {"proposal",     "plan",           "directive",
                                               "order",        "original-order", "reflex-order",
                                               "filler-order", "instance-order", "option"};
constexpr std::string_view request_priority[] = {"routine", "urgent", "asap", "stat"};
constexpr std::string_view specimen_status[] = {"available", "unavailable", "unsatisfactory",
                                                "entered-in-error"};
constexpr std::string_view entity_role[] = {"derivation", "revision", "quotation", "source",
                                            "removal"};
constexpr std::string_view audit_action[] = {"C", "R", "U", "D", "E"};
constexpr std::string_view audit_outcome[] = {"0", "4", "8", "12"};
constexpr std::string_view network_type[] = {"1", "2", "3", "4", "5"};
constexpr std::string_view consent_status[] = {"draft",    "proposed", "active",
                                               "rejected", "inactive", "entered-in-error"};
constexpr std::string_view provision_type[] = {"deny", "permit"};
constexpr std::string_view data_meaning[] = {"instance", "related", "dependents", "authoredby"};
constexpr std::string_view issue_severity[] = {"fatal", "error", "warning", "information"};
constexpr std::string_view issue_type[] = {
    "invalid",       "structure", "required",         "value",         "invariant",  "security",
    "login",         "unknown",   "expired",          "forbidden",     "suppressed", "processing",
    "not-supported", "duplicate", "multiple-matches", "not-found",     "deleted",    "too-long",
    "code-invalid",  "extension", "too-costly",       "business-rule", "conflict",   "transient",
    "lock-error",    "no-store",  "exception",        "timeout",       "incomplete", "throttled",
    "informational"};
constexpr std::string_view bundle_type[] = {
    "document", "message",   "transaction", "transaction-response", "batch", "batch-response",
    "history",  "searchset", "collection"};
constexpr std::string_view search_mode[] = {"match", "include", "outcome"};
constexpr std::string_view http_verb[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"};

const Binding bindings[] = {
    {"Patient.gender", gender},
    {"Patient.contact.gender", gender},
    {"Patient.link.type", link_type},
    {"Encounter.status", encounter_status},
    {"Encounter.location.status", encounter_location_status},
    {"Observation.status", observation_status},
    {"DiagnosticReport.status", report_status},
    {"AllergyIntolerance.type", allergy_type},
    {"AllergyIntolerance.category", allergy_category},
    {"AllergyIntolerance.criticality", allergy_criticality},
    {"AllergyIntolerance.reaction.severity", reaction_severity},
    {"MedicationStatement.status", medication_status},
    {"Immunization.status", immunization_status},
    {"Procedure.status", event_status},
    {"DocumentReference.status", document_status},
    {"DocumentReference.docStatus", composition_status},
    {"DocumentReference.relatesTo.code", relationship_type},
    {"ServiceRequest.status", request_status},
    {"ServiceRequest.intent", request_intent},
    {"ServiceRequest.priority", request_priority},
    {"Specimen.status", specimen_status},
    {"Provenance.entity.role", entity_role},
    {"AuditEvent.action", audit_action},
    {"AuditEvent.outcome", audit_outcome},
    {"AuditEvent.agent.network.type", network_type},
    {"Consent.status", consent_status},
    {"Consent.provision.type", provision_type},
    {"Consent.provision.data.meaning", data_meaning},
    {"OperationOutcome.issue.severity", issue_severity},
    {"OperationOutcome.issue.code", issue_type},
    {"Bundle.type", bundle_type},
    {"Bundle.entry.search.mode", search_mode},
    {"Bundle.entry.request.method", http_verb},
    {"Identifier.use", identifier_use},
    {"HumanName.use", name_use},
    {"Address.use", address_use},
    {"Address.type", address_type},
    {"ContactPoint.system", contact_system},
    {"ContactPoint.use", contact_use},
    {"Quantity.comparator", comparator},
    {"Narrative.status", narrative_status},
};

constexpr std::size_t binding_count = std::size(bindings);

std::array<std::string_view, binding_count> make_paths() {
  std::array<std::string_view, binding_count> paths{};
  for (std::size_t i = 0; i < binding_count; ++i) paths[i] = bindings[i].path;
  return paths;
}

}  // namespace

std::span<const std::string_view> required_codes(std::string_view fhir_path) {
  for (const Binding& b : bindings) {
    if (b.path == fhir_path) return b.codes;
  }
  return {};
}

std::span<const std::string_view> bound_paths() {
  static const std::array<std::string_view, binding_count> paths = make_paths();
  return paths;
}

}  // namespace hie::model
