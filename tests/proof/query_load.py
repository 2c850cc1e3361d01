"""Shared-care-record queries for the soak: client threads, each on one keep-alive HTTP
connection, asking GET /fhir/Patient/{nhs}/$everything with that patient's token at a set rate.
An answer counts as complete when it is a 200 whose Provenance names every exchange that holds
the patient (the rule of hiebench queries --expect-sources)."""
import http.client
import json
import threading
import time

EXCHANGE_SYSTEM = "https://hiebroker.dev/exchange"


def sources(value, found=None):
    """The exchange ids an answer names (identifiers with the broker's exchange system)."""
    found = set() if found is None else found
    if isinstance(value, dict):
        if value.get("system") == EXCHANGE_SYSTEM and "value" in value:
            found.add(value["value"])
        for v in value.values():
            sources(v, found)
    elif isinstance(value, list):
        for v in value:
            sources(v, found)
    return found


class QueryTally:
    def __init__(self):
        self.lock = threading.Lock()
        self.complete = 0  # 200 naming every holder
        self.incomplete = 0  # 200 naming fewer
        self.refused = 0  # any other status
        self.failed = 0  # no answer: connection error or timeout

    def add(self, outcome):
        with self.lock:
            setattr(self, outcome, getattr(self, outcome) + 1)

    def counts(self):
        with self.lock:
            return {"complete": self.complete, "incomplete": self.incomplete, "refused": self.refused,
                    "failed": self.failed}


def ask(conn, nhs, token, holders):
    """One query on `conn`: 'complete', 'incomplete' or 'refused'; raises OSError (or an
    http.client error) when there was no answer."""
    conn.request("GET", "/fhir/Patient/%s/$everything" % nhs,
                 headers={"Accept": "application/fhir+json", "Authorization": "Bearer " + token})
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 200:
        return "refused"
    return "complete" if len(sources(json.loads(body))) >= holders else "incomplete"


class QueryClient(threading.Thread):
    """Asks for the patients in turn, starting at `offset`, `rate` queries per second."""

    def __init__(self, port, patients, holders, rate, tally, stop, offset=0):
        super().__init__(daemon=True)
        self.port, self.patients, self.holders, self.rate = port, patients, holders, rate
        self.tally, self.stop, self.offset = tally, stop, offset

    def run(self):
        conn = None
        next_at = time.monotonic()
        turn = self.offset
        while not self.stop.is_set():
            next_at = max(next_at + 1.0 / self.rate, time.monotonic() - 1.0)
            if self.stop.wait(max(0.0, next_at - time.monotonic())):
                break
            nhs, token = self.patients[turn % len(self.patients)]
            turn += 1
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.tally.add(ask(conn, nhs, token, self.holders))
            except (OSError, http.client.HTTPException, ValueError):
                self.tally.add("failed")
                if conn:
                    conn.close()
                conn = None
        if conn:
            conn.close()


def wait_until_complete(port, patients, holders, timeout_s):
    """True once every patient's answer names all its holders: until every peer has connected
    and announced, some answers name fewer."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            if all(ask(conn, nhs, token, holders) == "complete" for nhs, token in patients):
                return True
        except (OSError, http.client.HTTPException, ValueError):
            pass
        finally:
            conn.close()
        time.sleep(0.5)
    return False
