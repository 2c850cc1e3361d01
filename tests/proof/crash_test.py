#!/usr/bin/env python3
"""Crash test (issue 9): SIGKILLs the broker at random moments during ingest, translation and
delivery, restarts it on the same store, and checks after every kill and every restart that
nothing it promised was lost: every ACKed admission is in the journal, each one translated has
its admission event, every subscriber's delivery of it is delivered or pending (never missing,
never a dead letter), and PRAGMA integrity_check says ok. At the end the broker drains and every
subscriber must have received every ACKed admission at least once (copies are allowed: delivery
is at least once, and a kill during delivery repeats what was in flight).

The harness plays both ends: MLLP senders of ADT^A01 admissions (one patient each, unique
MSH-10) and the subscribers' MLLP receivers, which answer AA. Output names control ids only.

usage: crash_test.py --bin DIR [--rounds 20] [--work DIR] [--burst 400] [--senders 4]
                     [--subscribers 2] [--seed N]
Writes WORK/summary.json; exit 1 when a check failed, 2 when the harness could not run."""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time

from admission_feed import AdmissionLedger, Sender
from broker_process import Broker, BrokerError
from delivery_log import DeliveryLog, start_subscribers
import results_markdown
import store_check

SOURCE = "source"  # the MLLP listener's default exchange in bench/event_fanout_setup.py
# Each round aims its kill at one of these, in turn; where it landed is read from the store.
PHASES = ("ingest", "translation", "delivery")
NHS_BASE = 920000000  # the crash test's own synthetic range (bench/ uses 900000000)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bin", required=True, help="folder holding hiebroker")
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--work", help="working folder, emptied first (default: BIN/../crash-test)")
    p.add_argument("--burst", type=int, default=400, help="new admissions per round")
    p.add_argument("--senders", type=int, default=4, help="concurrent MLLP sender connections")
    p.add_argument("--subscribers", type=int, default=2, help="MLLP subscriber exchanges")
    p.add_argument("--seed", type=int, help="random seed (default: from the clock; printed)")
    p.add_argument("--drain-timeout-s", type=float, default=60,
                   help="at the end, give up when nothing was delivered for this long")
    return p.parse_args()


def prepare(args):
    """The working folder and the broker's config: bench/event_fanout_setup.py writes it (one
    MLLP source, N MLLP subscribers to admissions). Returns (the folder, the config's path,
    the subscribers as [(exchange id, port)])."""
    work = os.path.abspath(args.work or os.path.join(args.bin, "..", "crash-test"))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    setup = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "event_fanout_setup.py")
    subprocess.run([sys.executable, setup, work, "--subscribers", str(args.subscribers)],
                   check=True, stdout=subprocess.DEVNULL)
    config = os.path.join(work, "broker.json")
    with open(config) as f:
        exchanges = json.load(f)["exchanges"]
    subscribers = [(e["id"], e["mllp_delivery"]["port"]) for e in exchanges if "mllp_delivery" in e]
    return work, config, subscribers


