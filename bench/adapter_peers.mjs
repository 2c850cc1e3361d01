#!/usr/bin/env node
// Peer benchmark for the C-CDA and FHIR adapters, run by bench/run beside bench/adapters_bench.
//
//   node --import ./tests/fhir-validator/ws-preload.mjs bench/adapter_peers.mjs FILE... [--rounds 7]
//
// Per file: one untimed warm-up round, then R timed rounds; a round repeats the work until it has
// run for at least 300 ms and reports the mean time per document; the median round is printed.
// What is timed, per kind of file:
//   .xml   @medplum/ccda: convertCcdaToFhir(convertXmlToCcda(text))          -> "to_model"
//          the same + JSON.stringify of the Bundle it returns                 -> "to_fhir_json"
//   .json  no converter reads FHIR into another model, so the floor is shown:
//          JSON.parse(text)                                                  -> "to_model"
//          JSON.parse + JSON.stringify                                       -> "to_fhir_json"
// Output: one JSON object per (file, figure) on stdout; when the peer throws on a document, the
// object carries `error` (its first line) instead of times.
// @medplum/core 5 reads globalThis.WebSocket when it loads and Node 20 has none: hence the preload.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { convertCcdaToFhir, convertXmlToCcda } from '@medplum/ccda';

const args = process.argv.slice(2);
let rounds = 7;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rounds') rounds = Number(args[++i]);
  else files.push(args[i]);
}
if (files.length === 0 || !(rounds > 0)) {
  process.stderr.write('usage: node bench/adapter_peers.mjs FILE... [--rounds 7]\n');
  process.exit(2);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time_per_doc(work) {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    work();
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < 300);
  return elapsed / n;
}

function measure(file, peer, figure, bytes, work) {
  try {
    work();  // a peer that cannot read the document is reported, not timed
  } catch (e) {
    const reason = String(e?.message ?? e).split('\n')[0].slice(0, 160);
    process.stdout.write(JSON.stringify({ file: basename(file), peer, figure, error: reason }) + '\n');
    process.stderr.write(`${basename(file)} ${peer} ${figure}: fails: ${reason}\n`);
    return;
  }
  time_per_doc(work);  // warm-up round
  const per_round = [];
  for (let r = 0; r < rounds; r++) per_round.push(time_per_doc(work));
  const ms = median(per_round);
  const row = { file: basename(file), peer, figure, ms_per_doc: ms, docs_per_s: 1000 / ms, mb_s: bytes / 1e6 / (ms / 1000) };
  process.stdout.write(JSON.stringify(row) + '\n');
  process.stderr.write(`${row.file} ${peer} ${figure}: ${ms.toFixed(3)} ms/doc, ${row.mb_s.toFixed(1)} MB/s\n`);
}

for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const bytes = Buffer.byteLength(text);
  if (file.endsWith('.xml')) {
    measure(file, '@medplum/ccda', 'to_model', bytes, () => convertCcdaToFhir(convertXmlToCcda(text)));
    measure(file, '@medplum/ccda', 'to_fhir_json', bytes, () => JSON.stringify(convertCcdaToFhir(convertXmlToCcda(text))));
  } else {
    measure(file, 'JSON.parse (floor)', 'to_model', bytes, () => JSON.parse(text));
    measure(file, 'JSON.parse (floor)', 'to_fhir_json', bytes, () => JSON.stringify(JSON.parse(text)));
  }
}
