#!/usr/bin/env python3
"""Soak (issue 9): one broker under a steady, moderate mix for MINUTES: HL7 v2 admissions over
MLLP (each delivered as an event to MLLP subscribers, which the harness plays and which answer
AA) and shared-care-record queries to exchanges that answer live (hie-sim peers over WebSocket +
mTLS). The broker's RSS (VmRSS) is sampled every second beside the counts; the growth per hour
is the slope of a least-squares line through the samples after the warm-up.

usage: soak.py MINUTES --bin DIR [--work DIR] [--admission-rate 50] [--query-rate 20] ...
Writes WORK/samples.csv and WORK/summary.json and prints a short table. Exit 1 when an ACKed
admission is missing from the journal or a delivery is missing at the end, 2 when the harness
could not run."""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import threading
import time

from admission_feed import AdmissionLedger, Sender
from broker_process import Broker, BrokerError
from delivery_log import DeliveryLog, start_subscribers
from query_load import QueryClient, QueryTally, wait_until_complete
import results_markdown
import soak_setup
import store_check

SOURCE = "source"  # the MLLP listener's default exchange in bench/event_fanout_setup.py
NHS_BASE = 940000000  # the soak's own synthetic range (bench/ uses 900000000, crash test 920000000)
SENDERS = 2
QUERY_CLIENTS = 2


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("minutes", type=float, nargs="?", default=60)
    p.add_argument("--bin", required=True, help="folder holding hiebroker and hie-sim")
    p.add_argument("--work", help="working and results folder, emptied first (default: BIN/../soak)")
    p.add_argument("--admission-rate", type=float, default=50, help="admissions per second")
    p.add_argument("--query-rate", type=float, default=20, help="$everything queries per second")
    p.add_argument("--exchanges", type=int, default=6, help="hie-sim peers answering queries")
    p.add_argument("--holders", type=int, default=3, help="peers holding each queried patient")
    p.add_argument("--patients", type=int, default=12,
                   help="patients queried, in turn (one dev-token each, which takes a sanitized build a second)")
    p.add_argument("--subscribers", type=int, default=2, help="MLLP subscribers to admissions")
    p.add_argument("--latency-ms", type=int, default=0, help="how long each peer takes to answer")
    p.add_argument("--warmup-s", type=float,
                   help="samples left out of the growth (default: the larger of 30 s and 10%% of the run)")
    p.add_argument("--drain-timeout-s", type=float, default=60,
                   help="at the end, give up when nothing was delivered for this long")
    a = p.parse_args()
    if a.admission_rate <= 0 or a.query_rate <= 0 or a.minutes <= 0:
        p.error("MINUTES and the rates must be above 0 (a soak is paced, never flat out)")
    return a


