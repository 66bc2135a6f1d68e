#!/usr/bin/env python3
"""Cross-node push latency: a client on node B, pushes to it through node A's admin API (carried
by PostgreSQL) beside the same pushes through B's own; the time from the admin call until the
message arrives at the client. Loopback only, COUNT pushes per path, one at a time. Prints a
table, or with --json LABEL one JSON line for `gtcp-gateway bench report` (latencies in us).

    cluster_push_latency.py A_ADMIN B_ADMIN B_GTCP [--count N] [--json LABEL]   (addresses as host:port)
"""
import argparse
import http.client
import json
import socket
import struct
import time

from gtcp_example_client import recv_exact, send_pkg
import threading


def read_msg(sock):
    header = recv_exact(sock, 2)
    (length,) = struct.unpack(">H", header)
    return json.loads(recv_exact(sock, length))


def admin(address, method, path, body=None):
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, response.read()


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(samples):
    """Microseconds, in the shape of the bench client's latency summary."""
    micros = [sample * 1000 for sample in samples]
    return {
        "p50": round(percentile(micros, 0.5), 1), "p90": round(percentile(micros, 0.9), 1),
        "p99": round(percentile(micros, 0.99), 1), "p999": round(percentile(micros, 0.999), 1),
        "max": round(max(micros), 1), "mean": round(sum(micros) / len(micros), 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a_admin")
    parser.add_argument("b_admin")
    parser.add_argument("b_gtcp")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--json", metavar="LABEL")
    args = parser.parse_args()

    host, port = args.b_gtcp.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=10)
    send_pkg(sock, threading.Lock(), "hello", "latency-probe")
    read_msg(sock)
    deadline = time.monotonic() + 15
    while True:
        status, body = admin(args.a_admin, "GET", "/connections?clientName=latency-probe")
        listed = json.loads(body)["connections"] if status == 200 else []
        if listed:
            connection_id = listed[0]["id"]
            break
        if time.monotonic() > deadline:
            raise SystemExit("node A never listed the probe client")
        time.sleep(0.05)

    results = {}
    for label, address in (("sameNode", args.b_admin), ("crossNode", args.a_admin)):
        samples = []
        for sequence in range(args.count):
            body = json.dumps({"act": "probe", "data": str(sequence)})
            started = time.perf_counter()
            status, _ = admin(address, "POST", f"/connections/{connection_id}/messages", body)
            message = read_msg(sock)
            samples.append((time.perf_counter() - started) * 1000)
            if status != 202 or message != {"Act": "probe", "Data": str(sequence)}:
                raise SystemExit(f"push {sequence} through {address}: {status} {message}")
        results[label] = samples
    sock.close()

    if args.json:
        command = ("scripts/run-cluster.sh gtcp-gateway scripts/cluster_push_latency.py "
                   f'"$NODE_A_ADMIN" "$NODE_B_ADMIN" "$NODE_B_GTCP" --count {args.count} --json {args.json}')
        print(json.dumps({"kind": "push", "label": args.json, "command": command, "count": args.count,
                          "sameNodeMicroseconds": summary(results["sameNode"]),
                          "crossNodeMicroseconds": summary(results["crossNode"])}))
        return
    print(f"{'path':<28} {'p50 ms':>8} {'p99 ms':>8}  ({args.count} pushes each)")
    for label, name in (("sameNode", "same node (B to its client)"), ("crossNode", "cross node (A to B's client)")):
        samples = results[label]
        print(f"{name:<28} {percentile(samples, 0.5):8.2f} {percentile(samples, 0.99):8.2f}")


if __name__ == "__main__":
    main()
