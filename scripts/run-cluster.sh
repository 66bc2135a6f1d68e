#!/usr/bin/env bash
# `make run-cluster`: two gateways in cluster mode sharing a throwaway PostgreSQL, with the
# example upstream, all on loopback, until Ctrl-C; then everything stops and the database's
# files go with the scratch directory. The database is set up by deploy/cluster/postgres-setup.sql,
# as in production. With a COMMAND, runs it instead of waiting, with the addresses in
# NODE_A_GTCP, NODE_A_ADMIN, NODE_B_GTCP and NODE_B_ADMIN, and exits with its status.
#
#   scripts/run-cluster.sh BINARY [COMMAND [ARGS...]]
set -euo pipefail

binary=$(realpath "${1:?usage: scripts/run-cluster.sh BINARY [COMMAND [ARGS...]]}")
shift
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/scratch.sh"
db_port=${CLUSTER_DB_PORT:-55432}
upstream=127.0.0.1:8080

# PostgreSQL refuses to run as root; as root, its files and processes belong to `postgres`.
as_db_owner() {
    if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts one gateway in the background, its log lines prefixed with its node name.
start_gateway() {
    local node=$1 listen=$2 admin=$3
    "$binary" serve --listen "$listen" --admin-listen "$admin" --upstream "http://$upstream/acts/{act}" \
        --node-name "$node" --cluster-database-url "postgres://gtcp_gateway@127.0.0.1:$db_port/gtcp" \
        --cluster-password-file "$work/cluster-password" \
        > >(sed -u "s/^/[$node] /") 2>&1 &
    pids+=($!)
}

# Waits (bounded, 20 s) until a gateway's /readyz answers 200.
wait_ready() {
    python3 - "$1" <<'PY'
import sys, time, urllib.request
for _ in range(200):
    try:
        urllib.request.urlopen(f"http://{sys.argv[1]}/readyz", timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(f"the gateway with admin API {sys.argv[1]} did not get ready")
PY
}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir "$work/db"
[[ $(id -u) == 0 ]] && chmod 755 "$work" && chown postgres "$work/db"
as_db_owner "$pg_bin/initdb" -D "$work/db/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
as_db_owner "$pg_bin/pg_ctl" -D "$work/db/data" -l "$work/db/log" -w -s \
    -o "-p $db_port -k $work/db -c listen_addresses=127.0.0.1" start
# The gateways go first, so that they do not see the database vanish under them.
stop_all() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait
    as_db_owner "$pg_bin/pg_ctl" -D "$work/db/data" -m fast -w -s stop
    cleanup
}
trap stop_all EXIT

head -c 18 /dev/urandom | base64 >"$work/cluster-password"
as_db_owner psql -q -h "$work/db" -p "$db_port" -U postgres -v ON_ERROR_STOP=1 \
    -v password="$(cat "$work/cluster-password")" -f "$root/deploy/cluster/postgres-setup.sql" >/dev/null

"$binary" example-upstream --listen "$upstream" > >(sed -u "s/^/[upstream] /") 2>&1 &
pids+=($!)
export NODE_A_GTCP=127.0.0.1:8999 NODE_A_ADMIN=127.0.0.1:8989 NODE_B_GTCP=127.0.0.1:9999 NODE_B_ADMIN=127.0.0.1:9989
start_gateway gateway-a "$NODE_A_GTCP" "$NODE_A_ADMIN"
start_gateway gateway-b "$NODE_B_GTCP" "$NODE_B_ADMIN"
wait_ready "$NODE_A_ADMIN"
wait_ready "$NODE_B_ADMIN"
if (($# > 0)); then
    "$@"
    exit
fi

cat <<TEXT

Two gateways share PostgreSQL on 127.0.0.1:$db_port (database gtcp, role gtcp_gateway):
  gateway-a: gtcp clients on 127.0.0.1:8999, admin API on 127.0.0.1:8989
  gateway-b: gtcp clients on 127.0.0.1:9999, admin API on 127.0.0.1:9989
In another terminal:
  B=\$(swift build --show-bin-path)/gtcp-gateway
  \$B client --connect 127.0.0.1:9999 &                  # a client on gateway-b
  curl -s 127.0.0.1:8989/connections                     # gateway-a lists it, with "node": "gateway-b"
  curl -s 127.0.0.1:8989/cluster/nodes
  curl -s -X POST 127.0.0.1:8989/connections/doexit      # gateway-a tells it to exit, through gateway-b
Ctrl-C stops everything.
TEXT
wait
