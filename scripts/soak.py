#!/usr/bin/env python3
"""Mixed load on a live gateway for a while: clients speaking gtcp, an operator using the admin API.

Each client says hello, sends heartbeats, hellos and forwarded acts (echo, sum) with a few
requests outstanding, checks that every reply answers its request in order, takes pushes and
broadcasts wherever they fall, and on doexit finishes what it is owed, closes and reconnects, as
the GoFrame example client does. The operator lists and reads connections, pushes, broadcasts
and tells clients to exit. Every SAMPLE seconds one line gives the gateway's RSS and open fds.
Exits 1 if anything went wrong: a wrong or missing reply, a refused connection, an admin error.

    soak.py --port P --admin-url URL --pid PID --seconds S   (token in GTCP_GATEWAY_ADMIN_TOKEN)
"""
import argparse
import asyncio
import json
import os
import random
import struct
import sys
import time
import urllib.error
import urllib.request

CLIENTS = 40
WINDOW = 4
SAMPLE = 10


def pack(act, data=""):
    payload = json.dumps({"Act": act, "Data": data}, separators=(",", ":"), ensure_ascii=False).encode()
    return struct.pack(">H", len(payload)) + payload


class Stats:
    def __init__(self):
        self.requests = self.replies = self.pushes = self.doexits = self.reconnects = 0
        self.admin_calls = 0
        self.errors = []

    def error(self, text):
        if len(self.errors) < 20:
            print("ERROR", text, flush=True)
        self.errors.append(text)


async def read_msg(reader):
    header = await reader.readexactly(2)
    (length,) = struct.unpack(">H", header)
    msg = json.loads(await reader.readexactly(length))
    return msg["Act"], msg["Data"]


def next_request(rng, sequence):
    kind = rng.choice(["hello", "echo", "echo", "sum", "heartbeat"])
    if kind == "hello":
        return "hello", "soak", ("hello", "Nice to meet you!")
    if kind == "echo":
        data = json.dumps({"n": sequence, "pad": "x" * rng.randint(0, 200)})
        return "echo", data, ("echo", data)
    if kind == "sum":
        numbers = [rng.randint(0, 1000) for _ in range(5)]
        # The example backend encodes the sum as a JSON number without a fraction.
        return "sum", json.dumps(numbers), ("sum", f'{{"sum":{sum(numbers)}}}')
    return "heartbeat", "", None


async def client(index, port, stats, deadline):
    rng = random.Random(index)
    name = f"soak-{index}"
    sequence = 0
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError as error:
            stats.error(f"{name}: connect failed: {error}")
            await asyncio.sleep(1)
            continue
        expected = []  # replies owed, in order
        exiting = False
        writer.write(pack("hello", name))
        expected.append(("hello", "Nice to meet you!"))
        stats.requests += 1
        try:
            while True:
                while not exiting and len(expected) < WINDOW and time.monotonic() < deadline:
                    sequence += 1
                    act, data, reply = next_request(rng, sequence)
                    writer.write(pack(act, data))
                    stats.requests += 1
                    if reply:
                        expected.append(reply)
                await writer.drain()
                if not expected and (exiting or time.monotonic() >= deadline):
                    break
                act, data = await asyncio.wait_for(read_msg(reader), 30)
                if act == "news":
                    stats.pushes += 1
                elif act == "doexit":
                    stats.doexits += 1
                    exiting = True
                elif not expected:
                    stats.error(f"{name}: unexpected {act} {data[:80]}")
                else:
                    want = expected.pop(0)
                    stats.replies += 1
                    # Requests that reach the gateway after its doexit are not forwarded.
                    refused = ("error", json.dumps({"act": want[0], "error": "connection is closing"}, separators=(",", ":")))
                    if (act, data) != want and not (exiting and want[0] != "hello" and (act, data) == refused):
                        stats.error(f"{name}: got {act} {data[:80]}, expected {want[0]} {want[1][:80]}")
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError) as error:
            stats.error(f"{name}: connection lost with {len(expected)} replies owed: {error!r}")
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass
        stats.reconnects += 1


def admin(url, token, method, path, body=None):
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, None


async def operator(url, token, stats, deadline):
    rng = random.Random(0)
    loop = asyncio.get_running_loop()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        status, page = await loop.run_in_executor(None, admin, url, token, "GET", "/connections?limit=100")
        stats.admin_calls += 1
        if status != 200:
            stats.error(f"admin list: HTTP {status}")
            continue
        ids = [c["id"] for c in page["connections"]]
        if not ids:
            continue
        target = rng.choice(ids)
        choice = rng.random()
        if choice < 0.4:
            call = ("GET", f"/connections/{target}", None, {200, 404})
        elif choice < 0.8:
            call = ("POST", f"/connections/{target}/messages", {"act": "news", "data": "pushed"}, {202, 404, 409})
        elif choice < 0.95:
            call = ("POST", "/messages", {"act": "news", "data": "broadcast"}, {202})
        else:
            call = ("POST", f"/connections/{target}/doexit", {"data": "soak", "graceSeconds": 5}, {202, 404, 409})
        method, path, body, allowed = call
        status, _ = await loop.run_in_executor(None, admin, url, token, method, path, body)
        stats.admin_calls += 1
        if status not in allowed:
            stats.error(f"admin {method} {path}: HTTP {status}")


def gateway_figures(pid):
    with open(f"/proc/{pid}/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return rss // 1024, len(os.listdir(f"/proc/{pid}/fd"))


async def monitor(pid, stats, started, deadline, samples):
    while True:
        rss, fds = gateway_figures(pid)
        samples.append(rss)
        print(f"t={time.monotonic() - started:5.0f}s rss={rss}MiB fds={fds} requests={stats.requests} "
              f"replies={stats.replies} pushes={stats.pushes} doexits={stats.doexits} "
              f"admin={stats.admin_calls} errors={len(stats.errors)}", flush=True)
        if time.monotonic() >= deadline:
            return
        await asyncio.sleep(min(SAMPLE, max(0.1, deadline - time.monotonic())))


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--admin-url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()
    token = os.environ["GTCP_GATEWAY_ADMIN_TOKEN"]
    stats, samples = Stats(), []
    started = time.monotonic()
    deadline = started + args.seconds
    tasks = [client(index, args.port, stats, deadline) for index in range(CLIENTS)]
    tasks.append(operator(args.admin_url, token, stats, deadline))
    tasks.append(monitor(args.pid, stats, started, deadline, samples))
    await asyncio.gather(*tasks)
    # Once every client has left: what the gateway holds with the load gone.
    for _ in range(100):
        status, page = admin(args.admin_url, token, "GET", "/connections?limit=1")
        if status == 200 and page["total"] == 0:
            break
        await asyncio.sleep(0.1)
    else:
        stats.error("connections still open after the clients left")
    await monitor(args.pid, stats, started, time.monotonic(), samples)
    print(f"soak: {stats.requests} requests, {stats.replies} replies checked, {stats.pushes} pushes, "
          f"{stats.doexits} doexits, {stats.admin_calls} admin calls, {len(stats.errors)} errors; "
          f"RSS MiB first/max/last {samples[0]}/{max(samples)}/{samples[-1]}")
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
