#!/usr/bin/env bash
# The benchmark suite behind `make bench`: release builds, loopback only, a few minutes.
# Writes docs/bench/*.json (raw results), docs/bench/*.svg and docs/BENCHMARKS.md.
#
#   scripts/bench.sh            the whole suite
#   BENCH_QUICK=1 scripts/bench.sh   shorter runs, for trying the script itself
set -euo pipefail
cd "$(dirname "$0")/.."

out=docs/bench
quick=${BENCH_QUICK:-0}
seconds() { if [ "$quick" = 1 ]; then echo "$2"; else echo "$1"; fi; }

missing=""
command -v wrk >/dev/null || missing="$missing wrk"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v go >/dev/null || missing="$missing golang-go"
if [ -n "$missing" ]; then
    echo "installing:$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)

swift build -c release --product gtcp-gateway
bin=$(swift build -c release --show-bin-path)
# Reports record commands as typed: `gtcp-gateway ...`, not the build path.
export PATH="$bin:$PATH"

# Each process here may open as many files as the hard limit allows (20,000 per process on
# the reference machine); nothing system-wide changes.
ulimit -n "$(ulimit -Hn)"

source scripts/scratch.sh

source scripts/listening.sh

# Starts a gateway in the background (scripts/listening.sh); sets gateway_pid, gateway_port
# and admin_port.
start_bench_gateway() {
    start_gateway "$work/gateway.log" --max-connections 100000 --idle-timeout 30s --log-level warning "$@"
}

stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# bench LABEL ARGS...: one bench run, its JSON report saved as docs/bench/LABEL.json.
bench() {
    local label=$1
    shift
    echo "== $label" >&2
    gtcp-gateway bench --label "$label" --json "$@" >"$out/$label.json"
}

# wrk_run LABEL CONNECTIONS THREADS DURATION URL [RATE]: wrk's JSON line saved as
# docs/bench/LABEL.json. With RATE the Lua script paces the run to that many requests per
# second in all, instead of running it flat out.
wrk_run() {
    local label=$1 connections=$2 threads=$3 duration=$4 url=$5 rate=${6:-}
    local command="wrk -t$threads -c$connections -d$duration -s scripts/bench-wrk-post.lua $url"
    local shown=$command
    if [ -n "$rate" ]; then shown="BENCH_RATE=$rate $command"; fi
    echo "== $label" >&2
    BENCH_LABEL=$label BENCH_COMMAND=$shown BENCH_CONNECTIONS=$connections BENCH_THREADS=$threads BENCH_RATE=$rate \
        $command | grep '^{"kind":"wrk"' >"$out/$label.json"
}

# The figure from a JSON report, e.g. json_field docs/bench/x.json messagesPerSecond.
json_field() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.svg

python3 - "$out/machine.json" "$nginx" <<'PY'
import glob, json, os, platform, subprocess, sys, time
def run(*command):
    result = subprocess.run(command, capture_output=True, text=True)
    return (result.stdout + result.stderr).strip().splitlines()[0] if (result.stdout + result.stderr).strip() else "unknown"
cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown")
memory = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
# The suite rewrites docs/bench while it runs, so only the sources decide "dirty".
commit = run("git", "rev-parse", "--short", "HEAD")
if subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "Sources", "Package.swift"]).returncode != 0:
    commit += " (sources modified)"
json.dump({
    "kind": "machine", "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpu": cpu,
    "cores": os.cpu_count(), "memory": f"{int(memory) / 1048576:.1f} GiB", "kernel": platform.release(),
    "swift": run("swift", "--version"), "nginx": run(sys.argv[2], "-v"), "wrk": run("wrk", "-v").split(" [")[0],
    "go": run("go", "version"),
    "postgresql": run(sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))[-1], "--version"),
    "commit": commit, "loadAverage": " ".join(open("/proc/loadavg").read().split()[:3]),
}, open(sys.argv[1], "w"), indent=2)
PY

