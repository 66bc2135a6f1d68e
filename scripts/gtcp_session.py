#!/usr/bin/env python3
"""One gtcp connection driven line by line, for checks that act on a live connection.

Each line on standard input, "ACT DATA", is sent as a message; each message from the server is
printed as "ACT DATA", except the replies to the heartbeat sent every HEARTBEAT seconds that
keeps the connection from the idle timeout. Exits 0 after the server's doexit, 1 when the
server closes the connection without one.

    gtcp_session.py HOST PORT [HEARTBEAT]
"""
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True
from gtcp_example_client import recv_msg, send_pkg  # noqa: E402


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    heartbeat = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
    sock = socket.create_connection((host, port), timeout=10)
    sock.settimeout(None)
    lock = threading.Lock()

    def send_lines():
        for line in sys.stdin:
            act, _, data = line.rstrip("\n").partition(" ")
            try:
                send_pkg(sock, lock, act, data)
            except OSError:
                return

    def send_heartbeats():
        while True:
            time.sleep(heartbeat)
            try:
                send_pkg(sock, lock, "heartbeat")
            except OSError:
                return

    threading.Thread(target=send_lines, daemon=True).start()
    threading.Thread(target=send_heartbeats, daemon=True).start()
    while True:
        msg = recv_msg(sock)
        if msg is None:
            return 1
        if msg["Act"] == "heartbeat":
            continue
        print(f"{msg['Act']} {msg['Data']}", flush=True)
        if msg["Act"] == "doexit":
            return 0


if __name__ == "__main__":
    sys.exit(main())