class CrashTest:
    def __init__(self, args, work, config, subscribers):
        self.args, self.work = args, work
        self.subscriber_ids = [s for s, _ in subscribers]
        self.db = os.path.join(work, "broker.db")
        self.random = random.Random(args.seed)
        self.broker = Broker(os.path.join(args.bin, "hiebroker"), config, work)
        tag = "CT%04d" % self.random.randrange(10000)
        self.ledger = AdmissionLedger(os.path.join(work, "acked.txt"), tag, NHS_BASE)
        self.log = DeliveryLog(work, len(subscribers))
        self.receivers = start_subscribers(self.log, [p for _, p in subscribers])
        self.problems = []
        self.integrity = []
        self.rounds = []

    # -- checks --------------------------------------------------------------------------------

    def check_store(self, when):
        """Every ACKed admission against a snapshot of the store; returns the verdict."""
        acked, _ = self.ledger.snapshot()
        verdict = store_check.check_acked(store_check.StoreSnapshot(self.db, SOURCE), acked,
                                          self.subscriber_ids, self.log)
        self.problems += ["%s: %s" % (when, p) for p in verdict.problems]
        return verdict

    def check_integrity(self, when):
        answer = store_check.integrity(self.db)
        self.integrity.append(answer)
        if answer != "ok":
            self.problems.append("%s: integrity_check: %s" % (when, answer))
        return answer == "ok"

    # -- one round -----------------------------------------------------------------------------

    def start_senders(self, port, stop):
        senders = [Sender(port, self.ledger, stop) for _ in range(self.args.senders)]
        for s in senders:
            s.start()
        return senders

    def wait_for_kill_moment(self, phase, acked_before, received_before, senders):
        """Sleeps until the moment this round's kill is aimed at; returns a description of it.
        The moments are drawn by progress, not by time, so that they land in the same phases
        on a fast Release build and on a slow sanitized one."""
        burst, deliveries = self.args.burst, self.args.burst * len(self.subscriber_ids)
        if phase == "ingest":
            target = max(1, int(burst * self.random.uniform(0.05, 0.95)))
            self.wait_until(lambda: self.ledger.acked_count() - acked_before >= target or not alive(senders))
            return "after %d of %d ACKs" % (self.ledger.acked_count() - acked_before, burst)
        if phase == "translation":
            self.wait_until(lambda: not alive(senders))
            delay_ms = self.random.uniform(0, 20)
            time.sleep(delay_ms / 1000)
            return "%.0f ms after the last ACK" % delay_ms
        target = max(1, int(deliveries * self.random.uniform(0.05, 0.95)))
        self.wait_until(lambda: self.log.totals()[0] - received_before >= target)
        return "after %d of %d deliveries" % (self.log.totals()[0] - received_before, deliveries)

    def wait_until(self, condition, timeout_s=120, poll_s=0.002):
        deadline = time.monotonic() + timeout_s
        while not condition() and time.monotonic() < deadline:
            time.sleep(poll_s)

    def run_round(self, number):
        phase = PHASES[(number - 1) % len(PHASES)]
        problems_before = len(self.problems)
        ports = self.broker.start(["mllp"])
        if number > 1:
            self.check_store("round %d after restart" % number)
        acked_before, received_before = self.ledger.acked_count(), self.log.totals()[0]
        stop = threading.Event()
        started = time.monotonic()
        self.ledger.allow(self.args.burst)
        senders = self.start_senders(ports["mllp"], stop)
        moment = self.wait_for_kill_moment(phase, acked_before, received_before, senders)
        in_flight = self.ledger.in_flight
        if self.broker.process.poll() is not None:
            self.problems.append("round %d: the broker exited by itself (%d) before the kill"
                                 % (number, self.broker.process.returncode))
        killed_ms = (time.monotonic() - started) * 1000
        self.broker.kill()
        stop.set()
        for s in senders:
            s.join()
        self.ledger.withdraw()  # what this round did not send is not sent later

        # The broker is stopped: the store is exactly what the next start will find.
        integrity_ok = self.check_integrity("round %d after the kill" % number)
        verdict = self.check_store("round %d after the kill" % number)
        record = {"round": number, "aimed_at": phase, "moment": moment, "killed_after_ms": round(killed_ms),
                  "acked": self.ledger.acked_count(), "sending_at_kill": in_flight,
                  "untranslated_at_kill": verdict.untranslated, "pending_deliveries_at_kill": verdict.pending,
                  "integrity": integrity_ok, "checks_ok": len(self.problems) == problems_before}
        self.rounds.append(record)
        print("round %2d/%d  acked %6d  killed after %5d ms (%s, %s)  at the kill: %d sending, %d untranslated, "
              "%d deliveries pending  checks %s"
              % (number, self.args.rounds, record["acked"], killed_ms, phase, moment, in_flight, verdict.untranslated,
                 verdict.pending, "ok" if record["checks_ok"] else "FAILED"), flush=True)

    # -- the end -------------------------------------------------------------------------------

    def drain(self):
        """Restart once more, resend what is in doubt, let every delivery arrive, stop cleanly."""
        ports = self.broker.start(["mllp"])
        self.check_store("final restart")
        stop = threading.Event()
        for s in self.start_senders(ports["mllp"], stop):
            s.join()
        acked, in_doubt = self.ledger.snapshot()
        if in_doubt:
            self.problems.append("final: %d admissions never ACKed after resending: %s"
                                 % (len(in_doubt), " ".join(in_doubt[:20])))
        arrived = self.log.wait_for(acked, self.args.drain_timeout_s)
        # Settlements are committed after the AA; give the last ones a moment.
        self.wait_until(lambda: self.settled(acked), timeout_s=10, poll_s=0.2)
        verdict = self.check_store("final")
        exit_code = self.broker.stop()
        if exit_code != 0:
            self.problems.append("final: the broker's exit on SIGTERM was %s, not 0" % exit_code)
        self.check_integrity("final, after SIGTERM")
        missing = self.log.missing(acked)
        if not arrived or missing:
            shown = " ".join("%s@%s" % (c, self.subscriber_ids[s]) for s, c in missing[:20])
            self.problems.append("final: %d deliveries missing: %s" % (len(missing), shown))
        if verdict.pending or verdict.untranslated:
            self.problems.append("final: %d deliveries still pending, %d admissions untranslated"
                                 % (verdict.pending, verdict.untranslated))
        snapshot = store_check.StoreSnapshot(self.db, SOURCE)
        self.problems += ["final: " + p for p in store_check.check_event_ids(snapshot, self.subscriber_ids, self.log)]
        unknown = set(snapshot.journal) - set(acked)
        if unknown:
            self.problems.append("final: the journal holds %d control ids never ACKed: %s"
                                 % (len(unknown), " ".join(sorted(unknown)[:20])))
        return acked, missing

    def settled(self, acked):
        verdict = store_check.check_acked(store_check.StoreSnapshot(self.db, SOURCE), acked, self.subscriber_ids,
                                          self.log)
        return verdict.pending == 0 and verdict.untranslated == 0

    def close(self):
        self.broker.kill()
        for r in self.receivers:
            r.close()
        self.ledger.close()
        self.log.close()


