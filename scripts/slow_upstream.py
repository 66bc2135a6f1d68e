#!/usr/bin/env python3
"""The upstream of scripts/test-systemd-vm.sh: answers every act with the request's body, the act
"slow" after SLOW_SECONDS, so that requests are in flight while the gateway stops. Each request
is appended to REQUEST_LOG as it arrives, so the check can wait for them.

    slow_upstream.py PORT REQUEST_LOG
"""
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 4


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "a") as log:
            log.write(f"{self.path} {body.decode()}\n")
        if self.path == "/acts/slow":
            time.sleep(SLOW_SECONDS)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
