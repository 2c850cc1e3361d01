#pragma once
// A simulated exchange's dataset: which patients it holds, by which identifiers, and the record
// files it publishes and answers queries with. Loaded and validated once at start-up; no sockets.
//
//   {
//     "exchange": "valley-hie",
//     "format": "cda",                      // hl7v2 | cda | csv | fhir
//     "patients": [
//       { "identifiers": [ {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}
//       ],
//         "records": ["data/valley/ccd.xml"] }   // relative to the dataset file's folder
//     ]
//   }

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "broker/config/load_config.hpp"

namespace hie::sim {

/// The formats a dataset may be in: the broker's adapter names.
inline constexpr std::string_view kDatasetFormats[] = {"hl7v2", "cda", "csv", "fhir"};

struct Identifier {
  std::string system;
  std::string value;  ///< an NHS number is kept as its ten digits
  friend bool operator==(const Identifier&, const Identifier&) = default;
};

struct Record {
  std::string path;      ///< resolved against the dataset's folder
  std::string name;      ///< the file's basename: part of its control id, unique in the dataset
  std::string contents;  ///< the bytes as read
};

struct Patient {
  std::vector<Identifier> identifiers;  ///< given together: the same patient
  std::vector<Record> records;
};

struct Dataset {
  std::string file;  ///< as given, for messages
  std::string exchange;
  std::string format;
  std::vector<Patient> patients;

  std::size_t record_count() const;
};

/// Every problem found, each as `FILE:LINE: patients[2].records[0]: file not found: PATH`.
using DatasetResult = boost::system::result<Dataset, config::ConfigErrors>;

/// Parses `text` as read from `file`; record paths are resolved against `base_dir` and read.
/// Checks: exchange and format present (format one of kDatasetFormats), at least one patient,
/// each with at least one identifier and one record; NHS numbers valid (Modulus 11); record
/// files readable, with unique basenames, and readable as the format (an HL7 v2 file holds an
/// MSH, a FHIR file is a JSON object with a resourceType, a CSV file has a header line, a CDA
/// file a ClinicalDocument).
DatasetResult parse_dataset(std::string_view text, const std::string& file,
                            const std::string& base_dir);

/// Reads `path` and calls parse_dataset with the file's folder as base_dir.
DatasetResult load_dataset(const std::string& path);

}  // namespace hie::sim
