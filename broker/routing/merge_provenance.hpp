#pragma once
// Merge internals: the Provenance that says which exchange a merged resource came from.

#include <string>
#include <vector>

#include "broker/model/provenance.hpp"

namespace hie::routing::merge {

/// One exchange's part in a merged resource.
struct ProvenanceSource {
  std::string exchange;
  std::string retrieved;  ///< instant
  bool stored = false;
  /// The resources the exchange sent that became the merged one, as it named them ("Type/id").
  std::vector<std::string> original_references;
};

/// A Provenance whose target is `type`/`id`: recorded = when the answer arrived, agent = the
/// exchange (custodian), activity = live or stored answer, one entity (role source) per original
/// resource. Its id is a stable hash of the target and the exchange.
model::Provenance make_provenance(const std::string& type, const std::string& id,
                                  const ProvenanceSource& source);

}  // namespace hie::routing::merge
