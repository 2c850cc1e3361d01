#pragma once
// HL7 timestamps to FHIR: the TS/DTM form shared by HL7 v2 (TS, DTM) and CDA (TS, IVL_TS
// low/high), YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]. Pure: the callers report what the flags say.

#include <optional>
#include <string>
#include <string_view>

namespace hie::adapters {

/// The parts of a valid HL7 timestamp, as views into the input.
struct Hl7Timestamp {
  std::string_view digits;    ///< YYYY[MM[DD[HH[MM[SS]]]]]
  std::string_view fraction;  ///< after '.', digits only (only with seconds)
  std::string_view offset;    ///< +HHMM / -HHMM, or empty
};

/// Splits and checks `value` (real calendar days, hours to 23, minutes and seconds to 59);
/// nullopt when it is not a valid HL7 timestamp.
std::optional<Hl7Timestamp> split_hl7_timestamp(std::string_view value);

/// The date part of `digits` as a FHIR date of the same precision: YYYY, YYYY-MM or YYYY-MM-DD.
std::string hl7_date_part(std::string_view digits);

/// One conversion and what it could not carry over.
struct FhirTimeConversion {
  std::optional<std::string> value;  ///< nullopt: `invalid`
  bool invalid = false;              ///< not a valid HL7 timestamp
  bool cut_to_date = false;          ///< a time without offset and no default: kept as a date
  bool hour_only = false;            ///< hour precision written with :00 minutes
  bool time_dropped = false;         ///< a time given where only a date fits
};

/// A FHIR dateTime of the same precision. A time without an offset takes `default_offset`
/// ("+01:00"), or is cut to its date when that is empty.
FhirTimeConversion hl7_to_fhir_datetime(std::string_view value, std::string_view default_offset);

/// A FHIR date (Patient.birthDate): the date part; any time of day is dropped.
FhirTimeConversion hl7_to_fhir_date(std::string_view value);

}  // namespace hie::adapters
