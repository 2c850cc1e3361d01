#!/usr/bin/env python3
"""Writes the event fan-out benchmark's broker config into DIR/broker.json: one source exchange
whose HL7 v2 feed arrives over MLLP (the MLLP listener's default exchange), and N subscriber
exchanges that take HL7 v2 over MLLP, each subscribed to every patient's admissions and reached
at its own mllp_delivery port on 127.0.0.1, where `hiebench events` listens.

usage: event_fanout_setup.py DIR [--subscribers 10]
Prints the subscriber ports, comma-separated (free when chosen: the kernel picks them)."""
import argparse
import json
import os
import socket


def free_ports(count):
    """Ports the kernel hands out now; all held open together so that they differ."""
    held = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        held.append(s)
    ports = [s.getsockname()[1] for s in held]
    for s in held:
        s.close()
    return ports


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--subscribers", type=int, default=10)
    a = p.parse_args()
    ports = free_ports(a.subscribers)
    exchanges = [{"id": "source", "format": "hl7v2", "transport": "mllp", "mode": "stored",
                  "default_utc_offset": "+00:00"}]
    for i, port in enumerate(ports):
        exchanges.append({"id": "sub%02d" % (i + 1), "format": "hl7v2", "transport": "mllp", "mode": "stored",
                          "mllp_delivery": {"host": "127.0.0.1", "port": port},
                          "subscriptions": [{"events": ["admission"], "patients": "all"}]})
    config = {
        "threads": 2,
        "listeners": {"http": {"bind": "127.0.0.1", "port": 0},
                      "mllp": {"bind": "127.0.0.1", "port": 0, "default_exchange": "source"}},
        "store": {"sqlite": {"path": os.path.abspath(os.path.join(a.dir, "broker.db"))}},
        "exchanges": exchanges,
        "logging": {"level": "warn", "format": "text"},
    }
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, "broker.json"), "w") as f:
        json.dump(config, f, indent=1)
    print(",".join(str(p) for p in ports))


if __name__ == "__main__":
    main()