# nginx on loopback with a fixed JSON answer for the forwarded act, served over HTTP/1.1 (TCP and
# a unix socket) and h2 over TLS; and two more servers in the same nginx
# that reverse-proxy to the first over kept-alive connections, one over TCP and one over the
# unix socket: the cost of one proxy hop on this machine, to set beside the gateway's.
mkdir -p "$work/nginx"
# h2 over TLS needs a certificate: a CA made here, and a certificate it signs for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-ca -keyout "$work/nginx/ca.key" \
    -out "$work/nginx/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$work/nginx/server.key" \
    -out "$work/nginx/server.csr" 2>/dev/null
openssl x509 -req -in "$work/nginx/server.csr" -CA "$work/nginx/ca.pem" -CAkey "$work/nginx/ca.key" -CAcreateserial \
    -days 2 -extfile <(echo "subjectAltName=IP:127.0.0.1") -out "$work/nginx/server.pem" 2>/dev/null
# nginx takes no port 0: it is given four ports in a row at random and, should one be taken,
# exits and is started again on others.
start_nginx() {
    nginx_port=$((20000 + RANDOM % 20000))
    proxy_port=$((nginx_port + 1))
    proxy_unix_port=$((nginx_port + 2))
    h2_port=$((nginx_port + 3))
    rm -f "$work/nginx/origin.sock"
cat >"$work/nginx/nginx.conf" <<CONF
# Workers as root, as the master: the scratch directory with the unix socket is root's alone.
user root;
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    keepalive_requests 1000000;
    http2_max_requests 1000000;
    server {
        listen 127.0.0.1:$nginx_port;
        listen unix:$work/nginx/origin.sock;
        listen 127.0.0.1:$h2_port ssl http2;
        ssl_certificate $work/nginx/server.pem;
        ssl_certificate_key $work/nginx/server.key;
        location = /acts/bench {
            default_type application/json;
            return 200 '{"ok":true}';
        }
    }
    # Idle connections kept for more than the 128 concurrent requests, each reused without
    # limit, as the gateway's libcurl does, so the proxy never reconnects under load.
    upstream bench_origin {
        server 127.0.0.1:$nginx_port;
        keepalive 256;
        keepalive_requests 1000000;
    }
    upstream bench_origin_unix {
        server unix:$work/nginx/origin.sock;
        keepalive 256;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$proxy_port;
        location = /acts/bench {
            proxy_pass http://bench_origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
    server {
        listen 127.0.0.1:$proxy_unix_port;
        location = /acts/bench {
            proxy_pass http://bench_origin_unix;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
CONF
    "$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
    nginx_pid=$!
    # Up to 10 s: nginx tries a taken port for 2.5 s before it gives up.
    for _ in $(seq 1 200); do
        if (for port in $(seq "$nginx_port" "$h2_port"); do exec 3<>"/dev/tcp/127.0.0.1/$port"; done) 2>/dev/null; then
            pids+=("$nginx_pid")
            return 0
        fi
        kill -0 "$nginx_pid" 2>/dev/null || return 1
        sleep 0.05
    done
    echo "nginx did not listen on 127.0.0.1:$nginx_port to :$h2_port:" >&2
    cat "$work/nginx/error.log" >&2
    kill "$nginx_pid"
    exit 1
}
for attempt in 1 2 3 4 5; do
    start_nginx && break
    [ "$attempt" = 5 ] && { cat "$work/nginx/error.log" >&2; exit 1; }
done
upstream_url="http://127.0.0.1:$nginx_port/acts/bench"
proxy_url="http://127.0.0.1:$proxy_port/acts/bench"
proxy_unix_url="http://127.0.0.1:$proxy_unix_port/acts/bench"

gtcp-gateway bench floor --listen 127.0.0.1:0 >"$work/floor.log" &
floor_pid=$!
pids+=("$floor_pid")
floor=$(listening_on "$work/floor.log" "listening on")
start_bench_gateway --upstream "http://127.0.0.1:$nginx_port/acts/{act}"
gateway=127.0.0.1:$gateway_port

# 1. Built-in act: gateway and floor in turns, same client, same N and K; the best round of
# each counts, and each server's CPU time per reply is taken beside its throughput.
run_time=$(seconds 5s 2s)
for round in 1 2 3 4; do
    bench "hello-floor-r$round" --connect "$floor" --connections 64 --outstanding 8 --duration "$run_time" --server-pid "$floor_pid"
    bench "hello-gateway-r$round" --connect "$gateway" --connections 64 --outstanding 8 --duration "$run_time" --server-pid "$gateway_pid"
done
for connections in 1 4 16 64 256 1024; do
    bench "sweep-floor-c$connections" --connect "$floor" --connections "$connections" --outstanding 8 --duration "$(seconds 2s 1s)"
    bench "sweep-gateway-c$connections" --connect "$gateway" --connections "$connections" --outstanding 8 --duration "$(seconds 2s 1s)"
done

# 2. Forwarded act through the gateway to nginx, side by side with wrk straight to nginx and wrk
# through nginx as a reverse proxy, at the same concurrency: 50 and 128 connections with one
# message outstanding each, and 16 connections with 8 pipelined (128 in flight, against wrk's 128
# connections). Labels: forward-MODE-CASE for the gateway, forward-direct-CASE and
# forward-proxy[-unix]-CASE for wrk.
forward_time=$(seconds 6s 2s)
forward_cases() {  # forward_cases MODE GATEWAY: the gateway's three runs against one upstream mode
    local mode=$1 gateway=$2
    for shape in "c50 50 1" "c128 128 1" "k8 16 8"; do
        set -- $shape
        bench "forward-$mode-$1" --connect "$gateway" --act bench --data '{"n":1}' --connections "$2" --outstanding "$3" \
            --duration "$forward_time" --server-pid "$gateway_pid"
    done
}
for shape in "c50 50" "c128 128"; do
    set -- $shape
    wrk_run "forward-direct-$1" "$2" 2 "$forward_time" "$upstream_url"
    wrk_run "forward-proxy-$1" "$2" 2 "$forward_time" "$proxy_url"
    wrk_run "forward-proxy-unix-$1" "$2" 2 "$forward_time" "$proxy_unix_url"
done
forward_cases http1 "$gateway"
half=$(python3 -c 'import sys; print(int(float(sys.argv[1]) / 2))' "$(json_field "$out/forward-http1-k8.json" messagesPerSecond)")
# The direct baseline for "p99 added": wrk straight to nginx at the same rate, with as many
# connections as the gateway run may have requests in flight (16 x 8); for reference, wrk
# through the nginx proxy at that rate too. Rounds alternate which goes first; the lowest p99 of
# each counts, as in scenario 4.
for round in 1 2 3; do
    gateway_half=(bench "forward-gateway-half-r$round" --connect "$gateway" --act bench --data '{"n":1}'
        --connections 16 --outstanding 8 --rate "$half" --duration "$(seconds 8s 2s)" --server-pid "$gateway_pid")
    direct_half=(wrk_run "forward-direct-half-r$round" 128 2 "$(seconds 8s 2s)" "$upstream_url" "$half")
    proxy_half=(wrk_run "forward-proxy-half-r$round" 128 2 "$(seconds 8s 2s)" "$proxy_url" "$half")
    if [ $((round % 2)) = 1 ]; then
        "${gateway_half[@]}"; "${direct_half[@]}"; "${proxy_half[@]}"
    else
        "${proxy_half[@]}"; "${direct_half[@]}"; "${gateway_half[@]}"
    fi
done

# The gateway over each other upstream mode it offers, against the same nginx: HTTP/1.1 through
# a unix socket (nginx as a proxy does the same above) and h2 over TLS (nginx cannot proxy HTTP/2
# to its backend, so it has no proxy twin). h2c prior knowledge needs libcurl 7.89 or later
# (Debian 12 has 7.88.1): the gateway refuses it at start-up here, so it is not run.
stop "$gateway_pid"
start_bench_gateway --upstream "http://localhost/acts/{act}" --upstream-unix-socket "$work/nginx/origin.sock"
forward_cases unix "127.0.0.1:$gateway_port"
stop "$gateway_pid"
start_bench_gateway --upstream "https://127.0.0.1:$h2_port/acts/{act}" --upstream-http-version 2 \
    --upstream-ca-file "$work/nginx/ca.pem"
forward_cases h2 "127.0.0.1:$gateway_port"
stop "$gateway_pid"
start_bench_gateway --upstream "http://127.0.0.1:$nginx_port/acts/{act}"
gateway=127.0.0.1:$gateway_port

# 4. Admin under load: scenario 1 with and without paging GET /connections, while 10,000 idle
# connections give the pager pages to turn. The pager sweeps all connections page after page,
# a sweep starting every second as a dashboard would refresh. Rounds alternate which runs first
# so drift on the shared machine favours neither; the lowest p99 of each counts.
gtcp-gateway bench --connect "$gateway" --idle "$(seconds 10000 2000)" --duration 10m 2>"$work/idle-background.log" >/dev/null &
idle_background=$!
pids+=("$idle_background")
for _ in $(seq 1 600); do
    grep -q holding "$work/idle-background.log" && break
    sleep 0.1
done
grep -q holding "$work/idle-background.log" || { cat "$work/idle-background.log" >&2; exit 1; }
for round in 1 2 3 4 5 6; do
    base=(bench "admin-base-r$round" --connect "$gateway" --connections 64 --outstanding 8 --duration "$run_time")
    paging=(bench "admin-paging-r$round" --connect "$gateway" --connections 64 --outstanding 8 --duration "$run_time"
        --page-admin "127.0.0.1:$admin_port" --page-every 1s)
    if [ $((round % 2)) = 1 ]; then "${base[@]}"; "${paging[@]}"; else "${paging[@]}"; "${base[@]}"; fi
done
stop "$idle_background"
stop "$gateway_pid"

# 3. Idle connections, as many as one process's open-file limit allows, on a fresh gateway and
# on its peer, a gtcp server in Go built as GoFrame's is (scripts/gtcp-peer), in rounds that
# alternate which goes first; the lowest CPU of each counts.
GOCACHE="$work/go-cache" GO111MODULE=off go build -o "$work/gtcp-peer" scripts/gtcp-peer/main.go
idle_run() {
    bench "$1" --connect "127.0.0.1:$2" --idle "$(seconds 19000 3000)" --duration "$(seconds 40s 10s)" --server-pid "$3"
}
idle_gateway() {
    start_bench_gateway
    idle_run "idle-gateway-r$1" "$gateway_port" "$gateway_pid"
    stop "$gateway_pid"
}
idle_peer() {
    # A log per round: the wait for the port must not read the last round's.
    "$work/gtcp-peer" 127.0.0.1:0 >"$work/peer-r$1.log" 2>&1 &
    local peer_pid=$!
    pids+=("$peer_pid")
    local peer
    peer=$(listening_on "$work/peer-r$1.log" "listening on")
    idle_run "idle-peer-r$1" "${peer##*:}" "$peer_pid"
    stop "$peer_pid"
}
for round in 1 2; do
    if [ "$round" = 1 ]; then idle_gateway "$round"; idle_peer "$round"; else idle_peer "$round"; idle_gateway "$round"; fi
done

# 5. A cluster: two gateways sharing a throwaway PostgreSQL, set up as deploy/cluster sets it up
# (scripts/run-cluster.sh). Pushes to a client of one node, through that node's admin API and
# through the other node's, whose command PostgreSQL carries.
echo "== cluster-push" >&2
scripts/run-cluster.sh "$bin/gtcp-gateway" bash -c 'scripts/cluster_push_latency.py "$NODE_A_ADMIN" "$NODE_B_ADMIN" \
    "$NODE_B_GTCP" --count '"$(seconds 300 50)"' --json cluster-push' >"$out/cluster-push.json"

gtcp-gateway bench report --results "$out" --output docs/BENCHMARKS.md
