#pragma once
// Merge internals: which Patients are one person (a shared identifier, never two different NHS
// numbers), and one Patient made of several.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "broker/model/patient.hpp"

namespace hie::routing::merge {

/// Patients grouped by shared identifiers (system|value, any system), transitively, except that
/// two groups holding different NHS numbers are never joined.
struct PatientIdentity {
  /// Per input Patient: its group, numbered by first appearance; nullopt when it has no identifier
  /// with both system and value (such a Patient is merged by content, like other resources).
  std::vector<std::optional<std::size_t>> group;
  std::size_t group_count = 0;
  /// A join refused: Patients `a` and `b` (input positions) share an identifier of `system` but
  /// their groups hold different NHS numbers.
  struct Refused {
    std::size_t a = 0;
    std::size_t b = 0;
    std::string system;
  };
  std::vector<Refused> refused;
};

/// Groups `patients`; the result is the same for the same list.
PatientIdentity group_patients(const std::vector<const model::Patient*>& patients);

/// The first NHS number among the members' identifiers, or "".
std::string first_nhs_number(const std::vector<const model::Patient*>& members);

/// A single-valued element on which a member disagreed with the value kept.
struct PatientDisagreement {
  std::string element;    ///< FHIR name: "gender", "birthDate"
  std::size_t kept = 0;   ///< member whose value was kept
  std::size_t other = 0;  ///< member that disagreed
};

/// One Patient, `merged_id`, from `members` (at least one; references already rewritten), the
/// first member first: its meta and narrative; identifiers (by system|value) and names, telecoms,
/// addresses, photos, contacts, communications, GPs and links unioned without repeats (a link to
/// the merged Patient itself dropped); each single-valued element from the first member that has
/// it. A different value from a later member is a disagreement; a birthDate that only adds
/// precision to the kept one ("1994" then "1994-06-15") replaces it instead.
model::Patient merge_patients(const std::vector<const model::Patient*>& members,
                              const std::string& merged_id,
                              std::vector<PatientDisagreement>& disagreements);

}  // namespace hie::routing::merge
