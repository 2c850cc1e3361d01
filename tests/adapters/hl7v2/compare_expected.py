#!/usr/bin/env python3
"""Compare `hiebroker translate --from hl7v2` with other converters' published outputs.

For every HL7 v2 pair in the shared expected/ folder (`<name>.input.hl7` + `<name>.expected.json`,
or `<name>.expected.fhir.xml`; C-CDA pairs are skipped) this runs our translate with
--utc-offset +00:00 and compares, semantically:
  * resource counts by resourceType (ours vs theirs; our final OperationOutcome counted apart),
  * key values: Patient identifiers/name/birthDate/gender, Observation code/value/status,
    Encounter class/period, DiagnosticReport/ServiceRequest/Condition/Immunization/
    DocumentReference/AllergyIntolerance codes,
  * the other direction: input values we report as not mapped (OperationOutcome locations)
    that appear somewhere in their Bundle, and what we keep that they drop or alter
    (decimal precision, timezone offsets, identifier systems, values absent from theirs).
It is a report, not a test: exit status 0 whenever it could run.

  python3 tests/adapters/hl7v2/compare_expected.py [--hiebroker build/bin/hiebroker]
          [--expected ../shared/data/expected] [--pair NAME] [--verbose]
"""

import argparse
import collections
import decimal
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


# ---------------------------------------------------------------- JSON with exact decimals

class Num(str):
    """A JSON number kept as its literal text, so 1.0 and 1 stay distinguishable."""


def load_json_text(text):
    return json.loads(text, parse_float=Num, parse_int=Num)


def num_eq(a, b):
    try:
        return decimal.Decimal(str(a)) == decimal.Decimal(str(b))
    except (decimal.InvalidOperation, ValueError):
        return str(a) == str(b)


# ---------------------------------------------------------------- FHIR XML -> JSON-ish dict

FHIR_NS = "{http://hl7.org/fhir}"


def _xml_elem(e):
    """FHIR XML element to JSON shape. Every child becomes a list (helpers accept both)."""
    tag = e.tag.replace(FHIR_NS, "")
    children = list(e)
    if not children and "value" in e.attrib:
        return e.attrib["value"]
    if tag == "div" or e.tag.startswith("{http://www.w3.org/1999/xhtml}"):
        return "<xhtml>"
    out = {}
    for c in children:
        ctag = c.tag.replace(FHIR_NS, "")
        if ctag in ("resource",) and len(list(c)) == 1:  # entry.resource holds one typed element
            inner = list(c)[0]
            val = _xml_elem(inner)
            if isinstance(val, dict):
                val["resourceType"] = inner.tag.replace(FHIR_NS, "")
            out.setdefault(ctag, []).append(val)
            continue
        out.setdefault(ctag, []).append(_xml_elem(c))
    for k, v in e.attrib.items():
        out.setdefault(k, v)
    return out


def load_fhir_xml(path):
    root = ET.parse(path).getroot()
    b = _xml_elem(root)
    b["resourceType"] = root.tag.replace(FHIR_NS, "")
    return b


# ---------------------------------------------------------------- small helpers

