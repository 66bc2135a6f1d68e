#!/usr/bin/env bash
# Checks a running gateway's admin API against openapi.yaml: validates the spec, then lets
# schemathesis generate bounded requests from it and judge every answer with every check it
# has, the stateful phase following the spec's links from the listing to each connection.
#
#   scripts/contract-test.sh URL [TOKEN]
#
# URL is the admin listener (e.g. http://127.0.0.1:8989). TOKEN, or GTCP_GATEWAY_ADMIN_TOKEN
# when absent, is sent as the bearer token. With GATEWAY_PORT set (scripts/with-gateway.sh
# does), three clients (scripts/contract_client.py) stay connected through the run, each one
# the requests end replaced, so that operations on /connections/{id} meet live ids.
# CONTRACT_MAX_EXAMPLES (default 30) and CONTRACT_MAX_SECONDS (default 300, a ceiling past
# which the run fails) bound the run. The Python tools live in .venv/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
url=${1:?usage: scripts/contract-test.sh URL [TOKEN]}
token=${2:-${GTCP_GATEWAY_ADMIN_TOKEN:-}}
venv="$root/.venv"

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
# Pinned so that a new release cannot change the verdict; pip skips what is already installed.
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==4.32.5" "openapi-spec-validator==0.9.0"

"$venv/bin/openapi-spec-validator" "$root/openapi.yaml"

args=(
    run "$root/openapi.yaml"
    --url "$url"
    --mode all
    --phases examples,coverage,fuzzing,stateful
    --max-examples "${CONTRACT_MAX_EXAMPLES:-30}"
    --request-timeout 10
    --generation-database none
    --workers 1
    --no-color
)
if [[ -n "$token" ]]; then
    args+=(--header "Authorization: Bearer $token")
fi

# Keeps three clients connected, replacing each that a doexit, a close or a message ends; at
# most 1000 starts.
keep_clients() {
    local starts=0
    while ((starts < 1000)); do
        while (($(jobs -rp | wc -l) < 3)); do
            python3 -B "$root/scripts/contract_client.py" "$GATEWAY_PORT" "contract-$starts" >/dev/null 2>&1 &
            starts=$((starts + 1))
        done
        wait -n || true
    done
}
keeper=
if [[ -n "${GATEWAY_PORT:-}" ]]; then
    keep_clients &
    keeper=$!
    # The clients' processes end when the gateway closes their connections.
    trap 'kill "$keeper" 2>/dev/null || true' EXIT
fi

# schemathesis keeps a cache of failing cases in .schemathesis/ of the working directory.
cd "$venv"
# schemathesis's own --max-time keeps fuzzing until the budget is spent; a ceiling does not.
timeout "${CONTRACT_MAX_SECONDS:-300}" "$venv/bin/schemathesis" --config-file "$root/scripts/contract.toml" "${args[@]}"
