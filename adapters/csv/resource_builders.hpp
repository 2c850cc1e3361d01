#pragma once
// A row's values into one resource of each type a CSV row can fill. `cells[i]` is the value of
// `mapping.fields[i]` for this row (empty: absent). Errors go to `row`; the caller drops the
// row's resources when it failed.

#include <vector>

#include "adapters/csv/row_values.hpp"
#include "broker/model/condition.hpp"
#include "broker/model/observation.hpp"
#include "broker/model/patient.hpp"

namespace hie::adapters::csv {

model::Patient build_patient(RowContext& row, const ResourceMapping& mapping,
                             const std::vector<Cell>& cells);
/// `subject`: the row's Patient.
model::Observation build_observation(RowContext& row, const ResourceMapping& mapping,
                                     const std::vector<Cell>& cells,
                                     const model::Reference& subject);
model::Condition build_condition(RowContext& row, const ResourceMapping& mapping,
                                 const std::vector<Cell>& cells, const model::Reference& subject);

}  // namespace hie::adapters::csv
