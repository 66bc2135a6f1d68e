#!/usr/bin/env bash
# The client scenario `make test-systemd` runs against `gtcp-gateway serve` under the unit's
# system call policy (scripts/check-seccomp.sh --while), so that every path a running gateway
# takes is made under it: hello, acts forwarded through libcurl (name resolution of
# "localhost" included) with a reply and with an upstream error, the admin API with a token,
# pushes, doexit, sd_notify with the watchdog, and a reload on SIGHUP. check-seccomp.sh then
# stops the gateway with SIGTERM: the drain runs under the policy too.
#
#   scripts/seccomp-serve-scenario.sh BINARY UPSTREAM_PORT
#
# From check-seccomp.sh: SERVER_LOG, SERVER_PID. From the gateway's environment:
# GTCP_GATEWAY_ADMIN_TOKEN, NOTIFY_SOCKET (an abstract name, @...). The gateway must forward to
# http://localhost:UPSTREAM_PORT/acts/{act}, where this starts the example upstream.
set -euo pipefail

binary=${1:?usage: scripts/seccomp-serve-scenario.sh BINARY UPSTREAM_PORT}
upstream_port=${2:?usage: scripts/seccomp-serve-scenario.sh BINARY UPSTREAM_PORT}
: "${SERVER_LOG:?run by scripts/check-seccomp.sh --while}" "${SERVER_PID:?}"
: "${GTCP_GATEWAY_ADMIN_TOKEN:?}" "${NOTIFY_SOCKET:?}"

source "$(dirname "${BASH_SOURCE[0]}")/scratch.sh"
source "$(dirname "${BASH_SOURCE[0]}")/listening.sh"

step() { echo "seccomp scenario: $*" >&2; }

# Retries a command for up to 10 seconds, while the gateway runs.
wait_for() {
    local what=$1
    shift
    for _ in $(seq 1 100); do
        "$@" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    step "FAILED: $what"
    return 1
}

logged() { grep -q -- "$1" "$SERVER_LOG"; }
notified() { grep -q -- "$1" "$work/notify"; }
# READY=1 in a notification after the first RELOADING=1.
ready_after_reload() { awk '/RELOADING=1/ { reloading = 1 } reloading && /READY=1/ { found = 1 } END { exit !found }' "$work/notify"; }

# Fails unless COMMAND prints exactly EXPECTED.
expect_output() {
    local expected=$1 actual
    shift
    actual=$("$@") || { step "FAILED: '$*' exited with $?"; return 1; }
    [ "$actual" = "$expected" ] || { step "FAILED: '$*' printed '$actual', not '$expected'"; return 1; }
}

admin() {
    curl -sS --fail-with-body -H "Authorization: Bearer $GTCP_GATEWAY_ADMIN_TOKEN" "$@"
}

# Stands in for systemd's notify socket; bound late, so READY=1 may be missed, but the
# watchdog repeats and RELOADING=1 comes after.
/usr/bin/python3 -u -c '
import socket, sys
listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
listener.bind("\0" + sys.argv[1][1:])
while True:
    print(listener.recv(4096).decode().replace("\n", " "))
' "$NOTIFY_SOCKET" >"$work/notify" &
pids+=($!)

"$binary" example-upstream --listen "127.0.0.1:$upstream_port" >"$work/upstream.log" 2>&1 &
pids+=($!)
listening_on "$work/upstream.log" "listening on" >/dev/null

wait_for "the gateway ready" logged " ready$"
gateway=$(listening_on "$SERVER_LOG" "gtcp listener on")
admin_url="http://$(listening_on "$SERVER_LOG" "admin API on")"
step "gateway on $gateway, admin API on $admin_url"
client() { "$binary" client --connect "$gateway" "$@"; }

step "probes"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$admin_url/readyz")" = 200 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' "$admin_url/healthz")" = 200 ]

step "hello and forwarded acts"
expect_output "hello Nice to meet you!" client --act hello --data me
expect_output 'echo {"x":1}' client --act echo --data '{"x":1}'
expect_output 'sum {"sum":6}' client --act sum --data '[1,2,3]'
client --act time >/dev/null
client --act whoami >/dev/null
if client --act nosuch 2>"$work/nosuch"; then
    step "FAILED: an act the upstream does not know succeeded"
    exit 1
fi
grep -q '"status":404' "$work/nosuch"

step "a long-lived client, pushes and metrics"
client --heartbeat-interval 100ms --hello-after 100ms --name seccomp >"$work/client.log" 2>&1 &
long_lived=$!
pids+=("$long_lived")
wait_for "the long-lived client listed" bash -c \
    "curl -sf -H 'Authorization: Bearer $GTCP_GATEWAY_ADMIN_TOKEN' '$admin_url/connections?clientName=seccomp' | grep -q '\"id\"'"
id=$(admin "$admin_url/connections?clientName=seccomp" | jq -r '.connections[0].id')
admin -X POST -H 'Content-Type: application/json' -d '{"act":"note","data":"one"}' "$admin_url/connections/$id/messages" >/dev/null
admin -X POST -H 'Content-Type: application/json' -d '{"act":"note","data":"all"}' "$admin_url/messages" >/dev/null
admin "$admin_url/metrics" | grep -q '^gtcp_'
wait_for "the pushes delivered" grep -q 'act=note data=all' "$work/client.log"

step "sd_notify"
wait_for "WATCHDOG=1 pings" notified "WATCHDOG=1"
wait_for "STATUS= with the connection count" notified "STATUS=serving 1 connections"

step "reload on SIGHUP"
kill -HUP "$SERVER_PID"
wait_for "the reload logged" logged "configuration reloaded"
wait_for "RELOADING=1 then READY=1" ready_after_reload
expect_output "hello Nice to meet you!" client --act hello

step "doexit through the admin API"
admin -X POST -H 'Content-Type: application/json' -d '{"data":"bye"}' "$admin_url/connections/doexit" >/dev/null
wait "$long_lived"
step "passed"
