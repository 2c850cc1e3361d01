"""The sending side of the proof harnesses: a ledger of admissions (which were ACKed, which are
in doubt because the connection died before the answer) and sender threads that feed it to the
broker's MLLP listener, flat out or at a set rate."""
import threading
import time

import hl7
from mllp import MllpClient


class AdmissionLedger:
    """Hands out admissions, each with a unique control id <tag>-<n> and its own patient, and
    records what became of them. An ACKed control id is written to `acked_path` (and flushed)
    the moment its AA arrives, so the record never claims less than the broker promised."""

    def __init__(self, acked_path, tag, nhs_base):
        self.tag, self.nhs_base = tag, nhs_base
        self.lock = threading.Lock()
        self.acked_file = open(acked_path, "a")
        self.acked_ids = []
        self.acked_set = set()
        self.in_doubt = {}  # control id -> message: sent, no answer; resent before anything new
        self.budget = 0  # new admissions still to hand out
        self.made = 0
        self.in_flight = 0
        self.refusals = {}  # MSA-1 other than AA -> count
        self.failures = 0  # connections that died with a message in flight

    def allow(self, count):
        with self.lock:
            self.budget += count

    def withdraw(self):
        """New admissions not handed out yet are not handed out at all."""
        with self.lock:
            self.budget = 0

    def take(self):
        """(control id, message), or None when nothing is left to send."""
        with self.lock:
            if self.in_doubt:
                control_id = next(iter(self.in_doubt))
                message = self.in_doubt.pop(control_id)
            elif self.budget > 0:
                self.budget -= 1
                control_id = "%s-%d" % (self.tag, self.made)
                message = hl7.admission(control_id, hl7.patient_nhs_number(self.made, self.nhs_base))
                self.made += 1
            else:
                return None
            self.in_flight += 1
            return control_id, message

    def answered(self, control_id, message, code):
        with self.lock:
            self.in_flight -= 1
            if code == "AA":
                if control_id not in self.acked_set:  # a resend is ACKed again, counted once
                    self.acked_set.add(control_id)
                    self.acked_ids.append(control_id)
                    self.acked_file.write(control_id + "\n")
                    self.acked_file.flush()
            else:
                # AE is back-pressure (resend later); anything else is counted, and resent too,
                # so that a refusal shows up in the counts rather than as a lost message.
                self.refusals[code] = self.refusals.get(code, 0) + 1
                self.in_doubt[control_id] = message

    def unanswered(self, control_id, message):
        with self.lock:
            self.in_flight -= 1
            self.failures += 1
            self.in_doubt[control_id] = message

    def acked_count(self):
        with self.lock:
            return len(self.acked_ids)

    def snapshot(self):
        """(ACKed control ids in ACK order, control ids in doubt)."""
        with self.lock:
            return list(self.acked_ids), list(self.in_doubt)

    def close(self):
        self.acked_file.close()


class Sender(threading.Thread):
    """One MLLP connection sending the ledger's admissions one after another, each after the
    ACK of the one before. rate: admissions per second on this connection (0: flat out).
    reconnect: after a failure wait and connect again (soak) rather than end (crash test,
    where a failure means the broker was killed)."""

    def __init__(self, port, ledger, stop, rate=0.0, reconnect=False):
        super().__init__(daemon=True)
        self.port, self.ledger, self.stop, self.rate, self.reconnect = port, ledger, stop, rate, reconnect

    def run(self):
        next_at = time.monotonic()
        client = None
        while not self.stop.is_set():
            if self.rate > 0:
                # After a stall, carry on at the rate rather than sending the backlog in a burst.
                next_at = max(next_at + 1.0 / self.rate, time.monotonic() - 1.0)
                self.stop.wait(max(0.0, next_at - time.monotonic()))
                if self.stop.is_set():
                    break
            if client is None:
                try:
                    client = MllpClient(self.port)
                except OSError:
                    if not self.reconnect:
                        return
                    self.stop.wait(1.0)
                    continue
            item = self.ledger.take()
            if item is None:
                break
            control_id, message = item
            try:
                code, _ = client.send(message)
                self.ledger.answered(control_id, message, code)
            except OSError:
                self.ledger.unanswered(control_id, message)
                client.close()
                client = None
                if not self.reconnect:
                    return
        if client:
            client.close()
