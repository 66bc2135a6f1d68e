#!/usr/bin/env python3
"""An independent implementation of GoFrame's gtcp long-connection example client.

Written from the example's Go source and gtcp's framing rules, not from the gateway's code, so
that `make test` checks the gateway against a second implementation of the protocol: it sends a
heartbeat every interval and a hello after a delay, prints what the Go client prints, exits 0 on
doexit and 1 when the server closes.

    gtcp_example_client.py HOST PORT [--heartbeat SECONDS] [--hello-after SECONDS] [--timeout SECONDS]
"""
import argparse
import json
import socket
import struct
import sys
import threading
import time


def go_json(act, data=""):
    # encoding/json's Marshal of types.Msg: fixed key order, no spaces, <>& escaped, raw UTF-8.
    text = json.dumps({"Act": act, "Data": data}, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


def send_pkg(sock, lock, act, data=""):
    payload = go_json(act, data)
    with lock:  # gtcp sends header and data in one write
        sock.sendall(struct.pack(">H", len(payload)) + payload)


def recv_exact(sock, count):
    chunks = b""
    while len(chunks) < count:
        chunk = sock.recv(count - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return chunks


def recv_msg(sock):
    """The next message as a dict, or None when the server closed the connection."""
    header = recv_exact(sock, 2)
    data = header and recv_exact(sock, struct.unpack(">H", header)[0])
    return json.loads(data) if data else None


def log(line):
    print(time.strftime("%Y-%m-%d %H:%M:%S") + " " + line, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--heartbeat", type=float, default=1.0)
    parser.add_argument("--hello-after", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=30.0)
    options = parser.parse_args()

    sock = socket.create_connection((options.host, options.port), timeout=options.timeout)
    address = f"{options.host}:{options.port}"
    lock = threading.Lock()
    stop = threading.Event()

    def heartbeats():
        while not stop.wait(options.heartbeat):
            try:
                send_pkg(sock, lock, "heartbeat")
            except OSError:
                return

    def hello():
        if not stop.wait(options.hello_after):
            send_pkg(sock, lock, "hello", "My name's John!")

    threading.Thread(target=heartbeats, daemon=True).start()
    threading.Thread(target=hello, daemon=True).start()
    status = 1
    while True:
        header = recv_exact(sock, 2)
        if header is None:
            log("server closed")
            break
        data = recv_exact(sock, struct.unpack(">H", header)[0])
        if data is None:
            log("server closed")
            break
        msg = json.loads(data)
        if msg["Act"] == "hello":
            log(f"hello response message from [{address}]: {msg['Data']}")
        elif msg["Act"] == "doexit":
            log(f"exit command from [{address}]")
            status = 0
            break
        elif msg["Act"] == "heartbeat":
            log(f"heartbeat from [{address}]")
        else:
            log(f"invalid message: {msg}")
    stop.set()
    sock.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
