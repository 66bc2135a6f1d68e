#!/usr/bin/env bash
# The GoFrame example scenario with an independent client implementation (Python) against the
# real gateway: the hello is answered and the client exits 0 on the doexit the gateway sends
# after --max-connection-age, as the example server does after 10 s.
#
#   scripts/interop-test.sh BINARY
set -euo pipefail
binary=${1:?usage: scripts/interop-test.sh BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/scratch.sh"
source "$root/scripts/listening.sh"
log=$work/gateway.log

GATEWAY_BINARY=$binary start_gateway "$log" --admin-listen off --max-connection-age 1s
port=$gateway_port

output=$(python3 "$root/scripts/gtcp_example_client.py" 127.0.0.1 "$port" --heartbeat 0.1 --hello-after 0.3 --timeout 20)
echo "$output"
grep -q "hello response message from \[127.0.0.1:$port\]: Nice to meet you!" <<<"$output"
grep -q "exit command from \[127.0.0.1:$port\]" <<<"$output"
grep -q "hello message from \[127.0.0.1:[0-9]*\]: My name's John!" "$log"
echo "interop: passed"
