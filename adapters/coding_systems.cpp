#include "adapters/coding_systems.hpp"

#include <algorithm>
#include <array>

#include "adapters/identifier_systems.hpp"

namespace hie::adapters {
namespace {

struct SystemName {
  std::string_view name;
  std::string_view uri;
};

// HL7 v2 table 0396 names (and common local spellings).
constexpr std::array kV2Systems = {
    SystemName{"LN", "http://loinc.org"},
    SystemName{"LOINC", "http://loinc.org"},
    SystemName{"SCT", "http://snomed.info/sct"},
    SystemName{"SNM", "http://snomed.info/sct"},
    SystemName{"SNOMED", "http://snomed.info/sct"},
    SystemName{"SCTUK", "http://snomed.info/sct"},
    SystemName{"I9", "http://hl7.org/fhir/sid/icd-9-cm"},
    SystemName{"I9C", "http://hl7.org/fhir/sid/icd-9-cm"},
    SystemName{"I9CDX", "http://hl7.org/fhir/sid/icd-9-cm"},
    SystemName{"I10", "http://hl7.org/fhir/sid/icd-10"},
    SystemName{"ICD10", "http://hl7.org/fhir/sid/icd-10"},
    SystemName{"I10C", "http://hl7.org/fhir/sid/icd-10-cm"},
    SystemName{"ICD10CM", "http://hl7.org/fhir/sid/icd-10-cm"},
    SystemName{"I10P", "http://www.cms.gov/Medicare/Coding/ICD10"},
    SystemName{"UCUM", "http://unitsofmeasure.org"},
    SystemName{"CVX", "http://hl7.org/fhir/sid/cvx"},
    SystemName{"MVX", "http://terminology.hl7.org/CodeSystem/MVX"},
    SystemName{"NDC", "http://hl7.org/fhir/sid/ndc"},
    SystemName{"RXNORM", "http://www.nlm.nih.gov/research/umls/rxnorm"},
    SystemName{"RXN", "http://www.nlm.nih.gov/research/umls/rxnorm"},
    SystemName{"C4", "http://www.ama-assn.org/go/cpt"},
    SystemName{"CPT", "http://www.ama-assn.org/go/cpt"},
    SystemName{"HCPCS", "urn:oid:2.16.840.1.113883.6.285"},
    SystemName{"NUCC", "http://nucc.org/provider-taxonomy"},
    SystemName{"CDCREC", "urn:oid:2.16.840.1.113883.6.238"},
    SystemName{"CDCPHINVS", "urn:oid:2.16.840.1.114222.4.5.274"},
    SystemName{"NCIT", "http://ncimeta.nci.nih.gov"},
    SystemName{"ISO3166_1", "urn:iso:std:iso:3166"},
    SystemName{"ISO+", "urn:oid:1.0.8601"},
    SystemName{"ISO639", "urn:ietf:bcp:47"},
    SystemName{"DCM", "http://dicom.nema.org/resources/ontology/DCM"},
    SystemName{"READ", "http://read.info/readv2"},
    SystemName{"DMD", "https://dmd.nhs.uk"},
};

// Code system OIDs seen in CDA documents (HL7 OID registry) with their FHIR URIs.
constexpr std::array kOidSystems = {
    SystemName{"2.16.840.1.113883.6.1", "http://loinc.org"},
    SystemName{"2.16.840.1.113883.6.96", "http://snomed.info/sct"},
    SystemName{"2.16.840.1.113883.6.88", "http://www.nlm.nih.gov/research/umls/rxnorm"},
    SystemName{"2.16.840.1.113883.12.292", "http://hl7.org/fhir/sid/cvx"},
    SystemName{"2.16.840.1.113883.12.227", "http://terminology.hl7.org/CodeSystem/MVX"},
    SystemName{"2.16.840.1.113883.6.90", "http://hl7.org/fhir/sid/icd-10-cm"},
    SystemName{"2.16.840.1.113883.6.3", "http://hl7.org/fhir/sid/icd-10"},
    SystemName{"2.16.840.1.113883.6.4", "http://www.cms.gov/Medicare/Coding/ICD10"},
    SystemName{"2.16.840.1.113883.6.2", "http://hl7.org/fhir/sid/icd-9-cm"},
    SystemName{"2.16.840.1.113883.6.103", "http://hl7.org/fhir/sid/icd-9-cm"},
    SystemName{"2.16.840.1.113883.6.104", "http://hl7.org/fhir/sid/icd-9-cm"},
    SystemName{"2.16.840.1.113883.6.12", "http://www.ama-assn.org/go/cpt"},
    SystemName{"2.16.840.1.113883.6.13", "http://www.ada.org/cdt"},
    SystemName{"2.16.840.1.113883.6.285", "urn:oid:2.16.840.1.113883.6.285"},
    SystemName{"2.16.840.1.113883.6.8", "http://unitsofmeasure.org"},
    SystemName{"2.16.840.1.113883.6.69", "http://hl7.org/fhir/sid/ndc"},
    SystemName{"2.16.840.1.113883.6.101", "http://nucc.org/provider-taxonomy"},
    SystemName{"2.16.840.1.113883.6.238", "urn:oid:2.16.840.1.113883.6.238"},
    SystemName{"2.16.840.1.113883.6.259",
               "https://www.cdc.gov/nhsn/cdaportal/terminology/codesystem/hsloc.html"},
    SystemName{"2.16.840.1.113883.4.9", "http://fdasis.nlm.nih.gov"},
    SystemName{"2.16.840.1.113883.3.26.1.1", "http://ncimeta.nci.nih.gov"},
    SystemName{"1.2.840.10008.2.16.4", "http://dicom.nema.org/resources/ontology/DCM"},
    SystemName{"2.16.840.1.113883.5.1",
               "http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender"},
    SystemName{"2.16.840.1.113883.5.2", "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus"},
    SystemName{"2.16.840.1.113883.5.4", "http://terminology.hl7.org/CodeSystem/v3-ActCode"},
    SystemName{"2.16.840.1.113883.5.6", "http://terminology.hl7.org/CodeSystem/v3-ActClass"},
    SystemName{"2.16.840.1.113883.5.7", "http://terminology.hl7.org/CodeSystem/v3-ActPriority"},
    SystemName{"2.16.840.1.113883.5.8", "http://terminology.hl7.org/CodeSystem/v3-ActReason"},
    SystemName{"2.16.840.1.113883.5.14", "http://terminology.hl7.org/CodeSystem/v3-ActStatus"},
    SystemName{"2.16.840.1.113883.5.25",
               "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"},
    SystemName{"2.16.840.1.113883.5.60",
               "http://terminology.hl7.org/CodeSystem/v3-LanguageAbilityMode"},
    SystemName{"2.16.840.1.113883.5.61",
               "http://terminology.hl7.org/CodeSystem/v3-LanguageAbilityProficiency"},
    SystemName{"2.16.840.1.113883.5.83",
               "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"},
    SystemName{"2.16.840.1.113883.5.88",
               "http://terminology.hl7.org/CodeSystem/v3-ParticipationFunction"},
    SystemName{"2.16.840.1.113883.5.90",
               "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"},
    SystemName{"2.16.840.1.113883.5.110", "http://terminology.hl7.org/CodeSystem/v3-RoleClass"},
    SystemName{"2.16.840.1.113883.5.111", "http://terminology.hl7.org/CodeSystem/v3-RoleCode"},
    SystemName{"2.16.840.1.113883.5.112",
               "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"},
    SystemName{"2.16.840.1.113883.5.1008", "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"},
    SystemName{"2.16.840.1.113883.5.1063",
               "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"},
    SystemName{"2.16.840.1.113883.5.1076",
               "http://terminology.hl7.org/CodeSystem/v3-ReligiousAffiliation"},
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace

std::string coding_system_uri(std::string_view v2_name) {
  std::string name = upper(v2_name);
  for (const auto& s : kV2Systems)
    if (s.name == name) return std::string(s.uri);
  if (name.rfind("HL7", 0) == 0 && name.size() == 7 && all_digits(name.substr(3)))
    return "http://terminology.hl7.org/CodeSystem/v2-" + name.substr(3);
  if (name.rfind("2.16.", 0) == 0 || name.rfind("1.2.", 0) == 0)
    return "urn:oid:" + std::string(v2_name);
  const bool is_uri = (v2_name.starts_with("http://") || v2_name.starts_with("https://") ||
                       v2_name.starts_with("urn:")) &&
                      v2_name.find_first_of(" \t") == std::string_view::npos;
  if (is_uri) return std::string(v2_name);
  return "urn:hiebroker:v2-coding-system:" + urn_safe(v2_name);
}

bool is_known_coding_system(std::string_view v2_name) {
  return coding_system_uri(v2_name).rfind("urn:hiebroker:", 0) != 0;
}

std::optional<std::string> known_oid_system_uri(std::string_view oid) {
  for (const auto& s : kOidSystems)
    if (s.name == oid) return std::string(s.uri);
  // 2.16.840.1.113883.12.N: HL7 v2 table N (0001, 0203, ...).
  constexpr std::string_view kV2Tables = "2.16.840.1.113883.12.";
  if (oid.starts_with(kV2Tables)) {
    std::string_view table = oid.substr(kV2Tables.size());
    if (all_digits(table) && table.size() <= 4)
      return "http://terminology.hl7.org/CodeSystem/v2-" + std::string(4 - table.size(), '0') +
             std::string(table);
  }
  return std::nullopt;
}

std::string oid_system_uri(std::string_view oid) {
  if (auto uri = known_oid_system_uri(oid)) return *uri;
  return "urn:oid:" + std::string(oid);
}

}  // namespace hie::adapters
