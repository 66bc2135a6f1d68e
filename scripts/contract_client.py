#!/usr/bin/env python3
"""A gtcp client for the contract run: says hello, then answers the first message the gateway
pushes by echoing it (act and data) and closes, so that a request whose reply act is the act
is answered at once and any other ends with the connection instead of waiting for its timeout.
Exits 0 on doexit, 1 when the gateway closes first.

    contract_client.py PORT NAME
"""
import socket
import sys
import threading

sys.dont_write_bytecode = True
from gtcp_example_client import recv_msg, send_pkg  # noqa: E402


def main():
    port, name = int(sys.argv[1]), sys.argv[2]
    lock = threading.Lock()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        send_pkg(sock, lock, "hello", name)
        while True:
            msg = recv_msg(sock)
            if msg is None:
                return 1
            if msg["Act"] == "doexit":
                return 0
            if msg["Act"] not in ("hello", "heartbeat"):
                send_pkg(sock, lock, msg["Act"], msg["Data"])
                return 0


if __name__ == "__main__":
    sys.exit(main())
