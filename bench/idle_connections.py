#!/usr/bin/env python3
"""Holds N idle keep-alive HTTP connections to a server and measures what they cost it in memory.

Each connection sends one `GET PATH` and reads the answer, so the server has taken it fully
(accepted, parsed, answered) and holds it as an idle keep-alive connection. The server's resident
memory (VmRSS, summed over PIDS, e.g. nginx's master and workers) is read before the first
connection and once all N are held; the difference over N is the memory per idle connection.
Before closing, every 100th connection asks again, to show the server really kept them.
usage: idle_connections.py --port P --pids PID[,PID...] [--connections 10000] [--path /healthz]
prints one JSON line.
"""
import argparse
import json
import resource
import socket
import sys
import time


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def ask(sock, request):
    """Sends one request and reads one whole answer (headers and Content-Length body)."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed by the server")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed by the server")
        body += chunk
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        raise ConnectionError(f"status {status}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pids", required=True)
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--path", default="/healthz")
    parser.add_argument("--settle-seconds", type=float, default=2.0)
    args = parser.parse_args()
    pids = [int(p) for p in args.pids.split(",") if p]

    # One descriptor per connection, plus a few of our own.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < args.connections + 64:
        sys.exit(f"idle_connections: the descriptor limit ({hard}) is below {args.connections} connections")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    request = f"GET {args.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    time.sleep(args.settle_seconds)
    before = rss_kib(pids)
    started = time.monotonic()
    held = []
    for _ in range(args.connections):
        sock = socket.create_connection(("127.0.0.1", args.port))
        ask(sock, request)
        held.append(sock)
    opened_seconds = time.monotonic() - started
    time.sleep(args.settle_seconds)
    after = rss_kib(pids)

    probed = alive = 0
    for sock in held[::100]:
        probed += 1
        try:
            ask(sock, request)
            alive += 1
        except (ConnectionError, OSError):
            pass
    for sock in held:
        sock.close()

    print(json.dumps({
        "connections": args.connections,
        "rss_before_kib": before,
        "rss_after_kib": after,
        "bytes_per_connection": (after - before) * 1024 / args.connections,
        "open_seconds": round(opened_seconds, 2),
        "probed": probed,
        "alive": alive,
    }))


if __name__ == "__main__":
    main()
