"""What the soak runs against, made from the benchmarks' own pieces: scripts/gen-dev-certs for
the certificates, bench/query_fanout_setup.py for the exchanges that answer queries (hie-sim
peers over WebSocket + mTLS) and their datasets, bench/event_fanout_setup.py for the MLLP source
and subscribers; this module merges their two configs into one broker config and starts the
peers."""
import concurrent.futures
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def run(command, **kwargs):
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, **kwargs).stdout


def query_side(work, exchanges, holders, patients):
    """Certificates and the query benchmark's config and datasets under WORK/query; returns
    (its config, the exchange ids, the patients' NHS numbers)."""
    ids = ["bench%02d" % (i + 1) for i in range(exchanges)]  # query_fanout_setup.py's names
    certs = os.path.join(work, "certs")
    run([os.path.join(ROOT, "scripts", "gen-dev-certs"), "--out", certs] + ids)
    query = os.path.join(work, "query")
    nhs_numbers = run([sys.executable, os.path.join(ROOT, "bench", "query_fanout_setup.py"), query, certs,
                       "--exchanges", str(exchanges), "--holders", str(holders), "--patients", str(patients)]).split()
    with open(os.path.join(query, "broker.json")) as f:
        return json.load(f), ids, nhs_numbers


def event_side(work, subscribers):
    """The event benchmark's config under WORK/events: one MLLP source, N MLLP subscribers."""
    events = os.path.join(work, "events")
    run([sys.executable, os.path.join(ROOT, "bench", "event_fanout_setup.py"), events,
         "--subscribers", str(subscribers)])
    with open(os.path.join(events, "broker.json")) as f:
        return json.load(f)


def write_config(work, exchanges, holders, patients, subscribers):
    """WORK/broker.json: the query side's exchanges and HTTP(S) listeners plus the event side's
    MLLP listener and exchanges, one store WORK/broker.db. Returns (config path, peer ids,
    patients' NHS numbers, subscribers as [(exchange id, port)])."""
    config, peer_ids, nhs_numbers = query_side(work, exchanges, holders, patients)
    events = event_side(work, subscribers)
    config["listeners"]["mllp"] = events["listeners"]["mllp"]
    config["exchanges"] += events["exchanges"]
    config["store"]["sqlite"]["path"] = os.path.join(work, "broker.db")
    path = os.path.join(work, "broker.json")
    with open(path, "w") as f:
        json.dump(config, f, indent=1)
    receivers = [(e["id"], e["mllp_delivery"]["port"]) for e in events["exchanges"] if "mllp_delivery" in e]
    return path, peer_ids, nhs_numbers, receivers


def tokens(hiebroker, config, nhs_numbers, ttl_s):
    """[(NHS number, patient token)], signed by the config's development issuer. Made a few at
    a time: a sanitized hiebroker takes most of a second to start."""
    ttl = str(min(86400, max(60, int(ttl_s))))  # dev-token takes 1 s to a day

    def token(nhs):
        return nhs, run([hiebroker, "dev-token", "--config", config, "--patient", nhs, "--ttl", ttl]).strip()

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(token, nhs_numbers))


def start_peers(hie_sim, work, peer_ids, https_port, latency_ms):
    """One hie-sim peer per query exchange, as bench/query_fanout starts them."""
    certs, query = os.path.join(work, "certs"), os.path.join(work, "query")
    peers = []
    with open(os.path.join(work, "sims.err"), "a") as err:
        for pid in peer_ids:
            peers.append(subprocess.Popen(
                [hie_sim, "peer", "--url", "wss://127.0.0.1:%d/peer" % https_port,
                 "--dataset", os.path.join(query, pid + ".json"), "--latency-ms", str(latency_ms),
                 "--cert", os.path.join(certs, pid + ".crt"), "--key", os.path.join(certs, pid + ".key"),
                 "--ca", os.path.join(certs, "ca.crt")],
                stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL))
    return peers


def stop_peers(peers):
    for p in peers:
        if p.poll() is None:
            p.terminate()
    for p in peers:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
