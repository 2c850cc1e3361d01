#include "tools/hie-sim/dataset.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "adapters/hl7v2/batch.hpp"
#include "broker/config/json_source.hpp"
#include "broker/config/object_reader.hpp"
#include "broker/model/nhs_number.hpp"
#include "tools/hie-sim/fhir_resources.hpp"

namespace hie::sim {
namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

/// Why `contents` cannot be a record in `format`, or "" when it can.
std::string unreadable_as(std::string_view format, std::string_view contents) {
  if (format == "hl7v2") {
    auto split = adapters::hl7v2::split_messages(contents);
    return split ? "" : "not HL7 v2: " + split.error().message();
  }
  if (format == "fhir") {
    auto resources = fhir_resources(contents);
    return resources ? "" : resources.error().describe();
  }
  if (format == "csv") {
    const auto end = contents.find('\n');
    if (contents.empty() || end == 0 || (end == 1 && contents[0] == '\r'))
      return "a CSV file must start with a header line";
    return "";
  }
  if (format == "cda") {
    return contents.find("<ClinicalDocument") == std::string_view::npos
               ? "not a CDA document (no ClinicalDocument)"
               : "";
  }
  return "";
}

void read_identifiers(config::ObjectReader& patient, const std::string& path,
                      const std::vector<Error>& errors, Patient& out) {
  const std::size_t errors_before = errors.size();
  auto identifiers = patient.array_of_objects("identifiers");
  if (identifiers.empty() && errors.size() == errors_before)
    patient.fail("identifiers", "at least one identifier is required");
  for (std::size_t i = 0; i < identifiers.size(); ++i) {
    auto& reader = identifiers[i];
    Identifier id;
    reader.required("system", id.system);
    reader.required("value", id.value);
    reader.finish();
    const std::string where = path + ".identifiers[" + std::to_string(i) + "]";
    if (id.system.empty() || id.value.empty()) {
      reader.fail_at(where, "system and value must not be empty");
      continue;
    }
    if (id.system == model::NhsNumber::system) {
      auto nhs = model::NhsNumber::parse(id.value);
      if (!nhs) {
        // The value itself is left out: messages never carry patient data.
        reader.fail_at(where + ".value", "not a valid NHS number: " + nhs.error().message());
        continue;
      }
      id.value = nhs->value();
    }
    out.identifiers.push_back(std::move(id));
  }
}

void read_records(config::ObjectReader& patient, const std::string& path,
                  const std::string& base_dir, const std::string& format,
                  std::map<std::string, std::string>& names, const std::vector<Error>& errors,
                  Patient& out) {
  std::vector<std::string> files;
  const std::size_t errors_before = errors.size();
  patient.required("records", files);
  if (files.empty() && errors.size() == errors_before)
    patient.fail("records", "at least one record file is required");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string where = path + ".records[" + std::to_string(i) + "]";
    Record record;
    record.path = resolve(base_dir, files[i]);
    record.name = fs::path(record.path).filename().string();
    std::error_code ec;
    if (!fs::is_regular_file(record.path, ec)) {
      patient.fail_at(where, "file not found: " + record.path);
      continue;
    }
    std::ifstream in(record.path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) {
      patient.fail_at(where, "cannot read " + record.path);
      continue;
    }
    record.contents = std::move(bytes).str();
    if (auto why = unreadable_as(format, record.contents); !why.empty()) {
      patient.fail_at(where, record.path + ": " + why);
      continue;
    }
    // The basename is the record's control id: two files of one name would be one message.
    if (auto [it, fresh] = names.emplace(record.name, where); !fresh) {
      patient.fail_at(where, "file name " + record.name + " is also " + it->second +
                                 "'s; control ids would clash");
      continue;
    }
    out.records.push_back(std::move(record));
  }
}

}  // namespace

std::size_t Dataset::record_count() const {
  std::size_t n = 0;
  for (const auto& p : patients) n += p.records.size();
  return n;
}

DatasetResult parse_dataset(std::string_view text, const std::string& file,
                            const std::string& base_dir) {
  auto source = config::JsonSource::parse(text, file);
  if (!source) return config::ConfigErrors({source.error()});
  std::vector<Error> errors;
  config::ObjectReader root(*source, source->document(), "", errors);
  Dataset dataset;
  dataset.file = file;
  const auto& doc = source->document();
  root.required("exchange", dataset.exchange);
  if (doc.HasMember("exchange") && doc["exchange"].IsString() && dataset.exchange.empty())
    root.fail("exchange", "must not be empty");
  root.required("format", dataset.format);
  const bool format_ok =
      std::ranges::find(kDatasetFormats, dataset.format) != std::end(kDatasetFormats);
  if (!dataset.format.empty() && !format_ok)
    root.fail("format", "must be one of hl7v2, cda, csv, fhir (got \"" + dataset.format + "\")");
  auto patients = root.array_of_objects("patients");
  if (!doc.HasMember("patients"))
    root.fail("patients", "is required");
  else if (doc["patients"].IsArray() && doc["patients"].Empty())
    root.fail("patients", "at least one patient is required");
  std::map<std::string, std::string> names;
  for (std::size_t i = 0; i < patients.size(); ++i) {
    const std::string path = "patients[" + std::to_string(i) + "]";
    Patient patient;
    read_identifiers(patients[i], path, errors, patient);
    // Records are checked against the format only when the format itself is right.
    read_records(patients[i], path, base_dir, format_ok ? dataset.format : "", names, errors,
                 patient);
    patients[i].finish();
    dataset.patients.push_back(std::move(patient));
  }
  root.finish();
  if (!errors.empty()) return config::ConfigErrors(std::move(errors));
  return dataset;
}

DatasetResult load_dataset(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return config::ConfigErrors(
        {make_error(Errc::not_found, "cannot open the dataset file", path)});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_dataset(text.str(), path, fs::path(path).parent_path().string());
}

}  // namespace hie::sim
