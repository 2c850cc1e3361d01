#!/usr/bin/env python3
"""Turns the raw results of bench/run into bench/RESULTS.md (markdown on stdout)."""
import datetime
import glob
import io
import json
import os
import platform
import subprocess
import sys

results = sys.argv[1]


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


ours = {}
with open(os.path.join(results, "hiebroker.json")) as f:
    data = json.load(f)
for b in data["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    name = b["run_name"]
    kind, sample = name.split("/", 1)
    ns = b["real_time"] * {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]
    ours[(kind, sample)] = {"ns": ns, "mb_s": b.get("bytes_per_second", 0) / 1e6}

peers = {}
for path in sorted(glob.glob(os.path.join(results, "peers-*.jsonl"))):
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        row = json.loads(line)
        sample = os.path.basename(row["file"])
        peers.setdefault(sample, []).append(row)

rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
print("# Benchmark results\n")
print(f"Produced by `bench/run` on {datetime.date.today().isoformat()}, commit `{rev}`, "
      f"{os.cpu_count()} cores ({cpu_model()}), {platform.system()} {platform.release()}.")
print("The machine is shared and noisy: every figure is the median of 7 repetitions (hiebroker, "
      "Google Benchmark) or of 7 timed rounds after one warm-up (Node peers), all in the same run.\n")
# Each comparison with a peer adds one row here as its section is written; the table is printed
# first, so the body goes to a buffer until then.
glance = []  # (comparison, hiebroker, peer, ratio)
header, sys.stdout = sys.stdout, io.StringIO()
print("## HL7 v2: parse a message and read PID-5.1, one core\n")
print("Each side parses 5,000 distinct copies of the same message (MSH-10 differs) and reads the "
      "patient's family name. hiebroker is measured twice. *Lazy*: the parse finds and checks every "
      "segment, fields are split the first time a segment is read, and PID-5.1 is decoded (escapes, "
      "character set), as the Node parsers split on access. *Full*: the same, then every field of every "
      "segment is read, so the whole message is split. Ratio = peer time / hiebroker time.\n")
print("| message | bytes | peer | peer ns/msg | hiebroker lazy ns/msg | ratio lazy | hiebroker full ns/msg | ratio full |")
print("|---|---|---|---|---|---|---|---|")
for sample, rows in sorted(peers.items()):
    lazy = ours.get(("hl7v2_parse", sample))
    full = ours.get(("hl7v2_full_parse", sample))
    if not lazy or not full:
        continue
    for row in rows:
        peer_ns = row.get("median_ns_per_msg")
        if not peer_ns:
            continue
        print(f"| {sample} | {row.get('bytes_per_msg', '')} | {row['library']} {row.get('version', '')} | "
              f"{peer_ns:.0f} | {lazy['ns']:.0f} | {peer_ns / lazy['ns']:.1f}x | {full['ns']:.0f} | "
              f"{peer_ns / full['ns']:.1f}x |")
print("\n## HL7 v2 → FHIR R4 JSON, one core\n")
print("Split, parse, map to the model (with the report of everything not mapped), and serialise the "
      "collection Bundle with its OperationOutcome. Target: under 10 µs per ADT message.\n")
print("No peer column: no HL7 v2 → FHIR converter can run on this machine. Microsoft's FHIR-Converter "
      "(whose output for the same samples is compared by resource counts and key values in `docs/adapters.md` §3) is a .NET tool, "
      "in neither Debian nor npm; npm's `fhir-converter` converts lifestyle data, not HL7 v2; and the "
      "HL7 v2 packages of the table above (`node-hl7-client`, `hl7parser`, `@medplum/core`, and "
      "`@medplum/hl7`) parse and write messages but do not map them to FHIR. The parse table above is "
      "the nearest side-by-side figure.\n")
print("| message | µs/msg | msgs/s | MB/s |")
print("|---|---|---|---|")
for (kind, sample), v in sorted(ours.items()):
    if kind != "hl7v2_to_fhir_json":
        continue
    print(f"| {sample} | {v['ns'] / 1000:.1f} | {1e9 / v['ns']:.0f} | {v['mb_s']:.0f} |")
targets = []
for lib, wanted in (("node-hl7-client", 50.0), ("hl7parser", 5.0)):
    for kind, label in (("hl7v2_parse", "lazy"), ("hl7v2_full_parse", "full")):
        ratios = []
        for sample, rows in peers.items():
            mine = ours.get((kind, sample))
            for row in rows:
                if mine and row["library"] == lib and row.get("median_ns_per_msg"):
                    ratios.append(row["median_ns_per_msg"] / mine["ns"])
        if ratios:
            got = f"{min(ratios):.1f}x to {max(ratios):.1f}x"
            targets.append((f"parse ({label}) at least {wanted:g}x faster than {lib}", got,
                            "met" if min(ratios) >= wanted else "NOT met"))
for lib in sorted({row["library"] for rows in peers.values() for row in rows}):
    for kind, label in (("hl7v2_parse", "lazy"), ("hl7v2_full_parse", "full")):
        pairs = [(row["median_ns_per_msg"], ours[(kind, sample)]["ns"]) for sample, rows in peers.items()
                 for row in rows if row["library"] == lib and row.get("median_ns_per_msg") and (kind, sample) in ours]
        if pairs:
            ratios = [theirs / mine for theirs, mine in pairs]
            glance.append((f"HL7 v2 parse + read PID-5.1 ({label}), {len(pairs)} messages",
                           f"{min(m for _, m in pairs):.0f}–{max(m for _, m in pairs):.0f} ns/msg",
                           f"{lib}: {min(t for t, _ in pairs):.0f}–{max(t for t, _ in pairs):.0f} ns/msg",
                           f"{min(ratios):.1f}× to {max(ratios):.1f}×"))
adt = ours.get(("hl7v2_to_fhir_json", "ADT01-23.hl7"))
if adt:
    targets.append(("ADT parse + translate + serialise under 10 µs", f"{adt['ns'] / 1000:.1f} µs",
                    "met" if adt["ns"] < 10000 else "NOT met"))
print("\n## Targets (issue 3)\n")
print("| target | measured | verdict |")
print("|---|---|---|")
for name, got, verdict in targets:
    print(f"| {name} | {got} | {verdict} |")


def read_runs(name):
    """The JSON lines of one benchmark's runs, or nothing when it did not run."""
    path = os.path.join(results, name)
    return [json.loads(l) for l in open(path) if l.startswith("{")] if os.path.exists(path) else []


def by_group_median(runs, group, key):
    """(group value, median run by `key`, all runs of the group), for each group in order."""
    for value in sorted({r[group] for r in runs}):
        rows = sorted((r for r in runs if r[group] == value), key=key)
        yield value, rows[len(rows) // 2], rows


adapters_path = os.path.join(results, "adapters.json")
if os.path.exists(adapters_path):
    mine = {}
    for b in json.load(open(adapters_path))["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        kind, sample = b["run_name"].split("/", 1)
        fmt, figure = kind.split("_", 1)
        ms = b["real_time"] * {"ns": 1e-6, "us": 1e-3, "ms": 1}[b["time_unit"]]
        mine[(sample, figure)] = {"format": fmt, "ms": ms, "mb_s": b.get("bytes_per_second", 0) / 1e6}
    theirs = {(r["file"], r["figure"]): r for r in read_runs("adapter-peers.jsonl")}
    print("\n## C-CDA and FHIR documents, one core\n")
    print("*to model*: the document read into the common model, as the broker's translator does with every "
          "message. *to FHIR JSON*: the same, then the collection Bundle written out, as `hiebroker translate` "
          "does. The C-CDA peer is Medplum's converter (`@medplum/ccda`, `convertCcdaToFhir(convertXmlToCcda"
          "(xml))`, plus `JSON.stringify` for the second figure). No converter reads FHIR into another model, "
          "so the FHIR rows show `JSON.parse` (and `JSON.stringify`) as a floor, not a peer. hiebroker: "
          "median of 7 Google Benchmark repetitions; Node: median of 7 rounds of at least 300 ms, after one "
          "warm-up. Ratio = peer time / hiebroker time.\n")
    print("| document | format | figure | hiebroker ms/doc | docs/s | MB/s | peer | peer ms/doc | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (sample, figure), row in sorted(mine.items(), key=lambda kv: (kv[1]["format"], kv[0])):
        peer = theirs.get((sample, figure))
        if not peer:
            peer_cells = "— | — | —"
        elif "error" in peer:
            peer_cells = f"{peer['peer']} | fails: {peer['error']} | —"
        else:
            peer_cells = f"{peer['peer']} | {peer['ms_per_doc']:.3f} | {peer['ms_per_doc'] / row['ms']:.1f}×"
            if row["format"] == "cda":
                glance.append((f"C-CDA {sample} {figure.replace('_', ' ')}", f"{row['ms']:.3f} ms",
                               f"{peer['peer']}: {peer['ms_per_doc']:.3f} ms", f"{peer['ms_per_doc'] / row['ms']:.1f}×"))
        print(f"| {sample} | {row['format']} | {figure.replace('_', ' ')} | {row['ms']:.3f} | "
              f"{1000 / row['ms']:.0f} | {row['mb_s']:.1f} | {peer_cells} |")

runs = read_runs("ingest.jsonl")
if runs:
    fs = open(os.path.join(results, "ingest-filesystem.txt")).read().strip()
    print("\n## Durable MLLP ingest, one broker process\n")
    print("`hiebench mllp` runs N concurrent senders against the Release broker (`config/demo.json`, "
          f"SQLite store on a `{fs}` file system, WAL with synchronous=FULL, group commit). Each sender "
          "sends ADT^A08 messages one after another and waits for each ACK, as MLLP senders do; an ACK "
          "comes only after the message is committed. Median of 3 runs per row (by messages/s); the "
          "broker and the senders share the machine's 2 cores.\n")
    print("| senders | messages per run | accepted msgs/s | ACK p50 ms | ACK p99 ms | failed or refused |")
    print("|---|---|---|---|---|---|")
    for senders, mid, rows in by_group_median(runs, "senders", lambda r: r["messages_per_second"]):
        bad = sum(r["failed"] + r["refused"] for r in rows)
        print(f"| {senders} | {mid['sent']} | {mid['messages_per_second']:.0f} | {mid['p50_ms']:.2f} | "
              f"{mid['p99_ms']:.2f} | {bad} |")
runs = read_runs("peer-publish.jsonl")
if runs:
    print("\n## Durable publish over /peer, one broker process\n")
    print("`hie-sim peer` publishes a `config/sim` dataset N times over WebSocket + mutual TLS to the "
          "Release broker, up to 32 publishes in flight, each acknowledged only after its commit (same "
          "store settings as above; a fresh broker and store per run). Wall time of the whole hie-sim run "
          "(connect, TLS, hello included). Median of 3 runs by time."
          " No outside peer speaks this protocol, so there is no comparison "
          "column; the MLLP rows above are the nearest yardstick.\n")
    print("| dataset | messages per run | avg payload | acked msgs/s | MB/s | nacked |")
    print("|---|---|---|---|---|---|")
    for name, mid, rows in by_group_median(runs, "dataset", lambda r: r["seconds"]):
        summary = mid["summary"]
        files = summary["published"] // mid["repeat"]
        avg = mid["dataset_bytes"] / max(files, 1)
        nacked = sum(sum(r["summary"].get("nacked", {}).values()) for r in rows)
        rate = summary["acked"] / mid["seconds"]
        print(f"| {name} ({files} files × {mid['repeat']}) | {summary['published']} | {avg / 1024:.1f} KiB | "
              f"{rate:.0f} | {rate * avg / 1e6:.1f} | {nacked} |")
runs = read_runs("query-fanout.jsonl")
if runs:
    print("\n## Shared-care-record queries: fan-out, merge, audit\n")
    print("`bench/query_fanout`: the Release broker with 30 exchanges, each an `hie-sim peer` over WebSocket + "
          "mutual TLS answering every query after a fixed delay L (`--latency-ms`); 60 patients, each held by "
          "exactly 3 exchanges (announced to the record locator). `hiebench queries` asks "
          "`GET /fhir/Patient/{nhs}/$everything` from 8 keep-alive clients with each patient's development "
          "token: token check (cached), record locator, consent read, fan-out to the 3 holders, translation "
          "of 3 FHIR answers, merge, searchset, and a durable AuditEvent before each answer. Every answer is "
          "checked to name all 3 exchanges. *Overhead* = p50 − L: what the broker adds to the slowest peer. "
          "Median of 3 runs of 2,000 queries by queries/s; the broker, the 30 peers and the clients share the "
          "machine's 2 cores. No peer broker in this run: the comparison is with L itself.\n")
    print("| peer delay L | queries/s | p50 ms | p99 ms | overhead p50 − L | incomplete, refused or failed |")
    print("|---|---|---|---|---|---|")
    for latency, mid, rows in by_group_median(runs, "latency_ms", lambda r: r["result"]["queries_per_second"]):
        r = mid["result"]
        bad = sum(x["result"]["incomplete"] + x["result"]["refused"] + x["result"]["failed"] for x in rows)
        print(f"| {latency} ms | {r['queries_per_second']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
              f"{r['p50_ms'] - latency:.2f} ms | {bad} |")
runs = read_runs("event-fanout.jsonl")
if runs:
    fs_path = os.path.join(results, "event-fanout-filesystem.txt")
    fs = open(fs_path).read().strip() if os.path.exists(fs_path) else "local"
    print("\n## Event fan-out: admissions delivered to 10 subscribers\n")
    print("`bench/event_fanout`: the Release broker with one source exchange (HL7 v2 over MLLP) and 10 subscriber "
          "exchanges (HL7 v2, `transport` `mllp`, each subscribed to `admission` for all patients). `hiebench "
          "events` is both ends: 4 senders send ADT^A01 admissions, each for its own patient, to the broker's MLLP "
          "listener and wait for each ACK; 10 MLLP receivers, one per subscriber's `mllp_delivery`, answer every "
          "delivery with MSA-1 AA. Each admission is journaled (ACK), translated, its `admission` event and 10 "
          "deliveries committed together, rendered as an ADT^A01 per subscriber, sent over the broker's MLLP "
          "client (one message in flight per subscriber) and settled durably on the AA before that subscriber's "
          f"next delivery (SQLite on a `{fs}` file system, synchronous=FULL). *Latency*: from the sender writing "
          "the source message to a subscriber reading its delivery (matched by the patient identifier, which "
          "survives into PID-3). *Rate 0*: a burst of admissions as fast as the broker ACKs them, so deliveries/s "
          "is the most it delivers and the latency is mostly time queued behind the burst; a paced rate below "
          "that shows the latency of a broker keeping up. *events/s*: admissions that reached all 10 subscribers, "
          "per second from the first send to the last delivery. *Failed*: deliveries missing after the broker "
          "sent nothing for 30 s, plus admissions not ACKed, over the 3 runs. A fresh broker and store per run; "
          "median of 3 runs by deliveries/s (a paced run's rate is the offered one, so its latencies are shown "
          "for all 3 runs too); the broker and hiebench share the machine's 2 cores. No outside broker that "
          "does this runs here, so there is no comparison column: Mirth Connect (NextGen Connect) is in neither "
          "Debian nor npm, and OpenHIM core (npm `openhim-core`) needs a MongoDB server, which Debian does not "
          "ship and which cannot be downloaded here.\n")
    print("| subscribers | offered admissions/s | admissions per run | deliveries/s | events/s | p50 ms | p99 ms "
          "| p50 / p99 ms of the 3 runs | failed | duplicates |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for rate, mid, rows in by_group_median(runs, "rate", lambda r: r["result"]["deliveries_per_second"]):
        r = mid["result"]
        failed = sum(x["result"]["missing"] + x["result"]["ingest_failed"] for x in rows)
        duplicates = sum(x["result"]["duplicates"] for x in rows)
        offered = "burst" if rate == 0 else f"{rate}"
        spread = ", ".join(f"{x['result']['p50_ms']:.1f} / {x['result']['p99_ms']:.1f}"
                           for x in sorted(rows, key=lambda x: x["result"]["p99_ms"]))
        print(f"| {mid['subscribers']} | {offered} | {r['sent']} | {r['deliveries_per_second']:.0f} | "
              f"{r['events_per_second']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {spread} | {failed} | "
              f"{duplicates} |")
runs = read_runs("http-floor.jsonl")
if runs:
    print("\n## HTTP floor: /healthz against nginx serving a static file\n")
    first = runs[0]
    print(f"`bench/http_floor`: the Release broker's `GET /healthz` (routing, the handler, a 3-byte text "
          f"answer; logging at warn) against {first['nginx_version']} (Debian nginx-light) serving a static file "
          f"of the same 3 bytes, no access log. Both with 2 worker threads (broker `threads` 2) or processes "
          f"(nginx `worker_processes 2`), keep-alive, and both driven by the same command, `wrk -t2 "
          f"-c{first['connections']} -d{first['duration']} --latency` (wrk {first['wrk_version']}), rounds "
          f"alternating between the two after a 2 s warm-up each. wrk shares the machine's 2 cores with the "
          f"server, so these are floors of a loaded 2-core machine, not of the server alone. Median of "
          f"{len(runs) // 2} rounds by requests/s. Ratio = hiebroker / nginx.\n")
    print("| server | requests/s | p50 ms | p90 ms | p99 ms | errors or non-2xx (all rounds) |")
    print("|---|---|---|---|---|---|")
    medians = {}
    for server, mid, rows in by_group_median(runs, "server", lambda r: r["requests_per_second"]):
        medians[server] = mid
        bad = sum(r["socket_errors"] + r["non_2xx"] for r in rows)
        print(f"| {server} | {mid['requests_per_second']:.0f} | {mid['p50_ms']:.2f} | {mid['p90_ms']:.2f} | "
              f"{mid['p99_ms']:.2f} | {bad} |")
    if "hiebroker" in medians and "nginx" in medians:
        ours_rps, theirs_rps = medians["hiebroker"]["requests_per_second"], medians["nginx"]["requests_per_second"]
        print(f"\nhiebroker / nginx: {ours_rps / theirs_rps:.2f}× the requests per second.")
        glance.append(("`GET /healthz`, wrk, 2 threads each", f"{ours_rps:.0f} req/s",
                       f"nginx static file: {theirs_rps:.0f} req/s", f"{ours_rps / theirs_rps:.2f}×"))
runs = read_runs("idle-connections.jsonl")
if runs:
    print("\n## Memory per idle connection, 10,000 held\n")
    print("`bench/idle_connections.py` (run by `bench/http_floor`, on the same two servers): opens 10,000 "
          "TCP connections one after another, sends `GET /healthz` on each and reads the answer, then holds them "
          "all open, idle, with keep-alive (broker `limits.idle_timeout_ms` and nginx `keepalive_timeout` both "
          "600 s). Resident memory (VmRSS; nginx: master and workers summed) is read before the first connection "
          "and 2 s after the last; the difference over 10,000 is the cost of one idle connection. Before closing, "
          "every 100th connection asks again, to show the server still held it. One run each.\n")
    print("| server | connections | RSS before MiB | RSS with all held MiB | per connection KiB | probed alive |")
    print("|---|---|---|---|---|---|")
    per = {}
    for row in runs:
        r = row["result"]
        per[row["server"]] = r["bytes_per_connection"]
        print(f"| {row['server']} | {r['connections']} | {r['rss_before_kib'] / 1024:.1f} | "
              f"{r['rss_after_kib'] / 1024:.1f} | {r['bytes_per_connection'] / 1024:.2f} | "
              f"{r['alive']} / {r['probed']} |")
    if "hiebroker" in per and "nginx" in per:
        glance.append(("Memory per idle keep-alive connection, 10,000 held", f"{per['hiebroker'] / 1024:.2f} KiB",
                       f"nginx: {per['nginx'] / 1024:.2f} KiB", f"{per['nginx'] / per['hiebroker']:.2f}×"))
print("\n## Commands\n")
print("```\nbench/run\n# which runs:\nbuild-bench/bench/hl7v2_bench --benchmark_repetitions=7 "
      "--benchmark_report_aggregates_only=true --benchmark_format=json\n"
      "node bench/hl7v2_peers.mjs tests/data/hl7v2/<sample> --copies 5000 --rounds 7\n"
      "build-bench/bench/adapters_bench --benchmark_repetitions=7 --benchmark_report_aggregates_only=true "
      "--benchmark_format=json\n"
      "node --import ./tests/fhir-validator/ws-preload.mjs bench/adapter_peers.mjs --rounds 7 <the same documents>\n"
      "build-bench/bin/hiebroker serve --config config/demo.json --set listeners.mllp.port=0 --set store.sqlite.path=...\n"
      "build-bench/bin/hiebench mllp --port PORT --senders N --messages M   # N = 1, 8, 32; 3 runs each\n"
      "build-bench/bin/hie-sim peer --url wss://127.0.0.1:PORT/peer --dataset config/sim/city.json --repeat 2000 \\\n"
      "    --exit-after-publish --no-announce --cert ... --key ... --ca ...   # and valley.json --repeat 400\n"
      "bench/query_fanout build-bench RESULTS 0 50   # 30 hie-sim peers (--latency-ms L), then 3 runs of:\n"
      "build-bench/bin/hiebench queries --port PORT --tokens TOKENS --clients 8 --queries 2000 --expect-sources 3\n"
      "bench/event_fanout build-bench RESULTS 0 100 200   # for each rate R, 3 runs, each on a fresh broker, of:\n"
      "build-bench/bin/hiebench events --port PORT --subscriber-ports P1,...,P10 --senders 4 --events N --rate R\n"
      "    # N = 2000 for R = 0, else 10 × R\n"
      "bench/http_floor build-bench RESULTS 3   # hiebroker (threads=2) and nginx (2 workers), alternating:\n"
      "wrk -t2 -c64 -d10s --latency http://127.0.0.1:PORT/healthz\n"
      "python3 bench/idle_connections.py --port PORT --pids PIDS --connections 10000   # each server\n```")
body, sys.stdout = sys.stdout.getvalue(), header
if glance:
    print("## At a glance\n")
    print("Every comparison of this run, each measured on this machine in this run. Ratio = how many times "
          "faster (or, for memory, smaller) hiebroker is; below 1 it is slower. The sections below say how "
          "each figure was measured.\n")
    print("| comparison | hiebroker | peer | ratio |")
    print("|---|---|---|---|")
    for row in glance:
        print("| " + " | ".join(row) + " |")
    print()
print(body, end="")
