#pragma once
// The model elements a CSV column can fill, per resource type: the names a mapping file uses
// ("name.family", "birthDate", "valueQuantity.unit") and what kind of value each takes.

#include <cstdint>
#include <span>
#include <string_view>

namespace hie::adapters::csv {

/// How a cell becomes the element's value.
enum class Kind : std::uint8_t {
  text,             ///< as written (trimmed)
  code,             ///< one of the element's codes (after `values`)
  date,             ///< date_formats (a datetime format's time is dropped with a note)
  date_time,        ///< datetime_formats, then date_formats
  instant,          ///< datetime_formats; must give seconds and an offset
  identifier,       ///< an Identifier: options system / authority
  telecom,          ///< a ContactPoint: options system (required) and use
  organization,     ///< an Organization reference's identifier: options system / authority
  value,            ///< Observation.value[x]: a number is a Quantity, anything else a string
  reference_range,  ///< "3.5-5.3", "<5", ">=60"; otherwise kept as text
};

enum class Target : std::uint8_t {
  // Patient
  patient_identifier,
  name_family,
  name_given,
  name_prefix,
  name_suffix,
  name_text,
  gender,
  birth_date,
  deceased_date_time,
  address_line,
  address_city,
  address_district,
  address_state,
  address_postal_code,
  address_country,
  address_text,
  telecom,
  gp_identifier,
  gp_display,
  // Observation
  observation_identifier,
  observation_status,
  observation_category,
  observation_code_code,
  observation_code_system,
  observation_code_display,
  observation_code_text,
  value,
  value_unit,
  value_system,
  value_code,
  reference_range,
  interpretation,
  effective_date_time,
  issued,
  observation_note,
  performer_display,
  // Condition
  condition_identifier,
  clinical_status,
  verification_status,
  condition_category,
  condition_code_code,
  condition_code_system,
  condition_code_display,
  condition_code_text,
  onset_date_time,
  abatement_date_time,
  recorded_date,
  condition_note,
};

struct TargetInfo {
  Target target;
  std::string_view resource;  ///< "Patient"
  std::string_view name;      ///< as written in a mapping: "name.family"
  Kind kind;
  /// For `code`: the codes allowed (FHIR's required binding, or the code system's codes).
  std::span<const std::string_view> codes = {};
};

/// The resource types a mapping may name.
std::span<const std::string_view> resource_types();
/// Every target of `resource`, in documentation order.
std::span<const TargetInfo> targets();
/// The target `name` of `resource`, or nullptr.
const TargetInfo* find_target(std::string_view resource, std::string_view name);
/// The target of `resource` whose name is closest to `name` (a typo), or "" when none is close.
std::string_view closest_target(std::string_view resource, std::string_view name);

}  // namespace hie::adapters::csv
