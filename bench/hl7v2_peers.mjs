#!/usr/bin/env node
// Peer benchmark: how fast do common Node HL7 v2 libraries parse a message and read PID-5.1?
//
//   node bench/hl7v2_peers.mjs FILE [--copies 5000] [--rounds 7]
//
// One message file is read, normalised (UTF-8 BOM stripped, segment terminators made CR, as all
// three libraries expect; hl7parser also wants no CR after the last segment, since it treats CR as
// a separator and throws "Segment must have a name." on the empty one) and copied N times with a distinct MSH-10 per copy, so no library can
// cache a result between copies. Per library: one untimed warm-up round, then R timed rounds; each
// round parses every copy and reads PID-5.1 (family name). Every value read is checked against
// PID-5.1 taken from the raw text by this script (delimiter escapes such as \T\ resolved); a
// library that returns a wrong value is reported as wrong, with no timing. Output: one JSON object per library on stdout, a human line on stderr.
//
// Peers and what is timed:
//   node-hl7-client  new Message({ text }) + get("PID.5.1").toString()
//   hl7parser        create(text) (lazy) + get("PID.5.1").toString()
//   @medplum/core    Hl7Message.parse(text) + getSegment("PID").getComponent(5, 1)
// All three split lazily: segments/fields are only split when first read.
// @medplum/core 5 reads globalThis.WebSocket when it loads and Node 20 has none, so the `ws`
// package is installed there first (as tests/fhir-validator/ws-preload.mjs does).

import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

function usage(message) {
  if (message) process.stderr.write(`error: ${message}\n`);
  process.stderr.write('usage: node bench/hl7v2_peers.mjs FILE [--copies 5000] [--rounds 7]\n');
  process.exit(2);
}

function parse_args(argv) {
  const args = { file: undefined, copies: 5000, rounds: 7 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--copies' || a === '--rounds') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) usage(`${a} needs a positive integer`);
      args[a.slice(2)] = v;
    } else if (a === '-h' || a === '--help') {
      usage();
    } else if (a.startsWith('-')) {
      usage(`unknown option ${a}`);
    } else if (args.file === undefined) {
      args.file = a;
    } else {
      usage(`unexpected argument ${a}`);
    }
  }
  if (args.file === undefined) usage('FILE is required');
  return args;
}

/** Strips a BOM and splits into segments on any line ending; notes say what was changed. */
function normalise(raw) {
  const notes = [];
  let text = raw;
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    notes.push('stripped UTF-8 BOM');
  }
  const crlf = (text.match(/\r\n/g) || []).length;
  const lf = (text.match(/\n/g) || []).length - crlf;
  const cr = (text.match(/\r/g) || []).length - crlf;
  const lines = text.split(/\r\n|\n|\r/);
  const segments = lines.filter((l) => l.length > 0);
  const blank = lines.length - segments.length - (text.length > 0 && /[\r\n]$/.test(text) ? 1 : 0);
  if (crlf > 0 || lf > 0) {
    notes.push(`segment terminators ${crlf} CRLF + ${lf} LF + ${cr} CR -> CR`);
  }
  if (blank > 0) notes.push(`dropped ${blank} blank line(s)`);
  // Trailing spaces are data as far as HL7 is concerned; count them but leave them.
  const trailing = segments.filter((s) => /[ \t]$/.test(s)).length;
  if (trailing > 0) notes.push(`kept trailing whitespace on ${trailing} segment(s)`);
  if (notes.length === 0) notes.push('none');
  return { segments, notes, ends_terminated: /[\r\n]$/.test(text) };
}

/**
 * PID-5.1 read by hand from the raw segment text (first repetition, first component), with the
 * delimiter escapes \F\ \S\ \T\ \R\ \E\ resolved, as HL7 v2 defines the value; other escapes
 * (\H\, \Xhh\, ...) are left as written.
 */
function expected_pid_5_1(segments) {
  const msh = segments[0];
  if (!msh.startsWith('MSH') || msh.length < 8) throw new Error('file does not start with MSH');
  const [field_sep, component_sep, repetition_sep, escape, subcomponent_sep] = msh.slice(3, 8);
  const pid = segments.find((s) => s.startsWith('PID' + field_sep));
  if (pid === undefined) throw new Error('no PID segment');
  const pid_5 = pid.split(field_sep)[5] ?? '';
  const raw = pid_5.split(repetition_sep)[0].split(component_sep)[0];
  const delimiters = {
    F: field_sep,
    S: component_sep,
    T: subcomponent_sep,
    R: repetition_sep,
    E: escape,
  };
  const e = escape.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return raw.replace(new RegExp(`${e}([FSTRE])${e}`, 'g'), (_, c) => delimiters[c]);
}

/**
 * N copies of the message, each with MSH-10 suffixed by its index; strings are flat, not ropes.
 * Segments are joined by CR, with a CR after the last one too when `trailing_cr`.
 */
function make_copies(segments, copies, trailing_cr) {
  const field_sep = segments[0][3];
  const msh_fields = segments[0].split(field_sep);
  // split() puts MSH-1 (the separator) between parts, so MSH-n is msh_fields[n - 1] for n >= 2.
  while (msh_fields.length < 10) msh_fields.push('');
  const control_id = msh_fields[9];
  const rest = segments.slice(1).map((s) => '\r' + s).join('') + (trailing_cr ? '\r' : '');
  const out = new Array(copies);
  let bytes = 0;
  for (let i = 0; i < copies; i++) {
    msh_fields[9] = `${control_id}-${i}`;
    const text = msh_fields.join(field_sep) + rest;
    const buf = Buffer.from(text, 'utf8');
    bytes += buf.length;
    out[i] = buf.toString('utf8');
  }
  return { copies: out, bytes };
}

