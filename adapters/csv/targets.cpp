#include "adapters/csv/targets.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace hie::adapters::csv {
namespace {

using sv = std::string_view;

constexpr std::array<sv, 4> kGender = {"male", "female", "other", "unknown"};
constexpr std::array<sv, 8> kObservationStatus = {"registered",       "preliminary", "final",
                                                  "amended",          "corrected",   "cancelled",
                                                  "entered-in-error", "unknown"};
// http://terminology.hl7.org/CodeSystem/observation-category
constexpr std::array<sv, 9> kObservationCategory = {"social-history", "vital-signs", "imaging",
                                                    "laboratory",     "procedure",   "survey",
                                                    "exam",           "therapy",     "activity"};
// v3-ObservationInterpretation codes a lab flag column carries.
constexpr std::array<sv, 26> kInterpretation = {
    "L", "H", "LL", "HH", "N",  "A",   "AA",  "<",   ">",   "U",  "D", "B",  "W",
    "S", "R", "I",  "MS", "VS", "POS", "NEG", "IND", "DET", "ND", "E", "HU", "LU"};
constexpr std::array<sv, 6> kClinicalStatus = {"active",   "recurrence", "relapse",
                                               "inactive", "remission",  "resolved"};
constexpr std::array<sv, 6> kVerificationStatus = {
    "unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"};
constexpr std::array<sv, 2> kConditionCategory = {"problem-list-item", "encounter-diagnosis"};
constexpr std::array<sv, 3> kResourceTypes = {"Patient", "Observation", "Condition"};

using T = Target;
using K = Kind;

const std::array kTargets = {
    TargetInfo{T::patient_identifier, "Patient", "identifier", K::identifier},
    TargetInfo{T::name_family, "Patient", "name.family", K::text},
    TargetInfo{T::name_given, "Patient", "name.given", K::text},
    TargetInfo{T::name_prefix, "Patient", "name.prefix", K::text},
    TargetInfo{T::name_suffix, "Patient", "name.suffix", K::text},
    TargetInfo{T::name_text, "Patient", "name.text", K::text},
    TargetInfo{T::gender, "Patient", "gender", K::code, kGender},
    TargetInfo{T::birth_date, "Patient", "birthDate", K::date},
    TargetInfo{T::deceased_date_time, "Patient", "deceasedDateTime", K::date_time},
    TargetInfo{T::address_line, "Patient", "address.line", K::text},
    TargetInfo{T::address_city, "Patient", "address.city", K::text},
    TargetInfo{T::address_district, "Patient", "address.district", K::text},
    TargetInfo{T::address_state, "Patient", "address.state", K::text},
    TargetInfo{T::address_postal_code, "Patient", "address.postalCode", K::text},
    TargetInfo{T::address_country, "Patient", "address.country", K::text},
    TargetInfo{T::address_text, "Patient", "address.text", K::text},
    TargetInfo{T::telecom, "Patient", "telecom", K::telecom},
    TargetInfo{T::gp_identifier, "Patient", "generalPractitioner.identifier", K::organization},
    TargetInfo{T::gp_display, "Patient", "generalPractitioner.display", K::text},

    TargetInfo{T::observation_identifier, "Observation", "identifier", K::identifier},
    TargetInfo{T::observation_status, "Observation", "status", K::code, kObservationStatus},
    TargetInfo{T::observation_category, "Observation", "category", K::code, kObservationCategory},
    TargetInfo{T::observation_code_code, "Observation", "code.code", K::text},
    TargetInfo{T::observation_code_system, "Observation", "code.system", K::text},
    TargetInfo{T::observation_code_display, "Observation", "code.display", K::text},
    TargetInfo{T::observation_code_text, "Observation", "code.text", K::text},
    TargetInfo{T::value, "Observation", "value", K::value},
    TargetInfo{T::value_unit, "Observation", "valueQuantity.unit", K::text},
    TargetInfo{T::value_system, "Observation", "valueQuantity.system", K::text},
    TargetInfo{T::value_code, "Observation", "valueQuantity.code", K::text},
    TargetInfo{T::reference_range, "Observation", "referenceRange", K::reference_range},
    TargetInfo{T::interpretation, "Observation", "interpretation", K::code, kInterpretation},
    TargetInfo{T::effective_date_time, "Observation", "effectiveDateTime", K::date_time},
    TargetInfo{T::issued, "Observation", "issued", K::instant},
    TargetInfo{T::observation_note, "Observation", "note", K::text},
    TargetInfo{T::performer_display, "Observation", "performer.display", K::text},

    TargetInfo{T::condition_identifier, "Condition", "identifier", K::identifier},
    TargetInfo{T::clinical_status, "Condition", "clinicalStatus", K::code, kClinicalStatus},
    TargetInfo{T::verification_status, "Condition", "verificationStatus", K::code,
               kVerificationStatus},
    TargetInfo{T::condition_category, "Condition", "category", K::code, kConditionCategory},
    TargetInfo{T::condition_code_code, "Condition", "code.code", K::text},
    TargetInfo{T::condition_code_system, "Condition", "code.system", K::text},
    TargetInfo{T::condition_code_display, "Condition", "code.display", K::text},
    TargetInfo{T::condition_code_text, "Condition", "code.text", K::text},
    TargetInfo{T::onset_date_time, "Condition", "onsetDateTime", K::date_time},
    TargetInfo{T::abatement_date_time, "Condition", "abatementDateTime", K::date_time},
    TargetInfo{T::recorded_date, "Condition", "recordedDate", K::date_time},
    TargetInfo{T::condition_note, "Condition", "note", K::text},
};

std::size_t edit_distance(sv a, sv b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::span<const sv> resource_types() { return kResourceTypes; }

std::span<const TargetInfo> targets() { return kTargets; }

const TargetInfo* find_target(sv resource, sv name) {
  for (const auto& t : kTargets)
    if (t.resource == resource && t.name == name) return &t;
  return nullptr;
}

sv closest_target(sv resource, sv name) {
  sv best;
  std::size_t best_distance = 4;  // further than 3 edits is not a typo
  for (const auto& t : kTargets) {
    if (t.resource != resource) continue;
    const std::size_t d = edit_distance(name, t.name);
    if (d < best_distance) best = t.name, best_distance = d;
  }
  return best;
}

}  // namespace hie::adapters::csv
