"""HL7 v2 for the proof harnesses: the ADT^A01 admissions they send, the fields they read back
from ACKs and deliveries, and the AA a subscriber answers with.

Every admission is its own synthetic patient: an NHS number from a range no one is issued, a
local MRN and a visit number (PV1-19) that both carry the control id, so a delivery (whose MSH-10
is the broker's event id) is matched to its admission by PV1-19."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from query_fanout_setup import nhs_numbers  # noqa: E402  (bench/ is not a package)

VISIT_PREFIX = "V"


def patient_nhs_number(index, base):
    """The NHS number of admission `index`, distinct for every index: stems are two apart, so
    when a stem has no check digit and nhs_numbers moves on to the next one, that stem is
    still nobody else's."""
    return nhs_numbers(1, base + 2 * index)[0]


def admission(control_id, nhs_number, facility="PROOF"):
    """An ADT^A01 (original-mode ACK) for one patient, visit number V<control id>."""
    when = time.strftime("%Y%m%d%H%M%S+0000", time.gmtime())
    pv1 = [""] * 45
    pv1[0], pv1[1], pv1[2], pv1[3] = "PV1", "1", "I", "WARD1^BED1"
    pv1[19], pv1[44] = VISIT_PREFIX + control_id, when
    segments = [
        "MSH|^~\\&|PROOF|%s|HIE|HIE|%s||ADT^A01^ADT_A01|%s|P|2.5.1" % (facility, when, control_id),
        "EVN|A01|" + when,
        "PID|1||%s^^^NHS^NH~M%s^^^PROOF^MR||PROOF^PATIENT||19700101|F|||1 HIGH STREET^^LEEDS^^LS1 1AA"
        % (nhs_number, control_id),
        "|".join(pv1),
    ]
    return ("\r".join(segments) + "\r").encode()


def segments(message):
    """{segment name: its fields} for the first segment of each name (fields[n] is SEG-n,
    except MSH, where fields[n] is MSH-(n+1) because MSH-1 is the separator itself)."""
    out = {}
    for line in message.decode("utf-8", "replace").replace("\n", "\r").split("\r"):
        fields = line.split("|")
        if fields[0] and fields[0] not in out:
            out[fields[0]] = fields
    return out


def field(message_segments, name, number):
    """SEG-number as text ('' when absent), first component only."""
    fields = message_segments.get(name, [])
    index = number - 1 if name == "MSH" else number
    return fields[index].split("^")[0] if index < len(fields) else ""


def ack_code(ack):
    """(MSA-1, MSA-2) of an ACK."""
    parsed = segments(ack)
    return field(parsed, "MSA", 1), field(parsed, "MSA", 2)


def delivered_admission(message):
    """(MSH-10, the admission's control id from PV1-19) of a delivered message; the control id
    is None when the message is not one of ours."""
    parsed = segments(message)
    visit = field(parsed, "PV1", 19)
    control_id = visit[len(VISIT_PREFIX):] if visit.startswith(VISIT_PREFIX) else None
    return field(parsed, "MSH", 10), control_id


def accept(message):
    """The AA a subscriber answers `message` with: MSA-2 is its MSH-10."""
    parsed = segments(message)
    control_id = field(parsed, "MSH", 10)
    when = time.strftime("%Y%m%d%H%M%S+0000", time.gmtime())
    return ("MSH|^~\\&|HIE|HIE|PROOF|PROOF|%s||ACK^A01^ACK|ACK-%s|P|2.5.1\rMSA|AA|%s\r"
            % (when, control_id, control_id)).encode()