function package_version(name) {
  try {
    let dir = dirname(require.resolve(name));
    while (true) {
      const candidate = join(dir, 'package.json');
      if (existsSync(candidate)) {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8'));
        if (pkg.name === name) return pkg.version;
      }
      const up = dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
  } catch {
    return 'unknown';
  }
}

/**
 * Each peer: load() returns a function text -> PID-5.1 string; trailing_cr says whether the
 * library takes CR as a segment terminator (true) or only as a separator (false).
 */
const peers = [
  {
    library: 'node-hl7-client',
    trailing_cr: true,
    load: async () => {
      const { Message } = await import('node-hl7-client');
      return (text) => new Message({ text }).get('PID.5.1').toString();
    },
  },
  {
    library: 'hl7parser',
    trailing_cr: false,
    load: async () => {
      const hl7parser = require('hl7parser');
      return (text) => hl7parser.create(text).get('PID.5.1').toString();
    },
  },
  {
    library: '@medplum/core',
    trailing_cr: true,
    load: async () => {
      if (typeof globalThis.WebSocket === 'undefined') {
        globalThis.WebSocket = (await import('ws')).default;
      }
      const { Hl7Message } = await import('@medplum/core');
      return (text) => Hl7Message.parse(text).getSegment('PID')?.getComponent(5, 1);
    },
  },
];

/** One round: parse every copy; returns elapsed ns and the first wrong value, if any. */
function run_round(read_pid_5_1, copies, expected) {
  let wrong;
  let wrong_count = 0;
  const start = performance.now();
  for (let i = 0; i < copies.length; i++) {
    const value = read_pid_5_1(copies[i]);
    if (value !== expected) {
      wrong_count++;
      if (wrong === undefined) wrong = { copy: i, value };
    }
  }
  const elapsed_ns = (performance.now() - start) * 1e6;
  return { elapsed_ns, wrong, wrong_count };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const args = parse_args(process.argv.slice(2));
  const raw = readFileSync(args.file, 'utf8');
  const { segments, notes: file_notes, ends_terminated } = normalise(raw);
  const expected = expected_pid_5_1(segments);
  process.stderr.write(
    `${args.file}: ${segments.length} segments, expected PID-5.1 ${JSON.stringify(expected)}; ` +
      `normalised: ${file_notes.join('; ')}\n`,
  );

  let failures = 0;
  for (const peer of peers) {
    const notes = file_notes.filter((n) => n !== 'none');
    if (peer.trailing_cr && !ends_terminated) notes.push('CR added after last segment');
    if (!peer.trailing_cr) {
      notes.push(
        ends_terminated
          ? "file's terminator after last segment dropped (library takes CR as separator)"
          : 'no CR after last segment (library takes CR as separator)',
      );
    }
    if (notes.length === 0) notes.push('none');
    const { copies, bytes } = make_copies(segments, args.copies, peer.trailing_cr);
    const base = {
      library: peer.library,
      version: package_version(peer.library),
      file: args.file,
      copies: args.copies,
      rounds: args.rounds,
      normalised: notes,
    };
    const report = (fields) => process.stdout.write(JSON.stringify({ ...base, ...fields }) + '\n');

    let read_pid_5_1;
    try {
      read_pid_5_1 = await peer.load();
    } catch (err) {
      failures++;
      report({ error: `load failed: ${err.message}` });
      process.stderr.write(`${peer.library}: could not load: ${err.message}\n`);
      continue;
    }

    let first;
    try {
      first = read_pid_5_1(copies[0]);
    } catch (err) {
      failures++;
      report({ error: `parse threw: ${err.message}` });
      process.stderr.write(`${peer.library}: parse threw: ${err.message}\n`);
      continue;
    }

    const times = [];
    let outcome;
    try {
      for (let round = 0; round <= args.rounds; round++) {
        if (globalThis.gc) globalThis.gc();
        outcome = run_round(read_pid_5_1, copies, expected);
        if (outcome.wrong_count > 0) break;
        if (round > 0) times.push(outcome.elapsed_ns); // round 0 is the warm-up
      }
    } catch (err) {
      failures++;
      report({ pid_5_1: first, error: `parse threw: ${err.message}` });
      process.stderr.write(`${peer.library}: parse threw: ${err.message}\n`);
      continue;
    }
    if (outcome.wrong_count > 0) {
      failures++;
      report({
        pid_5_1: outcome.wrong.value ?? null,
        expected_pid_5_1: expected,
        error: `wrong PID-5.1 on ${outcome.wrong_count} of ${copies.length} copies (first: copy ${outcome.wrong.copy})`,
      });
      process.stderr.write(
        `${peer.library}: WRONG PID-5.1 ${JSON.stringify(outcome.wrong.value)}, ` +
          `expected ${JSON.stringify(expected)}; not timed\n`,
      );
      continue;
    }

    const ns_per_msg = median(times) / copies.length;
    const result = {
      median_ns_per_msg: Math.round(ns_per_msg),
      msgs_per_s: Math.round(1e9 / ns_per_msg),
      mb_per_s: Number(((bytes / copies.length) * (1e9 / ns_per_msg) / 1e6).toFixed(2)),
      pid_5_1: first,
      bytes_per_msg: Math.round(bytes / copies.length),
    };
    report(result);
    process.stderr.write(
      `${peer.library.padEnd(16)} ${base.version.padEnd(8)} ` +
        `${String(result.median_ns_per_msg).padStart(8)} ns/msg ` +
        `${String(result.msgs_per_s).padStart(9)} msg/s ${String(result.mb_per_s).padStart(8)} MB/s ` +
        `PID-5.1=${JSON.stringify(first)}\n`,
    );
  }
  process.exitCode = failures > 0 ? 1 : 0;
}

await main();
