// HL7 v2 writer: messages and segments. Data types are in writer_types.cpp; what is and is not
// written is listed in writer.hpp.

#include "adapters/hl7v2/writer.hpp"

#include <array>

#include "adapters/hl7v2/writer_types.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using namespace write_detail;

constexpr char kCR = '\r';

std::string repeat(const std::vector<std::string>& values) {
  std::vector<std::string> nonempty;
  for (const auto& v : values)
    if (!v.empty()) nonempty.push_back(v);
  std::string out;
  for (std::size_t i = 0; i < nonempty.size(); ++i) {
    if (i > 0) out += kDelimiters.repetition;
    out += nonempty[i];
  }
  return out;
}

Status check_options(const WriteOptions& o) {
  if (o.control_id.empty()) return make_error(Errc::invalid_argument, "MSH-10 control id is required", "MSH-10");
  if (o.timestamp.size() < 4 || o.timestamp.find_first_not_of("0123456789.+-") != std::string::npos)
    return make_error(Errc::invalid_argument, "MSH-7 timestamp must be an HL7 DTM", "MSH-7");
  if (o.version.empty()) return make_error(Errc::invalid_argument, "MSH-12 version is required", "MSH-12");
  return {};
}

std::string msh(const WriteOptions& o, std::string_view type) {
  std::string s = "MSH|^~\\&";
  for (const std::string* v : {&o.sending_application, &o.sending_facility, &o.receiving_application,
                               &o.receiving_facility, &o.timestamp})
    s += "|" + esc(*v);
  s += "||" + std::string(type) + "|" + esc(o.control_id) + "|P|" + esc(o.version) + "||||||UNICODE UTF-8";
  return s;
}

std::string status_code(std::string_view fhir) {
  if (fhir == "final") return "F";
  if (fhir == "preliminary") return "P";
  if (fhir == "corrected" || fhir == "amended") return "C";
  if (fhir == "cancelled") return "X";
  if (fhir == "registered") return "I";
  if (fhir == "partial") return "A";
  if (fhir == "entered-in-error") return "W";
  return {};
}

/// XTN repetitions for the personal (PID-13, NK1-5) and business (PID-14, NK1-6) fields. The
/// reader reads the personal field first, so only the trailing run of work entries goes to the
/// business field: the order survives, and the use is explicit (PRN/WPN) in both.
std::pair<std::string, std::string> telecom_fields(const std::vector<model::ContactPoint>& telecom) {
  std::size_t business_from = telecom.size();
  while (business_from > 0 && telecom[business_from - 1].use == "work") --business_from;
  std::vector<std::string> personal, business;
  for (std::size_t i = 0; i < telecom.size(); ++i) (i < business_from ? personal : business).push_back(xtn(telecom[i]));
  return {repeat(personal), repeat(business)};
}

std::string yes_no(bool b) { return b ? "Y" : "N"; }

std::string pid(const model::Patient& p) {
  SegmentWriter s("PID");
  s.set(1, "1");
  std::vector<std::string> ids, names, addresses;
  for (const auto& id : p.identifier) ids.push_back(cx(id));
  for (const auto& n : p.name) names.push_back(xpn(n));
  for (const auto& a : p.address) addresses.push_back(xad(a));
  auto [home, work] = telecom_fields(p.telecom);
  s.set(3, repeat(ids));
  s.set(5, repeat(names));
  s.set(7, to_hl7_datetime(p.birth_date));
  if (p.gender == "male") s.set(8, "M");
  else if (p.gender == "female") s.set(8, "F");
  else if (p.gender == "other") s.set(8, "O");
  else if (p.gender == "unknown") s.set(8, "U");
  s.set(11, repeat(addresses));
  s.set(13, home);
  s.set(14, work);
  if (!p.communication.empty()) s.set(15, cwe(p.communication.front().language));
  if (p.marital_status) s.set(16, cwe(*p.marital_status));
  if (const bool* b = std::get_if<bool>(&p.multiple_birth)) s.set(24, yes_no(*b));
  if (const std::int64_t* n = std::get_if<std::int64_t>(&p.multiple_birth)) {
    s.set(24, "Y");
    s.set(25, std::to_string(*n));
  }
  if (const auto* when = std::get_if<model::DateTime>(&p.deceased)) {
    s.set(29, to_hl7_datetime(when->value));
    s.set(30, "Y");
  } else if (const bool* dead = std::get_if<bool>(&p.deceased)) {
    s.set(30, yes_no(*dead));
  }
  return s.str();
}

