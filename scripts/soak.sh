#!/usr/bin/env bash
# Soaks the real binary: the example upstream and the gateway on ephemeral loopback ports
# (scripts/with-gateway.sh), mixed client traffic and admin calls for SECONDS (scripts/soak.py).
#
#   scripts/soak.sh BINARY SECONDS
set -euo pipefail
binary=${1:?usage: scripts/soak.sh BINARY SECONDS}
seconds=${2:?usage: scripts/soak.sh BINARY SECONDS}
here=$(dirname "$0")
exec "$here/with-gateway.sh" "$binary" bash -c \
    "python3 '$here/soak.py' --port \"\$GATEWAY_PORT\" --admin-url \"\$ADMIN_URL\" --pid \"\$GATEWAY_PID\" --seconds $seconds"
