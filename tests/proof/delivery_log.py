"""The receiving side of the proof harnesses: MLLP subscribers that answer AA, and the log of
which admission reached which subscriber how often (at least once is the promise, so copies
are counted, not refused)."""
import os
import threading
import time

import hl7
from mllp import SubscriberReceiver


class DeliveryLog:
    def __init__(self, work, subscribers):
        self.lock = threading.Lock()
        self.counts = [dict() for _ in range(subscribers)]  # control id -> copies received
        self.event_ids = [dict() for _ in range(subscribers)]  # event id -> control id
        self.unmatched = 0
        # Running totals, as the crash test polls them every few milliseconds.
        self.distinct = 0  # (admission, subscriber) pairs received
        self.copies = 0  # everything of ours received, copies included
        self.files = [open(os.path.join(work, "received-sub%02d.txt" % (i + 1)), "a") for i in range(subscribers)]
        self.last_receipt = time.monotonic()

    def record(self, subscriber, message):
        """Called by the receiver before it answers AA: what the broker counts as delivered is
        always in this log."""
        event_id, control_id = hl7.delivered_admission(message)
        with self.lock:
            self.last_receipt = time.monotonic()
            if control_id is None:
                self.unmatched += 1
                return
            counts = self.counts[subscriber]
            counts[control_id] = counts.get(control_id, 0) + 1
            self.copies += 1
            self.distinct += counts[control_id] == 1
            self.event_ids[subscriber][event_id] = control_id
            self.files[subscriber].write("%s %s\n" % (event_id, control_id))
            self.files[subscriber].flush()

    def received_event(self, subscriber, event_id):
        with self.lock:
            return event_id in self.event_ids[subscriber]

    def event_ids_received(self, subscriber):
        """{event id (the delivery's MSH-10): the admission's control id} for one subscriber."""
        with self.lock:
            return dict(self.event_ids[subscriber])

    def missing(self, control_ids):
        """[(subscriber index, control id)] of every pair not received yet."""
        with self.lock:
            return [(s, c) for s, counts in enumerate(self.counts) for c in control_ids if c not in counts]

    def totals(self):
        """(distinct (admission, subscriber) pairs received, further copies, unmatched)."""
        with self.lock:
            return self.distinct, self.copies - self.distinct, self.unmatched

    def wait_for(self, control_ids, idle_timeout_s):
        """Waits until every subscriber received every one of control_ids, or until nothing has
        arrived for idle_timeout_s. True when all arrived."""
        remaining = self.missing(control_ids)
        while remaining:
            with self.lock:
                remaining = [(s, c) for s, c in remaining if c not in self.counts[s]]
                idle = time.monotonic() - self.last_receipt
            if remaining and idle >= idle_timeout_s:
                return False
            time.sleep(0.2)
        return True

    def close(self):
        for f in self.files:
            f.close()


def start_subscribers(log, ports):
    """One receiver per subscriber, on the ports the broker's config names."""
    receivers = []
    for index, port in enumerate(ports):
        receivers.append(SubscriberReceiver(lambda message, i=index: log.record(i, message), port))
    return receivers
