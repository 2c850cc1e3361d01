#pragma once
// SPM (specimen) → Specimen, for the SPM of a result group (ORU^R01) or of an order (OML^O21).
// The caller links the Specimen to what it belongs to: DiagnosticReport.specimen and
// Observation.specimen in results, ServiceRequest.specimen and Specimen.request in orders.

#include <string>
#include <vector>

#include "adapters/hl7v2/mapping_context.hpp"
#include "broker/model/specimen.hpp"

namespace hie::adapters::hl7v2 {

/// One SPM as a Specimen of the message's patient (`patient_ref`, "" when there is none).
model::Specimen map_spm(MappingContext& ctx, const Segment& spm, const std::string& patient_ref);

/// OBR-10 (collector identifier, XCN; the first repetition) as the collector of each of the
/// OBR's specimens. Read only when there are specimens: otherwise it has nowhere to go and stays
/// in the unused-input report.
void set_collector(MappingContext& ctx, const Segment& obr,
                   std::vector<model::Specimen>& specimens);

}  // namespace hie::adapters::hl7v2
