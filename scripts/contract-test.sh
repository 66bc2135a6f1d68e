#!/usr/bin/env bash
# Checks a running gateway's admin API against openapi.yaml: validates the spec, then lets
# schemathesis generate bounded requests from it and judge every answer.
#
#   scripts/contract-test.sh URL [TOKEN]
#
# URL is the admin listener (e.g. http://127.0.0.1:8989). TOKEN, or GTCP_GATEWAY_ADMIN_TOKEN
# when absent, is sent as the bearer token. CONTRACT_MAX_EXAMPLES (default 30) and
# CONTRACT_MAX_SECONDS (default 300, a ceiling past which the run fails) bound the run. The Python tools live in .venv/.
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
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance
    --mode all
    --phases examples,coverage,fuzzing
    --max-examples "${CONTRACT_MAX_EXAMPLES:-30}"
    --request-timeout 10
    --generation-database none
    --workers 1
    --no-color
)
if [[ -n "$token" ]]; then
    args+=(--header "Authorization: Bearer $token")
fi
# schemathesis keeps a cache of failing cases in .schemathesis/ of the working directory.
cd "$venv"
# schemathesis's own --max-time keeps fuzzing until the budget is spent; a ceiling does not.
exec timeout "${CONTRACT_MAX_SECONDS:-300}" "$venv/bin/schemathesis" "${args[@]}"