def summarize(args, test, acked, missing, seconds):
    """What summary.json holds (bench/RESULTS.md quotes it)."""
    distinct, duplicates, unmatched = test.log.totals()
    return {
        "rounds": args.rounds, "seed": args.seed, "burst": args.burst, "senders": args.senders,
        "subscribers": len(test.subscriber_ids), "binary": os.path.abspath(os.path.join(args.bin, "hiebroker")),
        "seconds": round(seconds, 1),
        "messages_acked": len(acked), "deliveries_expected": len(acked) * len(test.subscriber_ids),
        "deliveries_received": distinct, "duplicates": duplicates, "unmatched": unmatched,
        "missing": len(missing), "refusals": test.ledger.refusals, "resent": test.ledger.failures,
        "integrity": "ok" if all(i == "ok" for i in test.integrity) else "FAILED",
        "integrity_checks": len(test.integrity), "failed_checks": len(test.problems),
        "kills": test.rounds,
    }


def alive(threads):
    return any(t.is_alive() for t in threads)


def main():
    args = parse_args()
    if args.seed is None:
        args.seed = int(time.time() * 1000) % 1000000
    try:
        work, config, subscribers = prepare(args)
    except (OSError, subprocess.CalledProcessError) as e:
        print("crash-test: could not run: %s" % e, file=sys.stderr)
        return 2
    print("crash-test: %d rounds, %d admissions per round from %d senders, %d MLLP subscribers, seed %d, in %s"
          % (args.rounds, args.burst, args.senders, len(subscribers), args.seed, work), flush=True)
    test = CrashTest(args, work, config, subscribers)
    started = time.monotonic()
    try:
        for number in range(1, args.rounds + 1):
            test.run_round(number)
        acked, missing = test.drain()
    except (BrokerError, OSError) as e:
        print("crash-test: could not run: %s" % e, file=sys.stderr)
        return 2
    finally:
        test.close()
    summary = summarize(args, test, acked, missing, time.monotonic() - started)
    with open(os.path.join(work, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("crash-test: %d rounds in %.0f s: %d admissions ACKed, %d of %d deliveries received (%d duplicates), "
          "%d missing, %d resent after a kill, refusals %s, integrity_check %s x%d; summary in %s"
          % (args.rounds, summary["seconds"], len(acked), summary["deliveries_received"],
             summary["deliveries_expected"], summary["duplicates"], len(missing), summary["resent"],
             summary["refusals"] or "none", summary["integrity"], summary["integrity_checks"],
             os.path.join(work, "summary.json")))
    results_markdown.record("crash-test", results_markdown.crash_test_section(
        summary, "scripts/crash-test --rounds %d --seed %d" % (args.rounds, args.seed)))
    if test.problems:
        print("crash-test: FAILED, %d problems:" % len(test.problems))
        for p in test.problems[:50]:
            print("  " + p)
        return 1
    print("crash-test: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
