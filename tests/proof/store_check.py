"""Reads the broker's SQLite store read-only (the schema is broker/store/migrations.cpp) and
checks the promises the broker makes about it: an ACKed message is in the journal; once
translated, its admission event exists with one delivery per subscriber, and each delivery is
pending or delivered, never lost and never a dead letter while its subscriber answers AA.

Problems name control ids, event ids and subscribers only: never patient data."""
import sqlite3


def connect(db_path):
    # Read-only, but the -shm file stays writable, so the reader can recover the WAL of a
    # broker that was killed and can read beside a running broker.
    conn = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True, isolation_level=None, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def integrity(db_path):
    """PRAGMA integrity_check's answer: "ok", or its messages joined by "; "."""
    conn = connect(db_path)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    return "; ".join(rows)


def accepted_control_ids(db_path, exchange):
    """The control ids of an exchange's accepted journal rows."""
    conn = connect(db_path)
    try:
        return {c for (c,) in conn.execute(
            "SELECT control_id FROM journal WHERE exchange = ? AND status = 'accepted'", (exchange,))}
    finally:
        conn.close()


def delivery_states(db_path):
    """{delivery state: count} over every subscriber."""
    conn = connect(db_path)
    try:
        return dict(conn.execute("SELECT state, count(*) FROM deliveries GROUP BY state"))
    finally:
        conn.close()


class StoreSnapshot:
    """What the store holds about one source exchange's messages, read in one transaction so
    that a running broker cannot change it half way."""

    def __init__(self, db_path, exchange):
        conn = connect(db_path)
        try:
            conn.execute("BEGIN")
            # control id -> (journal id, translation, translation_detail) for accepted rows
            self.journal = {c: (i, t, d) for i, c, t, d in conn.execute(
                "SELECT id, control_id, translation, translation_detail FROM journal"
                " WHERE exchange = ? AND status = 'accepted'", (exchange,))}
            self.refused = conn.execute(
                "SELECT count(*) FROM journal WHERE exchange = ? AND status <> 'accepted'", (exchange,)).fetchone()[0]
            self.events = {}  # journal id -> [event id] of its admission events
            for event_id, journal_id in conn.execute(
                    "SELECT id, journal_id FROM events WHERE source = ? AND kind = 'admission'", (exchange,)):
                self.events.setdefault(journal_id, []).append(event_id)
            self.deliveries = {}  # (event id, subscriber) -> (state, attempts, last_error)
            for event_id, subscriber, state, attempts, error in conn.execute(
                    "SELECT event_id, subscriber, state, attempts, last_error FROM deliveries"):
                self.deliveries[(event_id, subscriber)] = (state, attempts, error)
            conn.execute("COMMIT")
        finally:
            conn.close()


class Verdict:
    """The outcome of check_acked: counts, and one line per problem."""

    def __init__(self):
        self.problems = []
        self.untranslated = 0  # ACKed, journaled, translation still to come (after a restart)
        self.pending = 0  # deliveries still owed
        self.delivered = 0  # deliveries the store settled as delivered

    @property
    def ok(self):
        return not self.problems


def check_acked(snapshot, acked_ids, subscribers, log):
    """Checks every ACKed control id against the snapshot. `subscribers` are the subscriber
    exchange ids in the order of the delivery log's indexes."""
    verdict = Verdict()
    for control_id in acked_ids:
        row = snapshot.journal.get(control_id)
        if row is None:
            verdict.problems.append("%s: ACKed but not in the journal" % control_id)
            continue
        journal_id, translation, detail = row
        if translation == "pending":
            verdict.untranslated += 1
            continue
        if translation != "translated":
            verdict.problems.append("%s: translation %s (%s)" % (control_id, translation, detail))
            continue
        event_ids = snapshot.events.get(journal_id, [])
        if len(event_ids) != 1:
            verdict.problems.append("%s: %d admission events, expected 1" % (control_id, len(event_ids)))
            continue
        for index, subscriber in enumerate(subscribers):
            check_delivery(verdict, snapshot, control_id, event_ids[0], index, subscriber, log)
    return verdict


def check_delivery(verdict, snapshot, control_id, event_id, index, subscriber, log):
    delivery = snapshot.deliveries.get((event_id, subscriber))
    if delivery is None:
        verdict.problems.append("%s: event %s has no delivery for %s" % (control_id, event_id, subscriber))
        return
    state, attempts, error = delivery
    if state == "pending":
        verdict.pending += 1
    elif state == "delivered":
        verdict.delivered += 1
        # The store settles a delivery only after the subscriber's AA, which the harness sends
        # only after logging the message.
        if not log.received_event(index, event_id):
            verdict.problems.append("%s: event %s settled as delivered to %s, which never received it"
                                    % (control_id, event_id, subscriber))
    else:
        verdict.problems.append("%s: event %s to %s is %s after %d attempts (%s)"
                                % (control_id, event_id, subscriber, state, attempts, error))


def check_event_ids(snapshot, subscribers, log):
    """Problems where a subscriber received an admission under another event id than the one
    the store holds for it: an admission translated again after a crash must raise the same
    event (its id is made of the journal id), not a second one."""
    event_of = {}
    for control_id, (journal_id, _, _) in snapshot.journal.items():
        for event_id in snapshot.events.get(journal_id, []):
            event_of[control_id] = event_id
    problems = []
    for index, subscriber in enumerate(subscribers):
        for event_id, control_id in sorted(log.event_ids_received(index).items()):
            if event_of.get(control_id) != event_id:
                problems.append("%s: %s received it as event %s, the store's event is %s"
                                % (control_id, subscriber, event_id, event_of.get(control_id)))
    return problems
