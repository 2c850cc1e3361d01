#!/usr/bin/env python3
"""Compare `hiebroker translate --from cda` with Microsoft FHIR-Converter's published outputs.

For every C-CDA pair in the shared expected/ folder (`<name>.input.xml` + `<name>.expected.json`,
../shared/data/expected/fhir-converter/ccda/) this runs our translate with --utc-offset +00:00
and compares, semantically:
  * resource counts by resourceType (ours vs theirs; our final OperationOutcome counted apart),
  * key values: Patient identifiers/name/birthDate/gender; Condition, AllergyIntolerance
    (substance), Procedure, Encounter type and MedicationStatement codes (theirs through their
    Medication resource); Observation code -> value; Immunization vaccine code -> date,
  * what each side has that the other lacks, value by value.
It is a report, not a test: exit status 0 whenever it could run.

  python3 tests/adapters/cda/compare_expected.py [--hiebroker build/bin/hiebroker]
          [--expected ../shared/data/expected/fhir-converter/ccda] [--pair NAME] [--verbose]
"""

import argparse
import collections
import decimal
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


def codes(cc):
    """'system|code' for each coding of a CodeableConcept (or a list of them)."""
    if not cc:
        return set()
    if isinstance(cc, list):
        out = set()
        for c in cc:
            out |= codes(c)
        return out
    return {f"{c.get('system', '')}|{c.get('code', '')}" for c in cc.get("coding", []) if c.get("code")}


def number(v):
    try:
        return format(decimal.Decimal(str(v)).normalize(), "f")
    except (decimal.InvalidOperation, ValueError):
        return str(v)


def obs_value(o):
    if "valueQuantity" in o:
        q = o["valueQuantity"]
        return f"{number(q.get('value'))} {q.get('code') or q.get('unit', '')}".strip()
    if "valueCodeableConcept" in o:
        return "|".join(sorted(codes(o["valueCodeableConcept"]))) or o["valueCodeableConcept"].get("text", "")
    for k in ("valueString", "valueInteger", "valueBoolean", "valueDateTime"):
        if k in o:
            return str(o[k])
    if "valueRange" in o:
        return "range"
    if "dataAbsentReason" in o:
        return "absent"
    return "-"


def key_values(bundle):
    res = [e["resource"] for e in bundle.get("entry", []) if "resource" in e]
    by_id = {f"{r['resourceType']}/{r.get('id')}": r for r in res}
    kv = collections.defaultdict(set)
    for r in res:
        t = r["resourceType"]
        if t == "Patient":
            for i in r.get("identifier", []):
                kv["Patient.identifier"].add(f"{i.get('system')}|{i.get('value')}")
            for n in r.get("name", []):
                kv["Patient.name"].add(f"{n.get('family')}, {' '.join(n.get('given', []))}")
            kv["Patient.birthDate"].add(r.get("birthDate", "-"))
            kv["Patient.gender"].add(r.get("gender", "-"))
        elif t == "Condition":
            kv["Condition.code"] |= codes(r.get("code"))
        elif t == "AllergyIntolerance":
            kv["AllergyIntolerance.code"] |= codes(r.get("code"))
            for rx in r.get("reaction", []):
                kv["AllergyIntolerance.reaction"] |= codes(rx.get("manifestation"))
        elif t == "Procedure":
            kv["Procedure.code"] |= codes(r.get("code"))
        elif t == "Encounter":
            kv["Encounter.type"] |= codes(r.get("type"))
        elif t == "MedicationStatement":
            med = r.get("medicationCodeableConcept")
            ref = r.get("medicationReference", {}).get("reference", "")
            if not med and ref in by_id:
                med = by_id[ref].get("code")
            kv["MedicationStatement.medication"] |= codes(med)
            kv["MedicationStatement.status"].add(r.get("status", "-"))
        elif t == "Immunization":
            for c in codes(r.get("vaccineCode")):
                kv["Immunization"].add(f"{c} @ {r.get('occurrenceDateTime', r.get('occurrenceString', '-'))} ({r.get('status')})")
        elif t == "Observation":
            for c in codes(r.get("code")):
                kv["Observation"].add(f"{c} = {obs_value(r)}")
        elif t == "DiagnosticReport":
            kv["DiagnosticReport.code"] |= codes(r.get("code"))
        elif t == "DocumentReference":
            kv["DocumentReference.type"] |= codes(r.get("type"))
    return kv


def translate(hiebroker, path):
    p = subprocess.run([hiebroker, "translate", "--from", "cda", "--utc-offset", "+00:00", path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()
    return json.loads(p.stdout), ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hiebroker", default=os.path.join(REPO, "build", "bin", "hiebroker"))
    ap.add_argument("--expected", default=os.path.join(REPO, "..", "shared", "data", "expected", "fhir-converter", "ccda"))
    ap.add_argument("--pair")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    pairs = sorted(glob.glob(os.path.join(a.expected, "*.input.xml")))
    if a.pair:
        pairs = [p for p in pairs if os.path.basename(p).startswith(a.pair + ".")]
    totals = collections.Counter()
    for inp in pairs:
        name = os.path.basename(inp)[: -len(".input.xml")]
        theirs = json.load(open(inp[: -len(".input.xml")] + ".expected.json"))
        ours, err = translate(a.hiebroker, inp)
        print(f"## {name}")
        if ours is None:
            print(f"  ours: ERROR {err}")
            continue
        oc = collections.Counter(e["resource"]["resourceType"] for e in ours["entry"])
        issues = 0
        if oc.get("OperationOutcome"):
            oo = [e["resource"] for e in ours["entry"] if e["resource"]["resourceType"] == "OperationOutcome"][-1]
            issues = len(oo.get("issue", []))
            oc["OperationOutcome"] -= 1
        tc = collections.Counter(e["resource"]["resourceType"] for e in theirs["entry"])
        print(f"  our issues: {issues}")
        print("  | resourceType | ours | theirs |")
        for t in sorted(set(oc) | set(tc)):
            if oc.get(t, 0) or tc.get(t, 0):
                print(f"  | {t} | {oc.get(t, 0)} | {tc.get(t, 0)} |")
        ok, tk = key_values(ours), key_values(theirs)
        for k in sorted(set(ok) | set(tk)):
            same = ok[k] & tk[k]
            only_ours = sorted(ok[k] - tk[k])
            only_theirs = sorted(tk[k] - ok[k])
            totals["same"] += len(same)
            totals["only ours"] += len(only_ours)
            totals["only theirs"] += len(only_theirs)
            if not only_ours and not only_theirs and not a.verbose:
                print(f"  {k}: {len(same)} agree")
                continue
            print(f"  {k}: {len(same)} agree" + (f"; same: {sorted(same)}" if a.verbose else ""))
            for v in only_ours:
                print(f"    only ours:   {v}")
            for v in only_theirs:
                print(f"    only theirs: {v}")
        print()
    print(f"totals: {dict(totals)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