void patient_segments(const model::Patient& p, std::vector<std::string>& out, bool contacts = true) {
  out.push_back(pid(p));
  std::vector<std::string> practices, doctors;
  for (const auto& gp : p.general_practitioner)
    if (gp.type == "Organization") practices.push_back(xon(gp));
    else doctors.push_back(xcn(gp));
  if (!repeat(practices).empty() || !repeat(doctors).empty()) {
    SegmentWriter pd1("PD1");
    pd1.set(3, repeat(practices));
    pd1.set(4, repeat(doctors));
    out.push_back(pd1.str());
  }
  if (!contacts) return;
  std::size_t set_id = 0;
  for (const auto& c : p.contact) {
    SegmentWriter nk1("NK1");
    nk1.set(1, std::to_string(++set_id));
    if (c.name) nk1.set(2, xpn(*c.name));
    if (!c.relationship.empty()) nk1.set(3, cwe(c.relationship[0]));
    if (c.relationship.size() > 1) nk1.set(7, cwe(c.relationship[1]));
    if (c.address) nk1.set(4, xad(*c.address));
    auto [home, work] = telecom_fields(c.telecom);
    nk1.set(5, home);
    nk1.set(6, work);
    out.push_back(nk1.str());
  }
}

std::string pv1_class(const model::Coding& c) {
  if (c.code == "IMP") return "I";
  if (c.code == "AMB") return "O";
  if (c.code == "EMER") return "E";
  if (c.code == "PRENC") return "P";
  return "U";
}

void visit_segments(const model::Encounter* e, std::vector<std::string>& out) {
  SegmentWriter pv1("PV1");
  pv1.set(1, "1");
  if (e == nullptr) {
    pv1.set(2, "N");  // table 0004 "not applicable": no visit
    out.push_back(pv1.str());
    return;
  }
  pv1.set(2, pv1_class(e->class_));
  if (!e->location.empty()) pv1.set(3, esc(e->location.front().location.display));
  constexpr std::array<std::pair<std::size_t, std::string_view>, 4> kRoles{
      {{7, "ATND"}, {8, "REF"}, {9, "CON"}, {17, "ADM"}}};
  for (const auto& [field, role] : kRoles) {
    std::vector<std::string> people;
    for (const auto& p : e->participant) {
      bool match = false;
      for (const auto& t : p.type)
        for (const auto& c : t.coding) match = match || c.code == role;
      if (match && p.individual) people.push_back(xcn(*p.individual));
    }
    pv1.set(field, repeat(people));
  }
  if (e->service_type) pv1.set(10, cwe(*e->service_type));
  if (e->hospitalization && e->hospitalization->admit_source) pv1.set(14, cwe(*e->hospitalization->admit_source));
  if (!e->identifier.empty()) pv1.set(19, cx(e->identifier.front()));
  if (e->hospitalization && e->hospitalization->discharge_disposition)
    pv1.set(36, cwe(*e->hospitalization->discharge_disposition));
  if (e->period) {
    pv1.set(44, to_hl7_datetime(e->period->start));
    pv1.set(45, to_hl7_datetime(e->period->end));
  }
  out.push_back(pv1.str());
  if (!e->reason_code.empty()) {
    SegmentWriter pv2("PV2");
    pv2.set(3, cwe(e->reason_code.front()));
    out.push_back(pv2.str());
  }
}

std::string finish(const std::vector<std::string>& segments) {
  std::string out;
  for (const auto& s : segments) {
    if (!out.empty()) out += kCR;
    out += s;
  }
  return out;
}

// ---- ORU ----

std::string number_text(const model::Quantity& q) { return q.value ? q.value->text() : std::string(); }

/// OBX-6 from the Quantity that carries the unit.
std::string units(const model::Quantity& q) {
  if (!q.code.empty() && !q.system.empty())
    return join({esc(q.code), q.unit == q.code ? "" : esc(q.unit), esc(reverse_coding_system(q.system))},
                kDelimiters.component);
  return esc(q.unit);
}

