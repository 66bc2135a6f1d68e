# Sourced by the scripts that start a gateway, the example upstream or the bench floor. Each of
# them listens on port 0 and logs where it listens once bound ("gtcp listener on HOST:PORT",
# "admin API on HOST:PORT", "listening on HOST:PORT"), so no port is picked ahead and raced for.

# listening_on LOG WHAT: waits (up to 10 s) for the first "WHAT HOST:PORT" line in LOG and
# prints HOST:PORT; fails, showing LOG, if none comes.
listening_on() {
    local log=$1 what=$2 line
    for _ in $(seq 1 200); do
        if line=$(grep -m1 -- "$what " "$log"); then
            echo "${line##*"$what "}"
            return 0
        fi
        sleep 0.05
    done
    echo "no '$what' line in $log:" >&2
    cat "$log" >&2
    return 1
}

# start_gateway LOG ARGS...: `gtcp-gateway serve ARGS...` (GATEWAY_BINARY, or gtcp-gateway on
# PATH) in the background, the gtcp listener on 127.0.0.1 port 0 and the admin API too unless
# ARGS give `--admin-listen`; once both are bound (read from its `--ports-file`, so at any log
# level) sets gateway_pid, gateway_port and admin_port (empty when off).
start_gateway() {
    local log=$1
    shift
    local listeners=(--listen 127.0.0.1:0 --admin-listen 127.0.0.1:0)
    if [[ " $* " == *" --admin-listen "* ]]; then listeners=(--listen 127.0.0.1:0); fi
    local ports
    ports=$(mktemp -u "${work:-/tmp}/ports.XXXXXX")
    "${GATEWAY_BINARY:-gtcp-gateway}" serve "${listeners[@]}" --ports-file "$ports" "$@" >>"$log" 2>&1 &
    gateway_pid=$!
    pids+=("$gateway_pid")
    for _ in $(seq 1 200); do
        [ -e "$ports" ] && break
        kill -0 "$gateway_pid" 2>/dev/null || break
        sleep 0.05
    done
    if [ ! -e "$ports" ]; then
        echo "the gateway wrote no ports file:" >&2
        cat "$log" >&2
        return 1
    fi
    gateway_port=$(awk '$1 == "gtcp" { print $2 }' "$ports")
    admin_port=$(awk '$1 == "admin" { print $2 }' "$ports")
}
