"""The crash test's and the soak's sections of bench/RESULTS.md, written from their summary.json.

A run records its section (bench/results_section.py) unless CI is set: CI's quick runs check,
they do not measure."""
import datetime
import os
import platform
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def build_kind(binary):
    """"Release" or "sanitized (ASan + UBSan)", from the CMake cache of the binary's build."""
    cache = os.path.join(os.path.dirname(os.path.dirname(binary)), "CMakeCache.txt")
    try:
        text = open(cache).read()
    except OSError:
        return "unknown build"
    if "HIE_SANITIZE:BOOL=ON" in text:
        return "sanitized (ASan + UBSan) build: memory figures are not the broker's own"
    for line in text.splitlines():
        if line.startswith("CMAKE_BUILD_TYPE:"):
            return line.split("=", 1)[1] + " build"
    return "unknown build"


def provenance(command, binary):
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True).stdout.strip()
    return (f"Run on {datetime.date.today().isoformat()}, commit `{rev}`, {os.cpu_count()} cores, "
            f"{platform.system()} {platform.release()}, {build_kind(binary)}: `{command}`.\n")


def crash_test_section(s, command):
    lines = ["## Crash safety: SIGKILL during ingest, translation and delivery\n",
             provenance(command, s["binary"]),
             "`scripts/crash-test` (docs/proof.md): MLLP senders send ADT^A01 admissions and record each control id "
             "as its AA arrives; MLLP subscribers record every delivery. Each round SIGKILLs the broker at a random "
             "moment aimed, in turn, at ingest, translation and delivery, and restarts it on the same SQLite store. "
             "After every kill and restart: `PRAGMA integrity_check`, every ACKed control id in the journal, one "
             "event per translated admission, each subscriber's delivery pending or delivered. At the end every "
             "subscriber must have every ACKed admission.\n",
             "| rounds | admissions ACKed | deliveries received / expected | duplicates (allowed: at least once) "
             "| missing | integrity_check ok | failed checks | seconds |",
             "|---|---|---|---|---|---|---|---|",
             f"| {s['rounds']} | {s['messages_acked']} | {s['deliveries_received']} / {s['deliveries_expected']} | "
             f"{s['duplicates']} | {s['missing']} | {s['integrity']} ({s['integrity_checks']} checks) | "
             f"{s['failed_checks']} | {s['seconds']:.0f} |"]
    return "\n".join(lines) + "\n"


def soak_section(s, command):
    q = s["queries"]
    growth = s["rss_growth_mib_per_hour"]
    lines = ["## Soak: mixed ingest, queries and events, resident memory each second\n",
             provenance(command, s["binary"]),
             f"`scripts/soak` (docs/proof.md): for {s['minutes']:g} minutes, {s['admission_rate']} admissions/s over "
             f"MLLP, each delivered to {s['subscribers']} MLLP subscribers, and {s['query_rate']} `$everything` "
             f"queries/s fanned out to {s['holders']} of {s['exchanges']} hie-sim peers, all at once. The broker's "
             f"VmRSS is read every second; growth is the least-squares slope after a {s['warmup_s']:.0f} s "
             "warm-up.\n",
             "| minutes | admissions ACKed | queries complete / incomplete / refused / failed | deliveries received "
             "/ expected | missing | RSS start / end / max MiB | RSS growth MiB/hour | store MiB |",
             "|---|---|---|---|---|---|---|---|",
             f"| {s['seconds'] / 60:.1f} | {s['messages_acked']} | {q['complete']} / {q['incomplete']} / "
             f"{q['refused']} / {q['failed']} | {s['deliveries_received']} / {s['deliveries_expected']} | "
             f"{s['missing']} | {s['rss_start_mib']} / {s['rss_end_mib']} / {s['rss_max_mib']} | "
             f"{growth if growth is not None else '—'} | {s['store_mib']} |"]
    return "\n".join(lines) + "\n"


def record(name, markdown):
    """Writes the section into bench/RESULTS.md, except in CI; says which it did."""
    if os.environ.get("CI"):
        print(f"{name}: CI is set, so bench/RESULTS.md is left as it was")
        return
    subprocess.run(["python3", os.path.join(ROOT, "bench", "results_section.py"), name], input=markdown,
                   text=True, check=True)
    print(f"{name}: recorded in bench/RESULTS.md")
