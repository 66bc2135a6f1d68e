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
source "$root/scripts/listening.sh"

# PostgreSQL refuses to run as root; as root, its files and processes belong to `postgres`.
as_db_owner() {
    if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts node NAME on ephemeral loopback ports and exports NODE_<LETTER>_GTCP and _ADMIN.
start_node() {
    local node=$1 letter=$2
    GATEWAY_BINARY=$binary start_gateway "$work/$node.log" --upstream "http://$upstream/acts/{act}" \
        --node-name "$node" --cluster-database-url "postgres://gtcp_gateway@127.0.0.1:$db_port/gtcp" \
        --cluster-password-file "$work/cluster-password"
    export "NODE_${letter}_GTCP=127.0.0.1:$gateway_port" "NODE_${letter}_ADMIN=127.0.0.1:$admin_port"
}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir "$work/db"
[[ $(id -u) == 0 ]] && chmod 755 "$work" && chown postgres "$work/db"
as_db_owner "$pg_bin/initdb" -D "$work/db/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
# On CLUSTER_DB_PORT, or on a random port below the ephemeral range (where a client connection
# may hold any port), another one should that be taken.
for attempt in 1 2 3 4 5 6 7 8; do
    db_port=${CLUSTER_DB_PORT:-$((15000 + RANDOM % 15000))}
    as_db_owner "$pg_bin/pg_ctl" -D "$work/db/data" -l "$work/db/log" -w -s \
        -o "-p $db_port -k $work/db -c listen_addresses=127.0.0.1" start && break
    if [[ -n ${CLUSTER_DB_PORT:-} || $attempt == 8 ]]; then
        cat "$work/db/log" >&2
        exit 1
    fi
done
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

"$binary" example-upstream --listen 127.0.0.1:0 >"$work/upstream.log" 2>&1 &
pids+=($!)
upstream=$(listening_on "$work/upstream.log" "listening on")
start_node gateway-a A
start_node gateway-b B
if (($# > 0)); then
    "$@"
    exit
fi

cat <<TEXT

Two gateways share PostgreSQL on 127.0.0.1:$db_port (database gtcp, role gtcp_gateway):
  gateway-a: gtcp clients on $NODE_A_GTCP, admin API on $NODE_A_ADMIN
  gateway-b: gtcp clients on $NODE_B_GTCP, admin API on $NODE_B_ADMIN
In another terminal:
  B=\$(swift build --show-bin-path)/gtcp-gateway
  \$B client --connect $NODE_B_GTCP &                   # a client on gateway-b
  curl -s $NODE_A_ADMIN/connections                     # gateway-a lists it, with "node": "gateway-b"
  curl -s $NODE_A_ADMIN/cluster/nodes
  curl -s -X POST $NODE_A_ADMIN/connections/doexit      # gateway-a tells it to exit, through gateway-b
Ctrl-C stops everything. The gateways' logs follow.
TEXT
tail -n +1 -F "$work/gateway-a.log" "$work/gateway-b.log" &
pids+=($!)
wait
