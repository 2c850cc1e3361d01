#pragma once
// HL7 v2 writer: model → HL7 v2.5.1 messages (ADT^A01/A02/A03/A08, ORU^R01). Pure: no clock, no
// I/O; the caller supplies MSH-7 and MSH-10. Segments are joined with CR (no trailing CR),
// MSH-18 is "UNICODE UTF-8", every value goes through encode_text (text.hpp). The mapping is
// the inverse of the reader's (map_patient.cpp, map_encounter.cpp, map_results.cpp,
// v2_types.cpp), so that reading a written message gives back the same elements.
//
// Written:
//   PID   identifier (all in PID-3: NHS → value^^^NHS^NH; urn:oid:X → ^^^NS&X&ISO; other URI →
//         ^^^NS&uri&URI; urn:hiebroker:<exchange>:id:AUTH → AUTH as CX-4.1; assigner.display →
//         CX-4.1; v2-0203 type → CX-5), name (XPN family^given^more given^suffix^prefix^
//         degree(2nd suffix)^use L/D/M/N/S/TEMP), birthDate (PID-7), gender (PID-8 M/F/O/U),
//         address (XAD, type H/B/C/BA or M for postal, district in XAD-9), telecom (XTN
//         value^use^equipment, email ^NET^Internet^addr (^PRN/WPN^Internet^ for home/work,
//         ^NET^CP^ for mobile, so that the reader gives the use back); the trailing run of work
//         entries in PID-14, the others PID-13 (keeps the order),
//         communication[0] (PID-15), maritalStatus (PID-16), multipleBirth (PID-24/25),
//         deceased (PID-29/30).
//   PD1   generalPractitioner: organizations PD1-3 (XON name + XON-10 id), others PD1-4 (XCN).
//   NK1   contact: name, relationship[0] NK1-3, relationship[1] NK1-7, address, telecom (5/6, as
//         PID-13/14); not in A02, whose structure (ADT_A02) has no NK1.
//   PV1   class (I/O/E/P, N when no encounter, U when unmappable), location[0] display (PV1-3.1),
//         participants ATND/REF/CON/ADM (PV1-7/8/9/17), serviceType (10), admitSource (14),
//         identifier[0] (19), dischargeDisposition (36), period (44/45); PV2-3 reasonCode[0].
//   OBR   identifier PLAC/FILL (OBR-2/3; an untyped one as filler), code (OBR-4), effective
//         (OBR-7/8), issued (OBR-22), status (OBR-25); conclusion → NTE after OBR.
//   OBX   code, value (Quantity → NM, Quantity with comparator → SN <^5, Range → SN ^lo^-^hi,
//         Ratio → SN ^n^:^d, string → ST or TX when it has line breaks, CodeableConcept → CWE,
//         DateTime → DTM, integer → NM), units (OBX-6 code^unit^system from the value or the
//         reference range), referenceRange[0] (OBX-7: its text, else "low-high"),
//         interpretation (OBX-8 code^text^HL70078), status (OBX-11), effective dateTime or
//         instant (OBX-14), performer (people before the first organization OBX-16, that
//         organization's name OBX-23, one person after it OBX-25); note → NTE after OBX. Observations are grouped under the report
//         whose result refers to them; the others go under the last report, or straight after
//         the patient when there is no report (the reader accepts this; ORU_R01 does not).
// Not written (no v2 place here, or the reader would not read it back): ids, meta, text,
// extensions; Identifier use/period (use "usual" is implied by type MR); HumanName text and
// period, a third given name (joined into XPN-3), a third suffix; Address text/period/
// line 3+ (joined into XAD-2), use together with type postal; ContactPoint rank/period, systems
// url/sms, uses temp/old; Patient active/photo/link (MRG is for A40); contact gender/
// organization/period; Encounter status (follows the event), type, priority, diagnosis,
// other hospitalization elements, locations after the first; Observation category (the reader
// sets laboratory), other performers, bodySite, method, specimen, components, dataAbsentReason,
// effective Period, values boolean/Time/Period; DiagnosticReport category, performer,
// specimen, presentedForm, conclusionCode. A codeable concept keeps its first two codings.

#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"
#include "broker/model/observation.hpp"
#include "broker/model/patient.hpp"

namespace hie::adapters::hl7v2 {

struct WriteOptions {
  std::string sending_application = "HIEBROKER";
  std::string sending_facility;
  std::string receiving_application;
  std::string receiving_facility;
  std::string control_id;  ///< MSH-10, required
  std::string timestamp;   ///< MSH-7 as an HL7 DTM, supplied by the caller: adapters have no clock
  std::string version = "2.5.1";
};

/// ADT^A01 / A02 / A03 / A08 from a Patient (+ optional Encounter); A02 (transfer) is A01's
/// segments without NK1. Errors: another event, or a missing control id / timestamp.
Result<std::string> write_adt(std::string_view event, const model::Patient& patient,
                              const model::Encounter* encounter, const WriteOptions& options);

/// ORU^R01 from a Patient, its DiagnosticReports and the Observations they refer to.
Result<std::string> write_oru(const model::Patient& patient, const std::vector<model::DiagnosticReport>& reports,
                              const std::vector<model::Observation>& observations, const WriteOptions& options);

/// HL7 table 0396 name for a FHIR code system URI, the reverse of coding_system_uri():
/// http://loinc.org → LN, …/v2-0078 → HL70078, urn:hiebroker:v2-coding-system:NAME → NAME,
/// urn:oid:X → X (when the reader maps X back to it; else the URI). Other URIs are returned
/// as they are (the reader keeps URIs); "" for "".
std::string reverse_coding_system(std::string_view uri);

/// FHIR date/dateTime/instant → HL7 DTM of the same precision (2024-01-02T03:04:05+01:00 →
/// 20240102030405+0100); "" when `fhir` is not one.
std::string to_hl7_datetime(std::string_view fhir);

}  // namespace hie::adapters::hl7v2
