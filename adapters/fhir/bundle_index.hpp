#pragma once
// What the FHIR adapter needs to know about every entry of an input Bundle, including the entries
// the model reader drops (a Claim, a Practitioner): their fullUrl, type and identifiers, so that
// references to them can still say what they pointed at.

#include <string>
#include <utility>
#include <vector>

#include "broker/core/result.hpp"
#include "broker/model/resource.hpp"

namespace hie::adapters::fhir {

struct RawEntry {
  std::size_t index = 0;  ///< position in the input's entry array
  std::string full_url;
  std::string type;  ///< the resource's resourceType; empty when the entry has no resource
  std::string id;    ///< the resource's id as written (possibly not a valid FHIR id)
  std::vector<std::pair<std::string, std::string>> identifiers;  ///< (system, value)
  std::string request_method;
  std::string request_url;
  bool has_request = false;
};

/// The entries of the Bundle in `json` (which the model reader has already read), in input order.
/// Members that are not of the expected JSON kind are left empty: the model reader reports them.
Result<std::vector<RawEntry>> index_bundle_entries(std::string_view json);

/// The top-level resourceType of `json`, or empty (for a message about a type the model lacks).
std::string top_level_resource_type(std::string_view json);

/// For each entry the model kept (in order), the position of the input entry it came from. The
/// model drops some entries (types it does not hold, empty ones), so the kept entries are a
/// subsequence of the input's; they are matched by fullUrl, resource type and id.
std::vector<std::size_t> align_entries(const std::vector<RawEntry>& raw,
                                       const std::vector<model::BundleEntry>& kept);

}  // namespace hie::adapters::fhir