def L(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def first(x):
    lst = L(x)
    return lst[0] if lst else None


def get(obj, path):
    """All values at a dotted path; lists are flattened at every step."""
    cur = L(obj)
    for part in path.split("."):
        nxt = []
        for c in cur:
            if isinstance(c, dict) and part in c:
                nxt.extend(L(c[part]))
        cur = nxt
    return cur


def resources(bundle):
    out = []
    for e in L(bundle.get("entry")):
        r = first(e.get("resource")) if isinstance(e, dict) else None
        if isinstance(r, dict) and r.get("resourceType"):
            out.append(r)
    return out


def codings(cc):
    """'system|code' for every coding of a CodeableConcept (list)."""
    out = []
    for c in L(cc):
        for cd in get(c, "coding"):
            out.append("%s|%s" % (first(cd.get("system")) or "", first(cd.get("code")) or ""))
    return out


def code_only(sc):
    return sc.split("|", 1)[1] if "|" in sc else sc


def fmt(vals, width=None):
    s = ", ".join(str(v) for v in vals) if isinstance(vals, (list, tuple, set)) else str(vals)
    if width and len(s) > width:
        s = s[: width - 1] + "…"
    return s or "-"


# ---------------------------------------------------------------- key values per resource

def patient_keys(r):
    ids = sorted("%s|%s" % (first(i.get("system")) or "", first(i.get("value")) or "") for i in L(r.get("identifier")))
    names = []
    for n in L(r.get("name")):
        fam = first(n.get("family"))
        giv = " ".join(str(g) for g in L(n.get("given")))
        names.append("%s^%s" % (fam or "", giv))
    return {
        "identifier": ids,
        "name": sorted(names),
        "birthDate": [first(r.get("birthDate"))] if r.get("birthDate") else [],
        "gender": [first(r.get("gender"))] if r.get("gender") else [],
    }


def obs_value(r):
    q = first(r.get("valueQuantity"))
    if isinstance(q, dict) and q.get("value") is not None:
        return ("Q", first(q.get("value")), first(q.get("unit")) or first(q.get("code")))
    if r.get("valueString") is not None:
        return ("S", first(r.get("valueString")))
    if isinstance(q, dict):  # a Quantity with a unit but no value
        return ("Q", None, first(q.get("unit")) or first(q.get("code")))
    if r.get("valueCodeableConcept"):
        return ("C", tuple(codings(r.get("valueCodeableConcept"))) or first(get(r, "valueCodeableConcept.text")))
    for k in ("valueDateTime", "valueInteger", "valueBoolean", "valueTime"):
        if r.get(k) is not None:
            return (k[5:6], first(r.get(k)))
    if r.get("valueRatio"):
        return ("R", json.dumps(r.get("valueRatio")))
    if r.get("valueRange"):
        return ("G", json.dumps(r.get("valueRange")))
    return None


def show_value(v):
    if v is None:
        return "-"
    if v[0] == "Q":
        return "%s %s" % (v[1], v[2] or "")
    if v[0] == "C":
        return fmt(v[1]) if isinstance(v[1], tuple) else str(v[1])
    return str(v[1])


def obs_keys(r):
    return {
        "code": codings(r.get("code")),
        "value": obs_value(r),
        "status": first(r.get("status")),
        "effective": first(r.get("effectiveDateTime")),
    }


def instant(v):
    """'2015-02-08T11:34:19+01:10' -> UTC datetime, or None when there is no offset/time."""
    import datetime
    if not isinstance(v, str):
        return None
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)$", v)
    if not m:
        return None
    y, mo, d, h, mi, sec, off = m.groups()
    t = datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec or 0))
    if off != "Z":
        sign = 1 if off[0] == "+" else -1
        t -= sign * datetime.timedelta(hours=int(off[1:3]), minutes=int(off[4:6]))
    return t


def time_verdict(o, t):
    if o == t:
        return "same"
    io, it = instant(o), instant(t)
    if io and it and io == it:
        return "same instant, offset differs"
    if isinstance(o, str) and isinstance(t, str) and o[:19] == t[:19]:
        return "same local time, offset differs"
    return "differ"


def encounter_keys(r):
    cls = first(r.get("class"))
    cls_s = "%s|%s" % (first(cls.get("system")) or "", first(cls.get("code")) or "") if isinstance(cls, dict) else "-"
    per = first(r.get("period")) or {}
    return {"class": [cls_s], "period": ["%s .. %s" % (first(per.get("start")) or "", first(per.get("end")) or "")]}


CODE_FIELD = {
    "DiagnosticReport": "code",
    "ServiceRequest": "code",
    "Condition": "code",
    "AllergyIntolerance": "code",
    "Procedure": "code",
    "Immunization": "vaccineCode",
    "DocumentReference": "type",
    "MedicationRequest": "medicationCodeableConcept",
    "Specimen": "type",
}


# ---------------------------------------------------------------- a tiny v2 reader for locations

