#pragma once
// What `hiebench events` sends: one ADT^A01 per event, each for its own synthetic patient, so
// the broker's one-event-at-a-time-per-patient rule never serialises the run. The patient's
// local identifier carries the run id and the event's index: it survives into every HL7 v2
// delivery (PID-3), which is how a delivery is matched to the message that caused it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hie::tools {

/// `count` distinct synthetic NHS numbers: ten digits from 9000000000 upwards whose last digit
/// is the Modulus 11 check digit (nine-digit stems without a valid one are skipped).
std::vector<std::string> bench_nhs_numbers(std::size_t count);

/// The local identifier (PID-3, authority BENCH, type MR) of event `index` of run `run_id`:
/// bench_patient_prefix(run_id) followed by the index.
std::string bench_patient_id(std::string_view run_id, std::size_t index);
std::string bench_patient_prefix(std::string_view run_id);

/// Whether `run_id` goes through HL7 v2 unescaped: 1 to 40 of [A-Za-z0-9-].
bool valid_run_id(std::string_view run_id);

/// An ADT^A01 (MSH-10 `<run_id>-<index>`) admitting patient `index` of the run, whose NHS number
/// is `nhs_number`, to a ward: one `admission` event in the broker.
std::string admission_message(std::string_view run_id, std::size_t index,
                              std::string_view nhs_number);

}  // namespace hie::tools
