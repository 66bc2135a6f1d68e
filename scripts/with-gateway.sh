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

source "$(dirname "${BASH_SOURCE[0]}")/listening.sh"

"$binary" example-upstream --listen 127.0.0.1:0 >"$work/upstream.log" 2>&1 &
pids+=($!)
upstream=$(listening_on "$work/upstream.log" "listening on")

export GTCP_GATEWAY_ADMIN_TOKEN=${GTCP_GATEWAY_ADMIN_TOKEN:-contract-test-token}
GATEWAY_BINARY=$binary start_gateway "$work/gateway.log" --upstream "http://$upstream/acts/{act}"
export LOG_LEVEL=warning
GATEWAY_PORT=$gateway_port
ADMIN_URL="http://127.0.0.1:$admin_port"
GATEWAY_PID=$gateway_pid
export GATEWAY_PORT ADMIN_URL GATEWAY_PID

status=0
"$@" || status=$?

kill -TERM "$gateway_pid"
if ! wait "$gateway_pid"; then
    echo "the gateway did not exit cleanly on SIGTERM:" >&2
    cat "$work/gateway.log" >&2
    status=1
fi
exit $status