def growth_per_hour(samples):
    """Least-squares slope of RSS over time, in MiB per hour; None with fewer than 2 samples."""
    if len(samples) < 2:
        return None
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_r = sum(r for _, r in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    if var == 0:
        return None
    slope_kib_per_s = sum((t - mean_t) * (r - mean_r) for t, r in samples) / var
    return slope_kib_per_s * 3600 / 1024


class Soak:
    def __init__(self, args, work):
        self.args, self.work = args, work
        hiebroker = os.path.join(args.bin, "hiebroker")
        self.config, self.peer_ids, nhs_numbers, subscribers = soak_setup.write_config(
            work, args.exchanges, args.holders, args.patients, args.subscribers)
        self.subscriber_ids = [s for s, _ in subscribers]
        self.patients = soak_setup.tokens(hiebroker, self.config, nhs_numbers, args.minutes * 60 + 600)
        self.broker = Broker(hiebroker, self.config, work)
        self.ledger = AdmissionLedger(os.path.join(work, "acked.txt"), "SK%d" % (int(time.time()) % 100000), NHS_BASE)
        self.log = DeliveryLog(work, len(subscribers))
        self.receivers = start_subscribers(self.log, [p for _, p in subscribers])
        self.queries = QueryTally()
        self.peers = []
        self.samples = []  # (seconds since the start, RSS KiB)
        self.delivery_states = {}  # read from the store at the end

    def start(self):
        ports = self.broker.start(["http", "https", "mllp"])
        self.peers = soak_setup.start_peers(os.path.join(self.args.bin, "hie-sim"), self.work, self.peer_ids,
                                            ports["https"], self.args.latency_ms)
        if not wait_until_complete(ports["http"], self.patients, self.args.holders, 120):
            raise BrokerError("the peers did not all answer within 120 s (see %s/sims.err)" % self.work)
        return ports

    def run_load(self, ports, seconds):
        """The steady mix for `seconds`, sampled every second into WORK/samples.csv."""
        stop = threading.Event()
        self.ledger.allow(10 ** 12)  # paced, not counted: the clock ends the run
        workers = [Sender(ports["mllp"], self.ledger, stop, self.args.admission_rate / SENDERS, reconnect=True)
                   for _ in range(SENDERS)]
        workers += [QueryClient(ports["http"], self.patients, self.args.holders, self.args.query_rate / QUERY_CLIENTS,
                                self.queries, stop, offset=i * len(self.patients) // QUERY_CLIENTS)
                    for i in range(QUERY_CLIENTS)]
        for w in workers:
            w.start()
        started = time.monotonic()
        with open(os.path.join(self.work, "samples.csv"), "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["seconds", "rss_kib", "acked", "queries_complete", "deliveries", "errors", "store_mib"])
            for second in range(1, int(seconds) + 1):
                time.sleep(max(0.0, started + second - time.monotonic()))
                rss = self.broker.rss_kib()
                if rss is None:
                    break  # the broker died: finish() says so
                self.samples.append((second, rss))
                out.writerow([second, rss, self.ledger.acked_count(), self.queries.counts()["complete"],
                              self.log.totals()[0], self.errors(), self.store_mib()])
                f.flush()
                if second % 60 == 0:
                    self.progress(second, rss)
        stop.set()
        for w in workers:
            w.join()
        return time.monotonic() - started

    def errors(self):
        """Everything that went wrong, as one number for the samples: refused or unanswered
        admissions, queries not answered in full, deliveries that were not ours."""
        q = self.queries.counts()
        return (sum(self.ledger.refusals.values()) + self.ledger.failures + q["incomplete"] + q["refused"]
                + q["failed"] + self.log.totals()[2])

    def store_mib(self):
        total = 0
        for suffix in ("", "-wal"):
            try:
                total += os.path.getsize(os.path.join(self.work, "broker.db" + suffix))
            except OSError:
                pass
        return round(total / 1048576, 1)

    def progress(self, second, rss):
        print("soak: %4d s  RSS %7.1f MiB  acked %d  queries %d  deliveries %d  errors %d"
              % (second, rss / 1024, self.ledger.acked_count(), self.queries.counts()["complete"],
                 self.log.totals()[0], self.errors()), flush=True)

    def finish(self, ports):
        """Resends what is in doubt, waits for every delivery, checks the store, stops
        everything; returns (problems found, missing deliveries)."""
        if self.broker.process.poll() is not None:
            return ["the broker exited with %d during the soak (see %s/broker.err)"
                    % (self.broker.process.returncode, self.work)], []
        problems = []
        self.ledger.withdraw()
        drain = Sender(ports["mllp"], self.ledger, threading.Event())
        drain.start()
        drain.join()
        acked, in_doubt = self.ledger.snapshot()
        if in_doubt:
            problems.append("%d admissions never ACKed: %s" % (len(in_doubt), " ".join(in_doubt[:20])))
        self.log.wait_for(acked, self.args.drain_timeout_s)
        missing = self.log.missing(acked)
        if missing:
            problems.append("%d deliveries missing: %s" % (len(missing), " ".join(
                "%s@%s" % (c, self.subscriber_ids[s]) for s, c in missing[:20])))
        problems += self.check_store(acked)
        soak_setup.stop_peers(self.peers)
        exit_code = self.broker.stop()
        if exit_code != 0:
            problems.append("the broker's exit on SIGTERM was %s, not 0" % exit_code)
        return problems, missing

    def check_store(self, acked):
        """Every ACKed admission journaled; every delivery settled as delivered."""
        problems = []
        db = os.path.join(self.work, "broker.db")
        journal = store_check.accepted_control_ids(db, SOURCE)
        lost = [c for c in acked if c not in journal]
        if lost:
            problems.append("%d ACKed admissions not in the journal: %s" % (len(lost), " ".join(lost[:20])))
        # A settlement is committed just after the subscriber's AA: give the last ones a moment.
        deadline = time.monotonic() + 10
        self.delivery_states = store_check.delivery_states(db)
        while set(self.delivery_states) - {"delivered"} and time.monotonic() < deadline:
            time.sleep(0.2)
            self.delivery_states = store_check.delivery_states(db)
        if set(self.delivery_states) - {"delivered"}:
            problems.append("deliveries not delivered at the end: %s" % self.delivery_states)
        return problems

    def close(self):
        soak_setup.stop_peers(self.peers)
        self.broker.kill()
        for r in self.receivers:
            r.close()
        self.ledger.close()
        self.log.close()


def summarize(args, soak, seconds, problems, missing):
    warmup = args.warmup_s if args.warmup_s is not None else max(30.0, 0.1 * seconds)
    measured = [(t, r) for t, r in soak.samples if t > warmup]
    rss = [r for _, r in measured]
    acked = soak.ledger.acked_count()
    distinct, duplicates, unmatched = soak.log.totals()
    growth = growth_per_hour(measured)
    return {
        "minutes": args.minutes, "seconds": round(seconds, 1), "warmup_s": warmup,
        "binary": os.path.abspath(os.path.join(args.bin, "hiebroker")),
        "admission_rate": args.admission_rate, "query_rate": args.query_rate, "exchanges": args.exchanges,
        "holders": args.holders, "subscribers": args.subscribers,
        "messages_acked": acked, "admission_refusals": soak.ledger.refusals, "sender_failures": soak.ledger.failures,
        "queries": soak.queries.counts(),
        "deliveries_expected": acked * args.subscribers, "deliveries_received": distinct, "duplicates": duplicates,
        "unmatched": unmatched, "missing": len(missing), "delivery_states": soak.delivery_states,
        "errors": soak.errors(),
        "rss_start_mib": round(rss[0] / 1024, 1) if rss else None,
        "rss_end_mib": round(rss[-1] / 1024, 1) if rss else None,
        "rss_max_mib": round(max(rss) / 1024, 1) if rss else None,
        "rss_growth_mib_per_hour": round(growth, 2) if growth is not None else None,
        "samples_after_warmup": len(measured), "store_mib": soak.store_mib(), "problems": problems,
    }


def print_table(s):
    q = s["queries"]
    rows = [
        ("duration", "%.0f s (warm-up %.0f s left out of the RSS figures)" % (s["seconds"], s["warmup_s"])),
        ("admissions ACKed", "%d (%.1f/s)" % (s["messages_acked"], s["messages_acked"] / max(1, s["seconds"]))),
        ("queries complete", "%d (%.1f/s); incomplete %d, refused %d, failed %d"
         % (q["complete"], q["complete"] / max(1, s["seconds"]), q["incomplete"], q["refused"], q["failed"])),
        ("deliveries", "%d of %d (%d duplicates), %d missing"
         % (s["deliveries_received"], s["deliveries_expected"], s["duplicates"], s["missing"])),
        ("errors", str(s["errors"])),
        ("RSS start / end / max", "%s / %s / %s MiB" % (s["rss_start_mib"], s["rss_end_mib"], s["rss_max_mib"])),
        ("RSS growth", "%s MiB/hour (least squares, %d samples)" % (s["rss_growth_mib_per_hour"],
                                                                     s["samples_after_warmup"])),
        ("store", "%s MiB" % s["store_mib"]),
    ]
    for name, value in rows:
        print("  %-22s %s" % (name, value))


def main():
    args = parse_args()
    work = os.path.abspath(args.work or os.path.join(args.bin, "..", "soak"))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    seconds = args.minutes * 60
    print("soak: %.0f s, %.0f admissions/s to %d MLLP subscribers, %.0f queries/s over %d peers, in %s"
          % (seconds, args.admission_rate, args.subscribers, args.query_rate, args.exchanges, work), flush=True)
    soak = None
    began = time.monotonic()
    try:
        soak = Soak(args, work)
        ports = soak.start()
        print("soak: broker, %d peers and %d subscribers ready after %.0f s; load starts"
              % (args.exchanges, args.subscribers, time.monotonic() - began), flush=True)
        ran = soak.run_load(ports, seconds)
        problems, missing = soak.finish(ports)
    except (BrokerError, OSError, subprocess.CalledProcessError) as e:
        print("soak: could not run: %s" % e, file=sys.stderr)
        return 2
    finally:
        if soak:
            soak.close()
    summary = summarize(args, soak, ran, problems, missing)
    with open(os.path.join(work, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("soak: results in %s (samples.csv, summary.json)" % work)
    print_table(summary)
    results_markdown.record("soak", results_markdown.soak_section(summary, "scripts/soak %g" % args.minutes))
    if problems:
        print("soak: FAILED")
        for p in problems:
            print("  " + p)
        return 1
    print("soak: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
