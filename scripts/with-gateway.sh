#!/usr/bin/env bash
# Runs a command against a live gateway: starts the example upstream and the gateway on
# ephemeral loopback ports, exports GATEWAY_PORT, GATEWAY_PID, ADMIN_URL and
# GTCP_GATEWAY_ADMIN_TOKEN, runs the command, then stops the gateway with SIGTERM and fails
# unless it exits 0.
#
#   scripts/with-gateway.sh BINARY COMMAND [ARGS...]
set -euo pipefail

binary=${1:?usage: scripts/with-gateway.sh BINARY COMMAND [ARGS...]}
shift
source "$(dirname "${BASH_SOURCE[0]}")/scratch.sh"

# Waits (bounded) for a log line and prints the port at its end.
port_from() {
    local log=$1 pattern=$2
    for _ in $(seq 1 200); do
        if line=$(grep -m1 "$pattern" "$log"); then
            echo "${line##*:}"
            return 0
        fi
        sleep 0.05
    done
    echo "no '$pattern' in $log:" >&2
    cat "$log" >&2
    return 1
}

"$binary" example-upstream --listen 127.0.0.1:0 >"$work/upstream.log" 2>&1 &
pids+=($!)
upstream_port=$(port_from "$work/upstream.log" "listening on")

export GTCP_GATEWAY_ADMIN_TOKEN=${GTCP_GATEWAY_ADMIN_TOKEN:-contract-test-token}
"$binary" serve --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
    --upstream "http://127.0.0.1:$upstream_port/acts/{act}" >"$work/gateway.log" 2>&1 &
gateway=$!
pids+=("$gateway")
export LOG_LEVEL=warning
GATEWAY_PORT=$(port_from "$work/gateway.log" "gtcp listener on")
ADMIN_URL="http://127.0.0.1:$(port_from "$work/gateway.log" "admin API on")"
GATEWAY_PID=$gateway
export GATEWAY_PORT ADMIN_URL GATEWAY_PID

status=0
"$@" || status=$?

kill -TERM "$gateway"
if ! wait "$gateway"; then
    echo "the gateway did not exit cleanly on SIGTERM:" >&2
    cat "$work/gateway.log" >&2
    status=1
fi
exit $status