const model::Quantity* unit_source(const model::Observation& o) {
  if (const auto* q = std::get_if<model::Quantity>(&o.value)) return q;
  if (const auto* r = std::get_if<model::Range>(&o.value)) {
    if (r->low) return &*r->low;
    if (r->high) return &*r->high;
  }
  for (const auto& rr : o.reference_range) {
    if (rr.low) return &*rr.low;
    if (rr.high) return &*rr.high;
  }
  return nullptr;
}

/// OBX-2 and OBX-5; both empty when the value has no v2 form here.
std::pair<std::string, std::string> value_of(const model::ObservationValue& v) {
  if (const auto* q = std::get_if<model::Quantity>(&v)) {
    if (!q->value) return {};
    if (q->comparator.empty()) return {"NM", number_text(*q)};
    return {"SN", join({esc(q->comparator), number_text(*q)}, kDelimiters.component)};
  }
  if (const auto* r = std::get_if<model::Range>(&v)) {
    if (!r->low || !r->high || !r->low->value || !r->high->value) return {};
    return {"SN", join({"", number_text(*r->low), "-", number_text(*r->high)}, kDelimiters.component)};
  }
  if (const auto* r = std::get_if<model::Ratio>(&v)) {
    if (!r->numerator || !r->denominator || !r->numerator->value || !r->denominator->value) return {};
    return {"SN", join({"", number_text(*r->numerator), ":", number_text(*r->denominator)}, kDelimiters.component)};
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (s->empty()) return {};
    return {s->find_first_of("\r\n") == std::string::npos ? "ST" : "TX", esc(*s)};
  }
  if (const auto* cc = std::get_if<model::CodeableConcept>(&v)) return {"CWE", cwe(*cc)};
  if (const auto* dt = std::get_if<model::DateTime>(&v)) {
    std::string t = to_hl7_datetime(dt->value);
    return t.empty() ? std::pair<std::string, std::string>{} : std::pair<std::string, std::string>{"DTM", t};
  }
  if (const auto* n = std::get_if<std::int64_t>(&v)) return {"NM", std::to_string(*n)};
  return {};  // boolean, Time, Period
}

std::string reference_range(const model::ObservationReferenceRange& rr) {
  if (!rr.text.empty()) return esc(rr.text);
  const bool low = rr.low && rr.low->value, high = rr.high && rr.high->value;
  if (low && high) return number_text(*rr.low) + "-" + number_text(*rr.high);
  if (low) return ">=" + number_text(*rr.low);
  if (high) return "<=" + number_text(*rr.high);
  return {};
}

std::string interpretation(const model::CodeableConcept& cc) {
  std::string code = first_code(cc, "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation");
  if (code.empty()) return {};
  return join({esc(code), esc(cc.text), "HL70078"}, kDelimiters.component);
}

void notes(const std::vector<model::Annotation>& notes, std::vector<std::string>& out) {
  std::size_t n = 0;
  for (const auto& note : notes) {
    if (note.text.empty()) continue;
    SegmentWriter nte("NTE");
    nte.set(1, std::to_string(++n));
    nte.set(3, esc(note.text));
    out.push_back(nte.str());
  }
}

void obx(const model::Observation& o, std::size_t set_id, std::vector<std::string>& out) {
  SegmentWriter s("OBX");
  s.set(1, std::to_string(set_id));
  auto [type, value] = value_of(o.value);
  s.set(2, type);
  s.set(3, cwe(o.code));
  s.set(5, value);
  if (const model::Quantity* unit = unit_source(o)) s.set(6, units(*unit));
  if (!o.reference_range.empty()) s.set(7, reference_range(o.reference_range.front()));
  std::vector<std::string> flags;
  for (const auto& i : o.interpretation) flags.push_back(interpretation(i));
  s.set(8, repeat(flags));
  s.set(11, status_code(o.status));
  if (const auto* dt = std::get_if<model::DateTime>(&o.effective)) s.set(14, to_hl7_datetime(dt->value));
  else if (const auto* in = std::get_if<model::Instant>(&o.effective)) s.set(14, to_hl7_datetime(in->value));
  // Performers as the reader reads them back, in order: people (OBX-16), one organization
  // (OBX-23, name only), one person after it (OBX-25, director). Others are left out.
  std::vector<std::string> observers;
  std::size_t i = 0;
  for (; i < o.performer.size() && o.performer[i].type != "Organization"; ++i) observers.push_back(xcn(o.performer[i]));
  s.set(16, repeat(observers));
  if (i < o.performer.size()) {
    s.set(23, esc(o.performer[i].display));
    if (++i < o.performer.size() && o.performer[i].type != "Organization") s.set(25, xcn(o.performer[i]));
  }
  out.push_back(s.str());
  notes(o.note, out);
}

