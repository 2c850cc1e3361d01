#!/usr/bin/env python3
"""Writes what the query fan-out benchmark needs into DIR: a broker config with N exchanges
(FHIR over WebSocket + mTLS, all live), and one hie-sim dataset per exchange, where each of P
patients is held by exactly K exchanges (patient i by exchanges i, i+N/K, i+2N/K ... mod N).

usage: query_fanout_setup.py DIR CERTS [--exchanges 30] [--holders 3] [--patients 60]
Prints the patients' NHS numbers, one per line."""
import argparse
import json
import os


def nhs_numbers(count, base=900000000):
    """Valid NHS numbers (Modulus 11) from (base)x upwards (900000000x by default): synthetic,
    never issued. tests/proof takes its own ranges with another base."""
    out = []
    while len(out) < count:
        digits = [int(d) for d in str(base)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1)))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            out.append(str(base) + str(check))
        base += 1
    return out


def record(nhs, exchange):
    """A small FHIR collection Bundle: the patient and one observation, as this exchange holds them."""
    pid = "p" + nhs
    return {
        "resourceType": "Bundle", "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:" + "00000000-0000-4000-8000-" + nhs.rjust(12, "0"),
             "resource": {"resourceType": "Patient", "id": pid,
                          "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs},
                                         {"system": "https://%s.example/Id/mrn" % exchange, "value": "M" + nhs}],
                          "name": [{"family": "Bench", "given": ["Patient"]}], "birthDate": "1970-01-01"}},
            {"resource": {"resourceType": "Observation", "id": "o" + nhs, "status": "final",
                          "identifier": [{"system": "https://%s.example/Id/obs" % exchange, "value": "O" + nhs}],
                          "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]},
                          "subject": {"reference": "Patient/" + pid},
                          "effectiveDateTime": "2025-03-04T09:12:00Z",
                          "valueQuantity": {"value": 4.1, "unit": "mmol/L", "system": "http://unitsofmeasure.org",
                                            "code": "mmol/L"}}},
        ]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("certs")
    p.add_argument("--exchanges", type=int, default=30)
    p.add_argument("--holders", type=int, default=3)
    p.add_argument("--patients", type=int, default=60)
    a = p.parse_args()
    exchanges = ["bench%02d" % (i + 1) for i in range(a.exchanges)]
    patients = nhs_numbers(a.patients)
    held = {e: [] for e in exchanges}
    stride = a.exchanges // a.holders
    for i, nhs in enumerate(patients):
        for k in range(a.holders):
            held[exchanges[(i + k * stride) % a.exchanges]].append(nhs)
    os.makedirs(os.path.join(a.dir, "data"), exist_ok=True)
    for e in exchanges:
        dataset = {"exchange": e, "format": "fhir", "patients": []}
        for nhs in held[e]:
            path = os.path.join("data", "%s-%s.json" % (e, nhs))
            with open(os.path.join(a.dir, path), "w") as f:
                json.dump(record(nhs, e), f)
            dataset["patients"].append({"identifiers": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs}],
                                        "records": [path]})
        with open(os.path.join(a.dir, e + ".json"), "w") as f:
            json.dump(dataset, f)
    tls = {"cert": a.certs + "/broker.crt", "key": a.certs + "/broker.key", "ca": a.certs + "/ca.crt"}
    config = {
        "threads": 2,
        "listeners": {"http": {"bind": "127.0.0.1", "port": 0},
                      "https": {"bind": "127.0.0.1", "port": 0, "tls": tls}},
        "store": {"sqlite": {"path": os.path.abspath(os.path.join(a.dir, "broker.db"))}},
        "exchanges": [{"id": e, "format": "fhir", "transport": "websocket", "mode": "live",
                       "credentials": {"cert_subject_cn": e}} for e in exchanges],
        "security": {"jwt": {"dev_issuer": {"private_key": a.certs + "/dev-issuer.key"}}},
        "limits": {"max_connections_per_exchange": 4},
        "logging": {"level": "warn", "format": "text"},
    }
    with open(os.path.join(a.dir, "broker.json"), "w") as f:
        json.dump(config, f, indent=1)
    print("\n".join(patients))


if __name__ == "__main__":
    main()
