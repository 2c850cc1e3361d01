#include "adapters/csv/resource_builders.hpp"

#include <array>

#include "broker/model/formats.hpp"

namespace hie::adapters::csv {
namespace {

using model::Severity;

constexpr std::string_view kInterpretationSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

struct Display {
  std::string_view code, display;
};
constexpr std::array kInterpretationDisplays = {
    Display{"L", "Low"},
    Display{"H", "High"},
    Display{"LL", "Critical low"},
    Display{"HH", "Critical high"},
    Display{"N", "Normal"},
    Display{"A", "Abnormal"},
    Display{"AA", "Critical abnormal"},
    Display{"<", "Off scale low"},
    Display{">", "Off scale high"},
    Display{"POS", "Positive"},
    Display{"NEG", "Negative"},
    Display{"DET", "Detected"},
    Display{"ND", "Not detected"},
    Display{"IND", "Indeterminate"},
};

model::CodeableConcept concept_of(std::string_view system, std::string code,
                                  std::string display = {}) {
  model::CodeableConcept cc;
  cc.coding.push_back({std::string(system), "", std::move(code), std::move(display), std::nullopt});
  return cc;
}

/// code.code / code.system / code.display / code.text, gathered from the row.
struct CodeParts {
  Cell code, system, display, text;
};

std::optional<model::CodeableConcept> code_from(RowContext& row, const CodeParts& p,
                                                std::string_view resource) {
  model::CodeableConcept cc;
  if (!p.code.value.empty()) {
    if (!p.system.value.empty() && !model::is_uri(p.system.value)) {
      row.error(p.system.column, "value", "code.system: not a URI");
      return std::nullopt;
    }
    cc.coding.push_back({p.system.value, "", p.code.value, p.display.value, std::nullopt});
    cc.text = p.text.value;
  } else {
    // No code: the display (or text) still says what it is.
    cc.text = p.text.value.empty() ? p.display.value : p.text.value;
    if (!p.system.value.empty())
      row.note(Severity::warning, p.system.column, "value", "code.system without a code: not used");
  }
  if (cc.coding.empty() && cc.text.empty()) {
    if (resource == "Observation")
      row.error(p.code.column, "required", "Observation.code: no code.code and no code.text");
    return std::nullopt;
  }
  return cc;
}

}  // namespace

model::Patient build_patient(RowContext& row, const ResourceMapping& mapping,
                             const std::vector<Cell>& cells) {
  model::Patient p;
  model::HumanName name;
  model::Address address;
  model::Reference gp;
  for (std::size_t i = 0; i < mapping.fields.size(); ++i) {
    const FieldMapping& f = mapping.fields[i];
    const Cell& c = cells[i];
    if (c.value.empty()) continue;
    switch (f.target->target) {
      case Target::patient_identifier:
        if (auto id = to_identifier(row, f, c)) p.identifier.push_back(std::move(*id));
        break;
      case Target::name_family:
        name.family = c.value;
        break;
      case Target::name_given:
        name.given.push_back(c.value);
        break;
      case Target::name_prefix:
        name.prefix.push_back(c.value);
        break;
      case Target::name_suffix:
        name.suffix.push_back(c.value);
        break;
      case Target::name_text:
        name.text = c.value;
        break;
      case Target::gender:
        p.gender = c.value;
        break;
      case Target::birth_date:
        if (auto d = to_date(row, f, c)) p.birth_date = *d;
        break;
      case Target::deceased_date_time:
        if (auto d = to_date_time(row, f, c)) p.deceased = model::DateTime{*d};
        break;
      case Target::address_line:
        address.line.push_back(c.value);
        break;
      case Target::address_city:
        address.city = c.value;
        break;
      case Target::address_district:
        address.district = c.value;
        break;
      case Target::address_state:
        address.state = c.value;
        break;
      case Target::address_postal_code:
        address.postal_code = c.value;
        break;
      case Target::address_country:
        address.country = c.value;
        break;
      case Target::address_text:
        address.text = c.value;
        break;
      case Target::telecom:
        p.telecom.push_back(to_telecom(f, c));
        break;
      case Target::gp_identifier: {
        const auto org = to_organization(row, f, c);
        gp.type = org.type;
        gp.identifier = org.identifier;
        break;
      }
      case Target::gp_display:
        gp.display = c.value;
        break;
      default:
        break;
    }
  }
  if (name != model::HumanName{}) p.name.push_back(std::move(name));
  if (address != model::Address{}) p.address.push_back(std::move(address));
  if (gp != model::Reference{}) p.general_practitioner.push_back(std::move(gp));
  return p;
}

model::Observation build_observation(RowContext& row, const ResourceMapping& mapping,
                                     const std::vector<Cell>& cells,
                                     const model::Reference& subject) {
  model::Observation o;
  o.subject = subject;
  CodeParts code;
  Cell status, value, unit, unit_system, unit_code, range;
  for (std::size_t i = 0; i < mapping.fields.size(); ++i) {
    const FieldMapping& f = mapping.fields[i];
    const Cell& c = cells[i];
    // Empty parts still carry their column, for the message when a required whole is missing.
    switch (f.target->target) {
      case Target::observation_code_code:
        code.code = c;
        continue;
      case Target::observation_code_system:
        code.system = c;
        continue;
      case Target::observation_code_display:
        code.display = c;
        continue;
      case Target::observation_code_text:
        code.text = c;
        continue;
      case Target::observation_status:
        status = c;
        break;
      default:
        break;
    }
    if (c.value.empty()) continue;
    switch (f.target->target) {
      case Target::observation_identifier:
        if (auto id = to_identifier(row, f, c)) o.identifier.push_back(std::move(*id));
        break;
      case Target::observation_status:
        o.status = c.value;
        break;
      case Target::observation_category:
        o.category.push_back(
            concept_of("http://terminology.hl7.org/CodeSystem/observation-category", c.value));
        break;
      case Target::value:
        value = c;
        break;
      case Target::value_unit:
        unit = c;
        break;
      case Target::value_system:
        unit_system = c;
        break;
      case Target::value_code:
        unit_code = c;
        break;
      case Target::reference_range:
        range = c;
        break;
      case Target::interpretation: {
        std::string display;
        for (const auto& d : kInterpretationDisplays)
          if (d.code == c.value) display = std::string(d.display);
        o.interpretation.push_back(concept_of(kInterpretationSystem, c.value, display));
        break;
      }
      case Target::effective_date_time:
        if (auto d = to_date_time(row, f, c)) o.effective = model::DateTime{*d};
        break;
      case Target::issued:
        if (auto d = to_instant(row, f, c)) o.issued = *d;
        break;
      case Target::observation_note:
        o.note.push_back({{}, {}, c.value});
        break;
      case Target::performer_display: {
        model::Reference r;
        r.display = c.value;
        o.performer.push_back(std::move(r));
        break;
      }
      default:
        break;
    }
  }
  if (auto cc = code_from(row, code, "Observation")) o.code = std::move(*cc);
  if (o.status.empty()) row.error(status.column, "required", "Observation.status: empty");

  // The unit: a system makes the unit text its code too (UCUM units are their own codes).
  model::Quantity units;
  units.unit = unit.value;
  units.system = unit_system.value;
  units.code = unit_code.value.empty() && !units.system.empty() ? unit.value : unit_code.value;
  if (!units.code.empty() && units.system.empty())
    row.error(unit_code.column, "value", "valueQuantity.code needs valueQuantity.system");
  if (!units.system.empty() && !model::is_uri(units.system))
    row.error(unit_system.column, "value", "valueQuantity.system: not a URI");
  if (!value.value.empty()) {
    if (auto q = to_number(value.value, row.mapping().decimal_separator)) {
      q->unit = units.unit, q->system = units.system, q->code = units.code;
      o.value = std::move(*q);
    } else {
      o.value = value.value;
      if (!units.unit.empty())
        row.note(
            Severity::warning, unit.column, "not-supported",
            "valueQuantity.unit: the value is not a number (kept as valueString): unit not used");
    }
  }
  if (!range.value.empty())
    o.reference_range.push_back(
        to_reference_range(range.value, units, row.mapping().decimal_separator));
  return o;
}

model::Condition build_condition(RowContext& row, const ResourceMapping& mapping,
                                 const std::vector<Cell>& cells, const model::Reference& subject) {
  model::Condition c;
  c.subject = subject;
  CodeParts code;
  Cell abatement, verification;
  for (std::size_t i = 0; i < mapping.fields.size(); ++i) {
    const FieldMapping& f = mapping.fields[i];
    const Cell& cell = cells[i];
    switch (f.target->target) {
      case Target::condition_code_code:
        code.code = cell;
        continue;
      case Target::condition_code_system:
        code.system = cell;
        continue;
      case Target::condition_code_display:
        code.display = cell;
        continue;
      case Target::condition_code_text:
        code.text = cell;
        continue;
      default:
        break;
    }
    if (cell.value.empty()) continue;
    switch (f.target->target) {
      case Target::condition_identifier:
        if (auto id = to_identifier(row, f, cell)) c.identifier.push_back(std::move(*id));
        break;
      case Target::clinical_status:
        c.clinical_status =
            concept_of("http://terminology.hl7.org/CodeSystem/condition-clinical", cell.value);
        break;
      case Target::verification_status:
        verification = cell;
        c.verification_status =
            concept_of("http://terminology.hl7.org/CodeSystem/condition-ver-status", cell.value);
        break;
      case Target::condition_category:
        c.category.push_back(
            concept_of("http://terminology.hl7.org/CodeSystem/condition-category", cell.value));
        break;
      case Target::onset_date_time:
        if (auto d = to_date_time(row, f, cell)) c.onset = model::DateTime{*d};
        break;
      case Target::abatement_date_time:
        abatement = cell;
        if (auto d = to_date_time(row, f, cell)) c.abatement = model::DateTime{*d};
        break;
      case Target::recorded_date:
        if (auto d = to_date_time(row, f, cell)) c.recorded_date = *d;
        break;
      case Target::condition_note:
        c.note.push_back({{}, {}, cell.value});
        break;
      default:
        break;
    }
  }
  if (auto cc = code_from(row, code, "Condition")) c.code = std::move(*cc);
  const std::string clinical =
      c.clinical_status ? c.clinical_status->coding.front().code : std::string();
  // FHIR con-4 and con-5: what an abatement or an entered-in-error status allows.
  if (!abatement.value.empty() && clinical != "inactive" && clinical != "resolved" &&
      clinical != "remission")
    row.error(
        abatement.column, "invariant",
        "abatementDateTime needs clinicalStatus inactive, resolved or remission (FHIR con-4)");
  if (verification.value == "entered-in-error" && c.clinical_status)
    row.error(verification.column, "invariant",
              "verificationStatus entered-in-error allows no clinicalStatus (FHIR con-5)");
  return c;
}

}  // namespace hie::adapters::csv
