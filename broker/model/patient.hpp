#pragma once
// Patient and Encounter (hl7.org/fhir/R4/patient.html, encounter.html).

#include "broker/model/datatypes.hpp"

namespace hie::model {

struct PatientContact {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::vector<CodeableConcept> relationship;
  std::optional<HumanName> name;
  std::vector<ContactPoint> telecom;
  std::optional<Address> address;
  std::string gender;  ///< code
  std::optional<Reference> organization;
  std::optional<Period> period;
  bool operator==(const PatientContact&) const = default;
};

struct PatientCommunication {
  static constexpr std::string_view fhir_type = "BackboneElement";
  CodeableConcept language;
  std::optional<bool> preferred;
  bool operator==(const PatientCommunication&) const = default;
};

struct PatientLink {
  static constexpr std::string_view fhir_type = "BackboneElement";
  Reference other;
  std::string type;  ///< code
  bool operator==(const PatientLink&) const = default;
};

struct Patient : DomainResource {
  static constexpr std::string_view fhir_type = "Patient";
  std::vector<Identifier> identifier;
  std::optional<bool> active;
  std::vector<HumanName> name;
  std::vector<ContactPoint> telecom;
  std::string gender;      ///< code
  std::string birth_date;  ///< date
  std::variant<std::monostate, bool, DateTime> deceased;
  std::vector<Address> address;
  std::optional<CodeableConcept> marital_status;
  std::variant<std::monostate, bool, std::int64_t> multiple_birth;
  std::vector<Attachment> photo;
  std::vector<PatientContact> contact;
  std::vector<PatientCommunication> communication;
  std::vector<Reference> general_practitioner;
  std::optional<Reference> managing_organization;
  std::vector<PatientLink> link;
  bool operator==(const Patient&) const = default;
};

template <class V>
void describe(V& v, PatientContact& x) {
  v.field("relationship", x.relationship);
  v.field("name", x.name);
  v.field("telecom", x.telecom);
  v.field("address", x.address);
  v.field("gender", x.gender, Primitive::code);
  v.field("organization", x.organization);
  v.field("period", x.period);
}

template <class V>
void describe(V& v, PatientCommunication& x) {
  v.required("language", x.language);
  v.field("preferred", x.preferred);
}

template <class V>
void describe(V& v, PatientLink& x) {
  v.required("other", x.other);
  v.required("type", x.type, Primitive::code);
}

template <class V>
void describe(V& v, Patient& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.field("active", x.active);
  v.field("name", x.name);
  v.field("telecom", x.telecom);
  v.field("gender", x.gender, Primitive::code);
  v.field("birthDate", x.birth_date, Primitive::date);
  v.choice("deceased", x.deceased);
  v.field("address", x.address);
  v.field("maritalStatus", x.marital_status);
  v.choice("multipleBirth", x.multiple_birth);
  v.field("photo", x.photo);
  v.field("contact", x.contact);
  v.field("communication", x.communication);
  v.field("generalPractitioner", x.general_practitioner);
  v.field("managingOrganization", x.managing_organization);
  v.field("link", x.link);
}

struct EncounterParticipant {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::vector<CodeableConcept> type;
  std::optional<Period> period;
  std::optional<Reference> individual;
  bool operator==(const EncounterParticipant&) const = default;
};

struct EncounterDiagnosis {
  static constexpr std::string_view fhir_type = "BackboneElement";
  Reference condition;
  std::optional<CodeableConcept> use;
  std::optional<std::int64_t> rank;
  bool operator==(const EncounterDiagnosis&) const = default;
};

struct EncounterHospitalization {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<Identifier> pre_admission_identifier;
  std::optional<Reference> origin;
  std::optional<CodeableConcept> admit_source;
  std::optional<CodeableConcept> re_admission;
  std::vector<CodeableConcept> diet_preference;
  std::vector<CodeableConcept> special_courtesy;
  std::vector<CodeableConcept> special_arrangement;
  std::optional<Reference> destination;
  std::optional<CodeableConcept> discharge_disposition;
  bool operator==(const EncounterHospitalization&) const = default;
};

struct EncounterLocation {
  static constexpr std::string_view fhir_type = "BackboneElement";
  Reference location;
  std::string status;  ///< code
  std::optional<CodeableConcept> physical_type;
  std::optional<Period> period;
  bool operator==(const EncounterLocation&) const = default;
};

struct Encounter : DomainResource {
  static constexpr std::string_view fhir_type = "Encounter";
  std::vector<Identifier> identifier;
  std::string status;  ///< code, required
  Coding class_;       ///< FHIR `class`, required
  std::vector<CodeableConcept> type;
  std::optional<CodeableConcept> service_type;
  std::optional<CodeableConcept> priority;
  std::optional<Reference> subject;
  std::vector<Reference> episode_of_care;
  std::vector<Reference> based_on;
  std::vector<EncounterParticipant> participant;
  std::vector<Reference> appointment;
  std::optional<Period> period;
  std::optional<Duration> length;
  std::vector<CodeableConcept> reason_code;
  std::vector<Reference> reason_reference;
  std::vector<EncounterDiagnosis> diagnosis;
  std::optional<EncounterHospitalization> hospitalization;
  std::vector<EncounterLocation> location;
  std::optional<Reference> service_provider;
  std::optional<Reference> part_of;
  bool operator==(const Encounter&) const = default;
};

template <class V>
void describe(V& v, EncounterParticipant& x) {
  v.field("type", x.type);
  v.field("period", x.period);
  v.field("individual", x.individual);
}

template <class V>
void describe(V& v, EncounterDiagnosis& x) {
  v.required("condition", x.condition);
  v.field("use", x.use);
  v.field("rank", x.rank, Primitive::positive_int);
}

template <class V>
void describe(V& v, EncounterHospitalization& x) {
  v.field("preAdmissionIdentifier", x.pre_admission_identifier);
  v.field("origin", x.origin);
  v.field("admitSource", x.admit_source);
  v.field("reAdmission", x.re_admission);
  v.field("dietPreference", x.diet_preference);
  v.field("specialCourtesy", x.special_courtesy);
  v.field("specialArrangement", x.special_arrangement);
  v.field("destination", x.destination);
  v.field("dischargeDisposition", x.discharge_disposition);
}

template <class V>
void describe(V& v, EncounterLocation& x) {
  v.required("location", x.location);
  v.field("status", x.status, Primitive::code);
  v.field("physicalType", x.physical_type);
  v.field("period", x.period);
}

template <class V>
void describe(V& v, Encounter& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.required("status", x.status, Primitive::code);
  v.required("class", x.class_);
  v.field("type", x.type);
  v.field("serviceType", x.service_type);
  v.field("priority", x.priority);
  v.field("subject", x.subject);
  v.field("episodeOfCare", x.episode_of_care);
  v.field("basedOn", x.based_on);
  v.field("participant", x.participant);
  v.field("appointment", x.appointment);
  v.field("period", x.period);
  v.field("length", x.length);
  v.field("reasonCode", x.reason_code);
  v.field("reasonReference", x.reason_reference);
  v.field("diagnosis", x.diagnosis);
  v.field("hospitalization", x.hospitalization);
  v.field("location", x.location);
  v.field("serviceProvider", x.service_provider);
  v.field("partOf", x.part_of);
}

}  // namespace hie::model
