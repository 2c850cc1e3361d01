#pragma once
// The resources the model holds, as one variant, and Bundle (hl7.org/fhir/R4/bundle.html).

#include "broker/model/condition.hpp"
#include "broker/model/consent.hpp"
#include "broker/model/document.hpp"
#include "broker/model/medication.hpp"
#include "broker/model/observation.hpp"
#include "broker/model/patient.hpp"
#include "broker/model/provenance.hpp"
#include "broker/model/specimen.hpp"

namespace hie::model {

/// Every resource the model holds but Bundle. The order is the order of docs/model.md.
using Resource =
    std::variant<Patient, Encounter, Observation, DiagnosticReport, Condition, AllergyIntolerance,
                 MedicationStatement, Immunization, Procedure, DocumentReference, ServiceRequest,
                 Specimen, Provenance, AuditEvent, Consent, OperationOutcome>;

/// FHIR resourceType of a resource ("Patient").
std::string_view resource_type(const Resource& resource);

/// True when the model holds resources of this type (Bundle included).
bool is_supported_resource_type(std::string_view type);

struct BundleLink {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string relation;  ///< required
  std::string url;       ///< uri, required
  bool operator==(const BundleLink&) const = default;
};

struct BundleEntrySearch {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string mode;  ///< code
  std::optional<Decimal> score;
  bool operator==(const BundleEntrySearch&) const = default;
};

struct BundleEntryRequest {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string method;  ///< code, required
  std::string url;     ///< uri, required
  std::string if_none_match;
  std::string if_modified_since;  ///< instant
  std::string if_match;
  std::string if_none_exist;
  bool operator==(const BundleEntryRequest&) const = default;
};

struct BundleEntryResponse {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string status;  ///< required
  std::string location;
  std::string etag;
  std::string last_modified;  ///< instant
  bool operator==(const BundleEntryResponse&) const = default;
};

struct BundleEntry {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::vector<BundleLink> link;
  std::string full_url;              ///< uri
  std::optional<Resource> resource;  ///< a Bundle inside a Bundle is not held
  std::optional<BundleEntrySearch> search;
  std::optional<BundleEntryRequest> request;
  std::optional<BundleEntryResponse> response;
  bool operator==(const BundleEntry&) const = default;
};

/// Bundle without `signature` (not held; the reader reports it).
struct Bundle : ResourceBase {
  static constexpr std::string_view fhir_type = "Bundle";
  std::optional<Identifier> identifier;
  std::string type;       ///< code, required
  std::string timestamp;  ///< instant
  std::optional<std::int64_t> total;
  std::vector<BundleLink> link;
  std::vector<BundleEntry> entry;
  bool operator==(const Bundle&) const = default;
};

template <class V>
void describe(V& v, BundleLink& x) {
  v.required("relation", x.relation);
  v.required("url", x.url, Primitive::uri);
}

template <class V>
void describe(V& v, BundleEntrySearch& x) {
  v.field("mode", x.mode, Primitive::code);
  v.field("score", x.score);
}

template <class V>
void describe(V& v, BundleEntryRequest& x) {
  v.required("method", x.method, Primitive::code);
  v.required("url", x.url, Primitive::uri);
  v.field("ifNoneMatch", x.if_none_match);
  v.field("ifModifiedSince", x.if_modified_since, Primitive::instant);
  v.field("ifMatch", x.if_match);
  v.field("ifNoneExist", x.if_none_exist);
}

template <class V>
void describe(V& v, BundleEntryResponse& x) {
  v.required("status", x.status);
  v.field("location", x.location, Primitive::uri);
  v.field("etag", x.etag);
  v.field("lastModified", x.last_modified, Primitive::instant);
}

template <class V>
void describe(V& v, BundleEntry& x) {
  v.field("link", x.link);
  v.field("fullUrl", x.full_url, Primitive::uri);
  v.resource("resource", x.resource);
  v.field("search", x.search);
  v.field("request", x.request);
  v.field("response", x.response);
}

template <class V>
void describe(V& v, Bundle& x) {
  v.base(static_cast<ResourceBase&>(x));
  v.field("identifier", x.identifier);
  v.required("type", x.type, Primitive::code);
  v.field("timestamp", x.timestamp, Primitive::instant);
  v.field("total", x.total, Primitive::unsigned_int);
  v.field("link", x.link);
  v.field("entry", x.entry);
}

}  // namespace hie::model