std::string obr(const model::DiagnosticReport& r, std::size_t set_id) {
  SegmentWriter s("OBR");
  s.set(1, std::to_string(set_id));
  const model::Identifier* placer = nullptr;
  const model::Identifier* filler = nullptr;
  const model::Identifier* untyped = nullptr;
  for (const auto& id : r.identifier) {
    std::string type = first_code(id.type);
    if (type == "PLAC" && !placer) placer = &id;
    else if (type == "FILL" && !filler) filler = &id;
    else if (type.empty() && !untyped) untyped = &id;
  }
  if (!filler) filler = untyped;
  if (placer) s.set(2, ei(*placer));
  if (filler) s.set(3, ei(*filler));
  s.set(4, cwe(r.code));
  if (const auto* dt = std::get_if<model::DateTime>(&r.effective)) {
    s.set(7, to_hl7_datetime(dt->value));
  } else if (const auto* p = std::get_if<model::Period>(&r.effective)) {
    s.set(7, to_hl7_datetime(p->start));
    s.set(8, to_hl7_datetime(p->end));
  }
  s.set(22, to_hl7_datetime(r.issued));
  s.set(25, status_code(r.status));
  return s.str();
}

bool refers_to(const model::Reference& ref, const model::Observation& o) {
  if (o.id.empty()) return false;
  return ref.reference == "Observation/" + o.id || ref.reference == o.id ||
         (ref.reference.ends_with("/Observation/" + o.id));
}

}  // namespace

Result<std::string> write_adt(std::string_view event, const model::Patient& patient, const model::Encounter* encounter,
                              const WriteOptions& options) {
  if (event != "A01" && event != "A02" && event != "A03" && event != "A08")
    return make_error(Errc::unsupported,
                      "ADT event '" + std::string(event) + "' is not written (A01, A02, A03, A08 are)", "MSH-9.2");
  if (auto ok = check_options(options); !ok) return ok.error();
  const std::string structure = event == "A03" ? "ADT_A03" : event == "A02" ? "ADT_A02" : "ADT_A01";
  std::vector<std::string> segments;
  segments.push_back(msh(options, "ADT^" + std::string(event) + "^" + structure));
  segments.push_back("EVN|" + std::string(event) + "|" + esc(options.timestamp));
  // ADT_A02 has no NK1: a transfer carries the patient and the visit only.
  patient_segments(patient, segments, /*contacts=*/event != "A02");
  visit_segments(encounter, segments);
  return finish(segments);
}

Result<std::string> write_oru(const model::Patient& patient, const std::vector<model::DiagnosticReport>& reports,
                              const std::vector<model::Observation>& observations, const WriteOptions& options) {
  if (auto ok = check_options(options); !ok) return ok.error();
  std::vector<std::string> segments;
  segments.push_back(msh(options, "ORU^R01^ORU_R01"));
  patient_segments(patient, segments);
  std::vector<bool> written(observations.size(), false);
  auto leftovers = [&](std::size_t& set_id) {
    for (std::size_t i = 0; i < observations.size(); ++i)
      if (!written[i]) obx(observations[i], ++set_id, segments), written[i] = true;
  };
  if (reports.empty()) {
    std::size_t set_id = 0;
    leftovers(set_id);
  }
  for (std::size_t r = 0; r < reports.size(); ++r) {
    const auto& report = reports[r];
    segments.push_back(obr(report, r + 1));
    if (!report.conclusion.empty()) notes({model::Annotation{{}, "", report.conclusion}}, segments);
    std::size_t set_id = 0;
    for (const auto& ref : report.result)
      for (std::size_t i = 0; i < observations.size(); ++i)
        if (!written[i] && refers_to(ref, observations[i])) {
          obx(observations[i], ++set_id, segments);
          written[i] = true;
          break;
        }
    if (r + 1 == reports.size()) leftovers(set_id);
  }
  return finish(segments);
}

}  // namespace hie::adapters::hl7v2