def read_v2(path):
    raw = open(path, "rb").read().decode("utf-8", "replace").lstrip("\ufeff")
    segs = [s for s in re.split(r"\r\n|\r|\n", raw) if s.strip()]
    if not segs or not segs[0].startswith("MSH"):
        return None
    fs = segs[0][3]
    enc = segs[0].split(fs)[1]
    comp, rep, sub = enc[0], enc[1], enc[3] if len(enc) > 3 else "&"
    out = collections.defaultdict(list)
    for s in segs:
        f = s.split(fs)
        name = f[0].strip()
        if name == "MSH":
            f = [name, fs] + f[1:]
        out[name].append(f)
    return {"segs": out, "comp": comp, "rep": rep, "sub": sub}


LOC = re.compile(r"^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-(\d+)(?:\[(\d+)\])?(?:\.(\d+))?(?:\.(\d+))?)?$")


def v2_value(msg, loc):
    """Text at an OperationOutcome location like OBX[2]-5, PID-11[2].4 or NTE[1] (whole segment)."""
    m = LOC.match(loc)
    if not m or msg is None:
        return None
    seg, occ, fld, rp, cp, sc = m.groups()
    occs = msg["segs"].get(seg, [])
    idx = int(occ) - 1 if occ else 0
    if idx >= len(occs):
        return None
    f = occs[idx]
    if not fld:
        return msg and "|".join(f[1:])
    fld = int(fld)
    if fld >= len(f):
        return None
    v = f[fld]
    reps = v.split(msg["rep"]) if not (seg == "MSH" and fld == 2) else [v]
    r = int(rp) - 1 if rp else 0
    if r >= len(reps):
        return None
    v = reps[r]
    if cp:
        cs = v.split(msg["comp"])
        c = int(cp) - 1
        v = cs[c] if c < len(cs) else ""
        if sc:
            ss = v.split(msg["sub"])
            s = int(sc) - 1
            v = ss[s] if s < len(ss) else ""
    return v


def leaf_strings(obj, path="", out=None, skip=("id", "fullUrl", "reference", "div", "request", "meta")):
    if out is None:
        out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in skip:
                continue
            leaf_strings(v, path + "." + k if path else k, out, skip)
    elif isinstance(obj, list):
        for v in obj:
            leaf_strings(v, path, out, skip)
    elif obj is not None:
        out.append((path, str(obj)))
    return out


def norm(s):
    s = s.replace("\\T\\", "&").replace("\\S\\", "^").replace("\\F\\", "|").replace("\\R\\", "~")
    return re.sub(r"\s+", " ", s).strip().lower()


def date_variants(v):
    """A v2 TS/DT '20020215073000+0600' also matches FHIR '2002-02-15T07:30:00+06:00' or '2002-02-15'."""
    m = re.match(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", v)
    if not m or len(v) < 8:
        return []
    y, mo, d, h, mi, s = m.groups()
    out = ["%s-%s-%s" % (y, mo, d)]
    if h:
        out.append("%s-%s-%sT%s:%s" % (y, mo, d, h, mi or "00"))
    return out


def found_in(value, their_text, their_leaves):
    if value is None:
        return False
    parts = [p for p in re.split(r"[\^~&]", value) if len(p.strip()) >= 3]
    if not parts:
        return False
    for p in parts:
        n = norm(p)
        if len(n) < 3:
            continue
        cands = [n] + date_variants(p)
        if any(c in their_leaves for c in cands):
            return True
        # longer free text: substring of one of their strings
        if len(n) >= 8 and n in their_text:
            return True
    return False


# ---------------------------------------------------------------- one pair

def find_pairs(root):
    pairs = []
    for dirpath, _, files in os.walk(root):
        if os.sep + "ccda" in dirpath or dirpath.endswith("ccda"):
            continue
        for f in sorted(files):
            if not f.endswith(".input.hl7"):
                continue
            name = f[: -len(".input.hl7")]
            for ext in (".expected.json", ".expected.fhir.xml"):
                exp = os.path.join(dirpath, name + ext)
                if os.path.exists(exp):
                    pairs.append((os.path.relpath(dirpath, root), name, os.path.join(dirpath, f), exp))
                    break
    return sorted(pairs)


def run_ours(hiebroker, path):
    p = subprocess.run([hiebroker, "translate", "--from", "hl7v2", "--exchange", "compare",
                        "--utc-offset", "+00:00", path], capture_output=True, text=True)
    if p.returncode != 0:
        return None, "exit %d: %s" % (p.returncode, p.stderr.strip()[:300])
    try:
        return load_json_text(p.stdout), None
    except ValueError as e:
        return None, "bad JSON: %s" % e


def compare_pair(hiebroker, group, name, inp, exp, verbose):
    rep = {"name": "%s/%s" % (group, name), "notes": [], "ours_better": [], "theirs_better": []}
    ours, err = run_ours(hiebroker, inp)
    if ours is None:
        rep["error"] = err
        return rep
    theirs = load_fhir_xml(exp) if exp.endswith(".xml") else load_json_text(open(exp, encoding="utf-8").read())
    o_res = resources(ours)
    t_res = resources(theirs)
    oo = [r for r in o_res if r["resourceType"] == "OperationOutcome"]
    o_res = [r for r in o_res if r["resourceType"] != "OperationOutcome"]
    issues = [i for r in oo for i in L(r.get("issue"))]

    oc = collections.Counter(r["resourceType"] for r in o_res)
    tc = collections.Counter(r["resourceType"] for r in t_res)
    rep["counts"] = {t: (oc.get(t, 0), tc.get(t, 0)) for t in sorted(set(oc) | set(tc))}
    rep["issues"] = len(issues)
    rows = []  # (what, ours, theirs, verdict)

    def by(rs, t):
        return [r for r in rs if r["resourceType"] == t]

    # Patient
    op, tp = by(o_res, "Patient"), by(t_res, "Patient")
    if op and tp:
        ok, tk = patient_keys(op[0]), patient_keys(tp[0])
        for k in ("identifier", "name", "birthDate", "gender"):
            o, t = ok[k], tk[k]
            if k == "identifier":
                ov = {code_only(x) for x in o}
                tv = {code_only(x) for x in t}
                verdict = "same" if o == t else ("same values, systems differ" if ov == tv else
                                                 "ours ⊂ theirs" if ov < tv else "theirs ⊂ ours" if tv < ov else "differ")
            elif k == "name":
                norm_n = lambda xs: {x.lower() for x in xs}
                verdict = "same" if norm_n(o) == norm_n(t) else ("ours ⊂ theirs" if norm_n(o) < norm_n(t) else
                                                                 "theirs ⊂ ours" if norm_n(t) < norm_n(o) else "differ")
            else:
                verdict = "same" if o == t else "differ"
            rows.append(("Patient." + k, fmt(o), fmt(t), verdict))
        # identifier systems
        osys = {x.split("|")[0] for x in ok["identifier"]}
        tsys = {x.split("|")[0] for x in tk["identifier"]}
        if any(s.startswith("https://fhir.nhs.uk/Id/nhs-number") for s in osys) and not any("nhs-number" in s for s in tsys):
            rep["ours_better"].append("NHS number gets system https://fhir.nhs.uk/Id/nhs-number (theirs: %s)" % fmt(sorted(tsys)))
        if "" in tsys and "" not in osys:
            rep["ours_better"].append("every Patient identifier has a system (theirs has identifiers without one)")

    # Observations: match by code
    oobs, tobs = by(o_res, "Observation"), by(t_res, "Observation")
    if oobs or tobs:
        tmap = collections.defaultdict(list)
        for r in tobs:
            for c in obs_keys(r)["code"]:
                tmap[code_only(c)].append(r)
        matched = 0
        for r in oobs:
            k = obs_keys(r)
            codes = [code_only(c) for c in k["code"]]
            cand = next((tmap[c].pop(0) for c in codes if tmap.get(c)), None)
            label = "Observation " + fmt(codes, 30)
            if cand is None:
                rows.append((label, show_value(k["value"]) + " [" + str(k["status"]) + "]", "(none)", "only ours"))
                continue
            matched += 1
            tk = obs_keys(cand)
            sys_o = {c.split("|")[0] for c in k["code"]}
            sys_t = {c.split("|")[0] for c in tk["code"]}
            parts = []
            ov, tv = k["value"], tk["value"]
            if ov and tv and ov[0] == tv[0] == "Q":
                if not num_eq(ov[1], tv[1]):
                    parts.append("value differs")
                elif str(ov[1]) != str(tv[1]):
                    parts.append("precision %s vs %s" % (ov[1], tv[1]))
                    rep["ours_better"].append("%s: value %s kept as sent (theirs %s)" % (label, ov[1], tv[1]))
                if (ov[2] or "") != (tv[2] or ""):
                    parts.append("unit %s vs %s" % (ov[2], tv[2]))
            elif (ov is None) != (tv is None):
                parts.append("value only " + ("ours" if ov else "theirs"))
                if tv and not ov:
                    rep["theirs_better"].append("%s: they carry value %s, we do not" % (label, show_value(tv)))
                if ov and not tv:
                    rep["ours_better"].append("%s: we carry value %s, they do not" % (label, show_value(ov)))
            elif ov and tv and (ov[0] != tv[0] or norm(show_value(ov)) != norm(show_value(tv))):
                parts.append("value %s vs %s" % (show_value(ov), show_value(tv)))
            if k["status"] != tk["status"]:
                parts.append("status %s vs %s" % (k["status"], tk["status"]))
            if sys_o != sys_t:
                parts.append("code system %s vs %s" % (fmt(sorted(sys_o)), fmt(sorted(sys_t))))
            if k["effective"] and tk["effective"] and k["effective"] != tk["effective"]:
                parts.append("effective %s vs %s (%s)" % (k["effective"], tk["effective"],
                                                          time_verdict(k["effective"], tk["effective"])))
            rows.append((label, show_value(ov) + " [" + str(k["status"]) + "]",
                         show_value(tv) + " [" + str(tk["status"]) + "]", "; ".join(parts) or "same"))
        left = [r for lst in tmap.values() for r in lst]
        seen = set()
        for r in left:
            if id(r) in seen:
                continue
            seen.add(id(r))
            tk = obs_keys(r)
            rows.append(("Observation " + fmt([code_only(c) for c in tk["code"]], 30), "(none)",
                         show_value(tk["value"]) + " [" + str(tk["status"]) + "]", "only theirs"))

    # Encounter
    oe, te = by(o_res, "Encounter"), by(t_res, "Encounter")
    if oe or te:
        ok = encounter_keys(oe[0]) if oe else {"class": ["(none)"], "period": ["(none)"]}
        tk = encounter_keys(te[0]) if te else {"class": ["(none)"], "period": ["(none)"]}
        for k in ("class", "period"):
            o, t = ok[k][0], tk[k][0]
            if k == "class":
                verdict = "same" if o == t else ("same code, system differs" if code_only(o) == code_only(t) else "differ")
            else:
                os_, ts_ = o.split(" .. "), t.split(" .. ")
                vs = [time_verdict(a, b) for a, b in zip(os_, ts_)] if len(os_) == len(ts_) == 2 else ["differ"]
                verdict = "same" if all(v == "same" for v in vs) else "; ".join(
                    "%s: %s" % (n, v) for n, v in zip(("start", "end"), vs) if v != "same")
            rows.append(("Encounter." + k, o, t, verdict))

    # other coded resources
    for t, field in CODE_FIELD.items():
        o_codes = sorted(c for r in by(o_res, t) for c in codings(r.get(field)))
        t_codes = sorted(c for r in by(t_res, t) for c in codings(r.get(field)))
        if not o_codes and not t_codes:
            continue
        oc_ = {code_only(c) for c in o_codes}
        tc_ = {code_only(c) for c in t_codes}
        verdict = "same" if o_codes == t_codes else ("same codes, systems differ" if oc_ == tc_ else
                                                     "ours ⊂ theirs" if oc_ < tc_ else "theirs ⊂ ours" if tc_ < oc_ else "differ")
        rows.append(("%s.%s" % (t, field), fmt(o_codes, 60), fmt(t_codes, 60), verdict))

    # timezone offsets: do our dateTimes keep the sender's offset where theirs changes/drops it?
    o_dt = [v for p, v in leaf_strings(ours) if re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d", v)]
    t_dt = [v for p, v in leaf_strings(theirs) if re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d", v)]
    o_off = sorted({v[19:] if len(v) > 19 else "" for v in o_dt} - {""})
    t_off = sorted({re.sub(r"^\.\d+", "", v[19:]) for v in t_dt if len(v) > 19})
    if o_dt or t_dt:
        rows.append(("dateTime offsets", fmt(o_off), fmt(t_off), "same" if o_off == t_off else "differ"))

    # the other direction: what we report as not mapped that they carry
    msg = read_v2(inp)
    t_leaves = leaf_strings(theirs)
    t_set = {norm(v) for _, v in t_leaves}
    t_text = "\n".join(norm(v) for _, v in t_leaves)
    unmapped_they_have, unmapped_they_drop = [], []
    for i in issues:
        for loc in L(i.get("location")):
            if "not mapped" not in str(i.get("diagnostics", "")) and i.get("code") != "not-supported":
                continue
            val = v2_value(msg, loc)
            if val is None or not val.strip() or val.strip() == '""':
                continue
            (unmapped_they_have if found_in(val, t_text, t_set) else unmapped_they_drop).append((loc, val))
    rep["unmapped_they_have"] = unmapped_they_have
    rep["unmapped_both"] = unmapped_they_drop
    for loc, val in unmapped_they_have:
        rep["theirs_better"].append("%s = %r: we report not mapped, it appears in theirs" % (loc, val[:50]))

    # what we keep that they lose: our leaf values (from the input) absent from theirs
    o_leaves = [(p, v) for p, v in leaf_strings({"entry": [{"resource": r} for r in o_res]})
                if not p.endswith("system") and not p.endswith("div") and len(v) >= 3
                and not re.match(r"^(urn:|http)", v)]
    t_instants = {instant(v) for _, v in t_leaves} - {None}
    raw_in = norm(open(inp, "rb").read().decode("utf-8", "replace"))
    lost = []
    for p, v in o_leaves:
        n = norm(v)
        if p.endswith("resourceType"):
            continue
        from_input = n in raw_in or (re.match(r"^\d{4}-\d\d", v) and re.sub(r"[-T:]", "", v[:19]) in raw_in.replace(" ", "")) \
            or (re.match(r"^-?\d", v) and v in raw_in)
        if not from_input:
            continue  # a constant or derived value (category, status, use...), not sender data
        if n in t_set or (len(n) >= 8 and n in t_text):
            continue
        # dates: compare on their date prefix
        if re.match(r"^\d{4}-\d\d", v) and (any(n[:16] == x[:16] for x in t_set)
                                              or (instant(v) is not None and instant(v) in t_instants)):
            continue
        # numbers: numeric equality
        if re.match(r"^-?\d+(\.\d+)?$", v) and any(re.match(r"^-?\d+(\.\d+)?$", x) and num_eq(v, x) for x in t_set):
            continue
        lost.append((p, v))
    rep["we_keep_they_drop"] = lost
    rep["rows"] = rows
    return rep


def print_report(rep, verbose):
    print("=" * 100)
    print(rep["name"])
    if rep.get("error"):
        print("  ERROR running translate:", rep["error"])
        return
    print("  resource counts (ours / theirs); our OperationOutcome lists %d issue(s)" % rep["issues"])
    for t, (o, th) in rep["counts"].items():
        mark = "" if o == th else ("  <- only theirs" if o == 0 else "  <- only ours" if th == 0 else "  <- differs")
        print("    %-22s %3d / %3d%s" % (t, o, th, mark))
    print("  %-34s | %-30s | %-30s | %s" % ("key value", "ours", "theirs", "verdict"))
    for what, o, t, v in rep["rows"]:
        print("  %-34s | %-30s | %-30s | %s" % (what[:34], fmt(o, 30), fmt(t, 30), v))
    if rep["unmapped_they_have"]:
        print("  we report NOT MAPPED, but the value appears in theirs (%d):" % len(rep["unmapped_they_have"]))
        for loc, val in rep["unmapped_they_have"][: None if verbose else 25]:
            print("    %-14s %r" % (loc, val[:70]))
        if not verbose and len(rep["unmapped_they_have"]) > 25:
            print("    ... (%d more, --verbose)" % (len(rep["unmapped_they_have"]) - 25))
    print("  we report NOT MAPPED and it is absent from theirs too: %d location(s)%s" % (
        len(rep["unmapped_both"]), (": " + fmt([l for l, _ in rep["unmapped_both"]], 200)) if rep["unmapped_both"] else ""))
    if rep["we_keep_they_drop"]:
        print("  values we carry that do not appear in theirs (%d):" % len(rep["we_keep_they_drop"]))
        for p, v in rep["we_keep_they_drop"][: None if verbose else 15]:
            print("    %-50s %r" % (p[:50], v[:60]))
        if not verbose and len(rep["we_keep_they_drop"]) > 15:
            print("    ... (%d more, --verbose)" % (len(rep["we_keep_they_drop"]) - 15))
    for s in rep["ours_better"]:
        print("  + ours:", s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hiebroker", default=os.path.join(REPO, "build", "bin", "hiebroker"))
    ap.add_argument("--expected", default=os.path.normpath(os.path.join(REPO, "..", "shared", "data", "expected")))
    ap.add_argument("--pair", help="only pairs whose name contains this")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--json", help="also write the full report as JSON to this file")
    a = ap.parse_args()
    if not os.access(a.hiebroker, os.X_OK):
        print("hiebroker not found/executable: %s" % a.hiebroker)
        return 0
    pairs = find_pairs(a.expected)
    if a.pair:
        pairs = [p for p in pairs if a.pair in p[1]]
    reports = []
    for group, name, inp, exp in pairs:
        rep = compare_pair(a.hiebroker, group, name, inp, exp, a.verbose)
        reports.append(rep)
        print_report(rep, a.verbose)

    print("=" * 100)
    print("SUMMARY (%d HL7 v2 pairs; ours = %s --utc-offset +00:00)" % (len(reports), a.hiebroker))
    print("  %-52s %9s %9s %6s %6s %6s %6s" % ("pair", "ours res", "their res", "same", "differ", "unmap*", "kept†"))
    tot = collections.Counter()
    for r in reports:
        if r.get("error"):
            print("  %-52s ERROR %s" % (r["name"], r["error"][:40]))
            continue
        o = sum(x[0] for x in r["counts"].values())
        t = sum(x[1] for x in r["counts"].values())
        same = sum(1 for row in r["rows"] if row[3] == "same")
        diff = len(r["rows"]) - same
        print("  %-52s %9d %9d %6d %6d %6d %6d" % (r["name"][:52], o, t, same, diff,
                                                 len(r["unmapped_they_have"]), len(r["we_keep_they_drop"])))
        tot.update(ours=o, theirs=t, same=same, diff=diff, unmap=len(r["unmapped_they_have"]),
                   kept=len(r["we_keep_they_drop"]))
    print("  %-52s %9d %9d %6d %6d %6d %6d" % ("TOTAL", tot["ours"], tot["theirs"], tot["same"], tot["diff"],
                                             tot["unmap"], tot["kept"]))
    print("  * unmap: input values we report as not mapped that appear in their Bundle (heuristic value match)")
    print("  † kept: values in our resources that appear nowhere in theirs (heuristic value match)")
    types = collections.Counter()
    for r in reports:
        for t, (o, th) in r.get("counts", {}).items():
            if th and not o:
                types["only theirs: " + t] += th
            if o and not th:
                types["only ours: " + t] += o
    if types:
        print("  resource types emitted by one side only (summed over pairs):")
        for k, v in sorted(types.items()):
            print("    %-40s %d" % (k, v))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(reports, f, indent=1, ensure_ascii=False, default=str)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(0)
