#!/usr/bin/env bash
# The unit under a real systemd: installs the gateway with `make install DESTDIR=` into a Debian
# bookworm root (scripts/systemd-vm-image.sh), edits its configuration as an operator would,
# boots it with qemu (KVM where it can run Debian's kernel, else emulation) and checks what deploy/README.md says the unit
# does: start after READY=1 with a STATUS= line, the admin token as a credential, reload, the
# watchdog, the drain on stop with the journal's priorities, the sandbox at run time, and two
# cluster nodes (the template's instances) with PostgreSQL on the same host.
# Clients reach the VM only through qemu's user-mode port forwards on 127.0.0.1; the test drives
# the guest through the image's test agent on another forward. Exits 1 if any check failed.
#
#   scripts/test-systemd-vm.sh BINARY      (installed as the release binary, and the host's client)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
binary=$(realpath "${1:?usage: scripts/test-systemd-vm.sh BINARY}")
source "$root/scripts/scratch.sh"
started=$SECONDS

for tool in qemu-system-x86_64:qemu-system-x86 mmdebstrap:mmdebstrap mkfs.ext4:e2fsprogs; do
    command -v "${tool%%:*}" >/dev/null || {
        echo "test-systemd-vm: installing ${tool#*:}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tool#*:}" >&2
    }
done

# KVM when the kernel has hardware virtualization. kvm_pvm (KVM without VT-x/AMD-V, as on the
# nested reference machine) boots only PVM-built guest kernels, not Debian's: there, as without
# /dev/kvm, software emulation, and every wait stretches by $slow.
if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
    accelerator=(-accel kvm -cpu host)
    slow=1
else
    accelerator=(-accel tcg -cpu max)
    slow=8
fi

failures=0
pass() { echo "ok: $*"; }
fail() {
    echo "FAILED: $*" >&2
    failures=$((failures + 1))
}
# check WHAT COMMAND...: one assertion; COMMAND says why on failure.
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

image=$("$root/scripts/systemd-vm-image.sh" "$root/.build-vm/image")
image_ready=$SECONDS

# The guest's disk: the cached root, then exactly what an operator does (README, "Run as a
# systemd service"): make install, edit the configuration, the token as a credential.
guest="$work/root"
cp -a "$image/root" "$guest"
make -s -C "$root" install DESTDIR="$guest" INSTALL_BINARY="$binary" >/dev/null
# The Swift runtime the binary links, at the path its RUNPATH names (a toolchain on a real host).
ldd "$guest/usr/local/bin/gtcp-gateway" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r library; do
    [ -e "$guest$library" ] || cp --parents -L "$library" "$guest"
done
sed -i -e 's|^listen: .*|listen: 0.0.0.0:8999|' \
    -e 's|^admin-listen: .*|admin-listen: 0.0.0.0:8989|' \
    -e 's|^admin-token-file: .*|admin-token-file: /run/credentials/gtcp-gateway.service/admin-token|' \
    -e 's|^greeting: .*|greeting: "first greeting"|' \
    "$guest/etc/gtcp-gateway/config.yaml"
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
install -m 0600 <(echo "$token") "$guest/etc/gtcp-gateway/admin-token"
dropins="$guest/etc/systemd/system/gtcp-gateway.service.d"
mkdir -p "$dropins"
printf '[Service]\nLoadCredential=admin-token:/etc/gtcp-gateway/admin-token\n' >"$dropins/admin-token.conf"
# Test only: 3 s instead of the unit's 30, so that the watchdog check takes seconds.
watchdog_sec=3
printf '[Service]\nWatchdogSec=%s\n' "$watchdog_sec" >"$dropins/watchdog-test.conf"
# The upstream of the configuration's default URL, http://127.0.0.1:8080/acts/{act}.
install -D -m 0755 "$root/scripts/slow_upstream.py" "$guest/usr/local/lib/gtcp-vm-test/slow_upstream.py"
cat >"$guest/etc/systemd/system/slow-upstream.service" <<'EOF'
[Service]
ExecStart=/usr/local/lib/gtcp-vm-test/slow_upstream.py 8080 /run/slow-upstream.log
[Install]
WantedBy=multi-user.target
EOF
systemctl --root="$guest" enable slow-upstream.service >/dev/null 2>&1
# Cluster mode, two nodes on one host (deploy/README.md, "Run a cluster"): the template's
# instances a and b, each with its own file and node-name, PostgreSQL of the image on loopback,
# the database password and the admin token as credentials of every instance. No TLS on
# loopback, where it protects nothing.
install -m 0600 <(od -An -N16 -tx1 /dev/urandom | tr -d ' \n') "$guest/etc/gtcp-gateway/cluster-password"
install -D -m 0644 "$root/deploy/cluster/postgres-setup.sql" "$guest/usr/local/lib/gtcp-vm-test/postgres-setup.sql"
node_config() {
    sed -e "s|^listen: .*|listen: 0.0.0.0:$2|" -e "s|^admin-listen: .*|admin-listen: 0.0.0.0:$3|" \
        -e "s|^admin-token-file: .*|admin-token-file: /run/credentials/gtcp-gateway@$1.service/admin-token|" \
        -e 's|^cluster-database-url: .*|cluster-database-url: "postgres://gtcp_gateway@127.0.0.1:5432/gtcp?sslmode=disable"|' \
        -e "s|^node-name: .*|node-name: $1|" \
        "$guest/etc/gtcp-gateway/config.yaml" >"$guest/etc/gtcp-gateway/$1.yaml"
}
node_config a 8999 8989
node_config b 9999 9989
mkdir -p "$guest/etc/systemd/system/gtcp-gateway@.service.d"
printf '%s\n' '[Unit]' 'After=postgresql.service' '[Service]' \
    'LoadCredential=admin-token:/etc/gtcp-gateway/admin-token' \
    'LoadCredential=cluster-password:/etc/gtcp-gateway/cluster-password' \
    >"$guest/etc/systemd/system/gtcp-gateway@.service.d/cluster.conf"

disk="$work/disk.img"
truncate -s "$(($(du -sm "$guest" | cut -f1) + 256))M" "$disk"
mkfs.ext4 -q -F -L root -d "$guest" "$disk"
rm -rf "$guest"
disk_ready=$SECONDS

read -r gtcp_port admin_port agent_port gtcp_b_port admin_b_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(5)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')

# no_timer_check: the kernel's IO-APIC timer check panics when an emulated CPU gets little time.
qemu-system-x86_64 "${accelerator[@]}" -m 1024 -smp 2 -nodefaults -no-user-config -display none -no-reboot \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 panic=-1 quiet no_timer_check" \
    -drive "file=$disk,format=raw,if=virtio" \
    -nic "user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:$gtcp_port-:8999,hostfwd=tcp:127.0.0.1:$admin_port-:8989,hostfwd=tcp:127.0.0.1:$agent_port-:2222,hostfwd=tcp:127.0.0.1:$gtcp_b_port-:9999,hostfwd=tcp:127.0.0.1:$admin_b_port-:9989" \
    -serial "file:$work/console.log" &
qemu=$!
pids+=("$qemu")
on_exit() {
    [ "$failures" = 0 ] || { echo "--- the guest's console:" >&2; tail -n 30 "$work/console.log" >&2; }
    cleanup
}
trap on_exit EXIT
trap "exit 1" INT TERM
# A write to a closed connection fails the check instead of ending the run.
trap "" PIPE

# vm SCRIPT [TIMEOUT]: runs SCRIPT with bash as root in the guest and prints its output (stderr
# included); its exit status, or 255 when the agent does not answer.
vm() {
    python3 - "$agent_port" "$1" "$((${2:-60} * slow))" <<'EOF'
import socket, sys
port, script, timeout = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
try:
    agent = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    agent.sendall(script.encode())
    agent.shutdown(socket.SHUT_WR)
    output = b""
    while chunk := agent.recv(65536):
        output += chunk
except OSError as error:
    sys.exit(f"the test agent: {error}")
output, _, status = output.decode(errors="replace").rpartition("vm-agent-exit=")
sys.stdout.write(output)
sys.exit(int(status) if status.strip().isdigit() else 255)
EOF
}

boot_limit=$((60 * slow))
until vm true 2>/dev/null; do
    kill -0 "$qemu" 2>/dev/null || { fail "qemu exited while booting"; exit 1; }
    [ $((SECONDS - disk_ready)) -lt $boot_limit ] || { fail "the guest's test agent answered within $boot_limit s"; exit 1; }
    sleep 0.5
done
booted=$SECONDS
pass "booted: $(vm 'systemctl --version | head -1; uname -r' | tr '\n' ' ')in $((booted - disk_ready)) s"

# Guest helpers, prefixed to the scripts that need them.
guest_helpers='
set -u
unit=gtcp-gateway
main_pid() { systemctl show -p MainPID --value $unit; }
cursor() { journalctl -n0 --show-cursor | sed -n "s/^-- cursor: //p"; }
# PRIORITY and MESSAGE of the entries after a cursor from the unit or from systemd about it.
# Not `journalctl --after-cursor -u`: systemd 252 skips the first entry that matches when the
# entry at the cursor does not (systemd#30288, fixed in 255).
journal_since() {
    journalctl --after-cursor "$1" -o json | python3 -c "
import json, sys
for line in sys.stdin:
    entry = json.loads(line)
    if \"$unit.service\" in (entry.get(\"_SYSTEMD_UNIT\"), entry.get(\"UNIT\")):
        print(entry[\"PRIORITY\"], entry[\"MESSAGE\"])"
}
# Retries a command for up to N tenths of a second.
wait_for() {
    local tenths=$1
    shift
    for _ in $(seq "$tenths"); do "$@" && return 0; sleep 0.1; done
    "$@"
}
'

client() { "$binary" client --connect "127.0.0.1:$gtcp_port" "$@"; }
admin_status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# Fails unless COMMAND prints exactly EXPECTED.
prints() {
    local expected=$1 actual
    shift
    actual=$("$@" 2>&1) || { echo "  '$*' failed: $actual" >&2; return 1; }
    [ "$actual" = "$expected" ] || { echo "  '$*' printed '$actual', not '$expected'" >&2; return 1; }
}

# Live gtcp connections (scripts/gtcp_session.py): session_open NAME [PORT] connects, session_send NAME
# "ACT DATA" sends, session_message NAME N EXPECTED waits for the Nth message and compares.
declare -A session_input session_pid
session_open() {
    mkfifo "$work/$1.in"
    python3 "$root/scripts/gtcp_session.py" 127.0.0.1 "${2:-$gtcp_port}" <"$work/$1.in" >"$work/$1.out" 2>&1 &
    session_pid[$1]=$!
    pids+=($!)
    local input
    exec {input}>"$work/$1.in"
    session_input[$1]=$input
}
session_send() { echo "$2" >&"${session_input[$1]}"; }
session_message() {
    local actual=""
    for _ in $(seq $((100 * slow))); do
        actual=$(sed -n "$2p" "$work/$1.out")
        [ -n "$actual" ] && break
        sleep 0.1
    done
    [ "$actual" = "$3" ] || { echo "  message $2 on connection $1: '$actual', not '$3'" >&2; return 1; }
}
# session_exit NAME STATUS: waits up to 10 s for the connection's end with that exit status.
session_exit() {
    local pid=${session_pid[$1]}
    for _ in $(seq $((100 * slow))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { echo "  connection $1 still open" >&2; return 1; }
    local status=0
    wait "$pid" || status=$?
    [ "$status" = "$2" ] || { echo "  connection $1 ended with $status, not $2" >&2; return 1; }
}

echo "== start"
start_and_probe() {
    local output
    output=$(vm "systemctl enable --now gtcp-gateway 2>&1 && systemctl is-active gtcp-gateway &&
        curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8989/readyz") || { echo "$output" >&2; return 1; }
    # Type=notify: start returned after READY=1, so the unit is active and both listeners answer at once.
    [ "$(echo "$output" | tail -n 2 | tr '\n' ' ')" = "active 200 " ] || { echo "  $output" >&2; return 1; }
}
check "systemctl enable --now returns with the unit active and /readyz answering 200 at once" start_and_probe
check "the gateway logged 'ready' before systemd logged the unit started (READY=1 ends the start)" \
    vm "journalctl -b -u gtcp-gateway -o cat | grep -m1 -e '^ready\( \|$\)' -e '^Started gtcp-gateway.service' | grep -q '^ready'"
check "a gtcp client through the forwarded port gets hello" prints "hello first greeting" client --act hello --data me

session_open live
session_send live "hello me"
check "a live connection gets hello" session_message live 1 "hello first greeting"
check "systemctl status shows the STATUS= line with the connection count" \
    vm "$guest_helpers"'wait_for 50 bash -c "systemctl status gtcp-gateway --no-pager | grep -F \"Status: \\\"serving 1 connections\\\"\""'

echo "== the admin token, a credential"
admin_url="http://127.0.0.1:$admin_port/connections"
check "the admin API refuses a request without the token (401)" prints 401 admin_status "$admin_url"
check "the admin API refuses a wrong token (401)" prints 401 admin_status -H "Authorization: Bearer x$token" "$admin_url"
check "the admin API answers the token from LoadCredential= (200)" \
    prints 200 admin_status -H "Authorization: Bearer $token" "$admin_url"

echo "== the sandbox at run time"
# The service's process as seen from the guest, and files opened as its user in its mount
# namespace (nsenter, then setpriv with no capabilities): what the unit lets it write.
check "the service runs as a dynamic user with no capabilities, no new privileges, a seccomp filter and LimitNOFILE=" \
    vm "$guest_helpers"'
    status=/proc/$(main_pid)/status
    read -r _ uid _ <<<"$(grep ^Uid: $status)"
    [ "$uid" -ge 61184 ] && [ "$uid" -le 65519 ] || { echo "  uid $uid is not in the dynamic user range"; exit 1; }
    for field in CapInh CapPrm CapEff CapBnd CapAmb; do
        grep -qx "$field:	0000000000000000" $status || { echo "  $(grep ^$field: $status)"; exit 1; }
    done
    grep -qx "NoNewPrivs:	1" $status && grep -qx "Seccomp:	2" $status || { grep -e NoNewPrivs -e ^Seccomp: $status; exit 1; }
    grep -q "^Max open files *262144 *262144 " /proc/$(main_pid)/limits || { grep "^Max open files" /proc/$(main_pid)/limits; exit 1; }'
check "as the service: only its private /tmp and /var/tmp writable, the token only as the credential, /proc its own" \
    vm "$guest_helpers"'
    pid=$(main_pid)
    read -r _ uid _ <<<"$(grep ^Uid: /proc/$pid/status)"
    read -r _ gid _ <<<"$(grep ^Gid: /proc/$pid/status)"
    as_service() { nsenter -t $pid -m -- setpriv --reuid=$uid --regid=$gid --clear-groups --inh-caps=-all --bounding-set=-all "$@" 2>/dev/null; }
    result=0
    for dir in / /etc /etc/gtcp-gateway /usr /usr/local/bin /opt /var /var/lib /var/log /run /root /home /boot; do
        as_service touch $dir/written-by-gateway && { echo "  wrote in $dir"; result=1; }
    done
    for dir in /tmp /var/tmp; do
        as_service touch $dir/written-by-gateway || { echo "  cannot write in its $dir"; result=1; }
        [ -e $dir/written-by-gateway ] && { echo "  its $dir is the host'"'"'s"; result=1; }
    done
    as_service cat /etc/gtcp-gateway/admin-token >/dev/null && { echo "  read root'"'"'s token file"; result=1; }
    [ "$(as_service cat /run/credentials/gtcp-gateway.service/admin-token)" = "$(cat /etc/gtcp-gateway/admin-token)" ] ||
        { echo "  cannot read the credential"; result=1; }
    # ProtectProc=invisible hides other users'"'"' processes; ProcSubset=pid the rest of /proc.
    as_service test -e /proc/1/status && { echo "  sees PID 1 in /proc"; result=1; }
    as_service test -e /proc/meminfo && { echo "  sees /proc/meminfo"; result=1; }
    as_service test -e /proc/self/status || { echo "  sees no /proc at all"; result=1; }
    exit $result'
claimed=$(grep -o 'exposure [0-9.]* by `systemd-analyze security`' "$root/deploy/README.md" | cut -d' ' -f2)
exposure() {
    local line
    line=$(vm 'systemd-analyze security gtcp-gateway --no-pager | grep "Overall exposure level"') || return 1
    echo "  $line"
    [[ "$line" == *": $claimed "* ]] || { echo "  deploy/README.md claims $claimed" >&2; return 1; }
}
check "systemd-analyze security on the running unit gives the exposure deploy/README.md claims (${claimed:-none})" exposure

echo "== reload"
# systemd logs the notifications it receives at debug level: RELOADING=1, then READY=1.
check "systemctl reload: RELOADING=1 then READY=1 reach systemd, and the file is read again" \
    vm "$guest_helpers"'
    systemd-analyze set-log-level debug
    since=$(cursor)
    sed -i "s/^greeting: .*/greeting: \"second greeting\"/" /etc/gtcp-gateway/config.yaml
    systemctl reload gtcp-gateway
    notified() {
        journal_since "$since" | grep "notification message" |
            awk "/RELOADING=1/ { reloading = 1 } reloading && /READY=1/ { found = 1 } END { exit !found }"
    }
    wait_for 50 notified; result=$?
    systemd-analyze set-log-level info
    journal_since "$since" | grep -qE "^6 configuration reloaded( |$)" || { echo "  no \"configuration reloaded\" at info"; exit 1; }
    exit $result'
session_send live "hello me"
check "the reload changed the greeting on the live connection" session_message live 2 "hello second greeting"
check "a configuration with a problem is rejected at reload, logged as an error; the unit keeps running" \
    vm "$guest_helpers"'
    pid=$(main_pid)
    since=$(cursor)
    sed -i "s/^idle-timeout: .*/idle-timeout: forever/" /etc/gtcp-gateway/config.yaml
    systemctl reload gtcp-gateway
    rejected() { journal_since "$since" | grep "^3 reload rejected, keeping the running configuration: .*idle-timeout"; }
    wait_for 50 rejected || exit 1
    sed -i "s/^idle-timeout: .*/idle-timeout: 60s/" /etc/gtcp-gateway/config.yaml
    [ "$(systemctl is-active gtcp-gateway)" = active ] && [ "$(main_pid)" = "$pid" ]'
session_send live "hello me"
check "after the rejected reload the live connection still gets the running greeting" \
    session_message live 3 "hello second greeting"

echo "== the watchdog"
check "SIGSTOP: systemd kills the gateway at the watchdog timeout (WatchdogSec=$watchdog_sec) and restarts it" \
    vm "$guest_helpers"'
    pid=$(main_pid)
    restarts=$(systemctl show -p NRestarts --value gtcp-gateway)
    since=$(cursor)
    kill -STOP $pid
    restarted() { [ "$(main_pid)" != $pid ] && [ "$(main_pid)" != 0 ] && [ "$(systemctl is-active gtcp-gateway)" = active ]; }
    wait_for 300 restarted || { echo "  not restarted"; exit 1; }
    journal_since "$since" | grep -i -e watchdog -e "main process exited" -e scheduled
    journal_since "$since" | grep -q "Failed with result '"'"'watchdog'"'"'" &&
        [ "$(systemctl show -p NRestarts --value gtcp-gateway)" = $((restarts + 1)) ]' 60
check "the connection to the killed gateway is closed" session_exit live 1
check "a client reconnects and gets hello from the restarted gateway" prints "hello second greeting" client --act hello --data me

echo "== stop with replies owed"
session_open draining
session_send draining "slow owed-1"
client --act slow --data owed-2 --timeout 30s >"$work/owed-2" 2>&1 &
owed_client=$!
pids+=("$owed_client")
"$binary" client --connect "127.0.0.1:$gtcp_port" --heartbeat-interval 500ms --hello-after 100ms >"$work/example" 2>&1 &
example_client=$!
pids+=("$example_client")
stop_with_replies_owed() {
    vm "$guest_helpers"'
    in_flight() { [ "$(grep -c "^/acts/slow" /run/slow-upstream.log)" = 2 ]; }
    wait_for 100 in_flight || { echo "  the upstream did not get both slow requests"; exit 1; }
    connections() {
        curl -s -H "Authorization: Bearer $(cat /etc/gtcp-gateway/admin-token)" http://127.0.0.1:8989/connections |
            grep -o "\"id\"" | wc -l
    }
    three_connected() { [ "$(connections)" = 3 ]; }
    wait_for 100 three_connected || { echo "  not 3 clients connected"; exit 1; }
    since=$(cursor)
    started=$(date +%s%N)
    systemctl stop gtcp-gateway
    took=$((($(date +%s%N) - started) / 1000000))
    limit=$(($(systemctl show -p TimeoutStopUSec --value gtcp-gateway | tr -d s) * 1000))
    # journald reads the stream of the service on its own schedule, maybe after stop returned.
    stopped_logged() { journal_since "$since" | grep -qE "^6 stopped( |$)"; }
    wait_for 300 stopped_logged || echo "  no \"stopped\" at info in the journal within 30 s"
    echo "  systemctl stop took $took ms (TimeoutStopSec: $limit ms); the journal:"
    journal_since "$since" | sed "s/^/    /"
    result=0
    [ $took -lt $limit ] || { echo "  longer than TimeoutStopSec"; result=1; }
    [ "$(systemctl show -p ExecMainCode -p ExecMainStatus -p Result gtcp-gateway | sort | tr "\n" " ")" = \
        "ExecMainCode=1 ExecMainStatus=0 Result=success " ] || { systemctl show -p ExecMainCode -p ExecMainStatus -p Result gtcp-gateway; result=1; }
    journal_since "$since" | grep -q "^6 SIGTERM: shutting down gracefully" || { echo "  no SIGTERM notice at info"; result=1; }
    journal_since "$since" | grep -qE "^6 stopped( |$)" || { echo "  no \"stopped\" at info"; result=1; }
    journal_since "$since" | grep "^[0-4] " && { echo "  warnings or worse during the drain"; result=1; }
    exit $result' 60
}
check "systemctl stop with replies owed: exit 0 within TimeoutStopSec, logged at info, nothing worse than notice" \
    stop_with_replies_owed
check "the draining connection got its owed reply first" session_message draining 1 "slow owed-1"
check "  ... then doexit" session_exit draining 0
# exited_0 PID OUTPUT: the background client ended with status 0.
exited_0() {
    local status=0
    wait "$1" || status=$?
    [ "$status" = 0 ] || { echo "  exited with $status: $(cat "$2")" >&2; return 1; }
}
check "a one-shot client got its owed reply" exited_0 "$owed_client" "$work/owed-2"
check "  ... namely 'slow owed-2'" prints "slow owed-2" cat "$work/owed-2"
check "the example client got doexit and exited 0" exited_0 "$example_client" "$work/example"

echo "== cluster mode: nodes a and b (gtcp-gateway@.service) and PostgreSQL on one host"
check "PostgreSQL takes deploy/cluster/postgres-setup.sql with the password of the credential file" \
    vm "$guest_helpers"'
    wait_for 600 pg_isready -q -h 127.0.0.1 || { echo "  PostgreSQL does not accept connections"; exit 1; }
    runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -v password="$(cat /etc/gtcp-gateway/cluster-password)" \
        -f /usr/local/lib/gtcp-vm-test/postgres-setup.sql' 60
check "systemctl start gtcp-gateway@a gtcp-gateway@b returns with both nodes active" \
    vm 'systemctl start gtcp-gateway@a gtcp-gateway@b && systemctl is-active gtcp-gateway@a gtcp-gateway@b >/dev/null ||
        { journalctl -u gtcp-gateway@a -u gtcp-gateway@b -o cat --no-pager | tail -n 20; exit 1; }'
# nodes_listed ADMIN_PORT: the nodes that node's /cluster/nodes lists, on one line; "(lapsed)"
# after a name whose lease ran out.
nodes_listed() {
    curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$1/cluster/nodes" | python3 -c '
import json, sys
print(*(n["name"] + ("" if n["live"] else "(lapsed)") for n in json.load(sys.stdin)["nodes"]))'
}
# eventually EXPECTED COMMAND...: `prints`, retried for up to 10 s (times $slow).
eventually() {
    for _ in $(seq $((20 * slow))); do prints "$@" 2>/dev/null && return 0; sleep 0.5; done
    prints "$@"
}
check "node a lists both nodes at /cluster/nodes" eventually "a b" nodes_listed "$admin_port"
check "node b lists both nodes at /cluster/nodes" eventually "a b" nodes_listed "$admin_b_port"
session_open clustered "$gtcp_port"
session_send clustered "hello sensor-vm"
check "a client connects to node a" session_message clustered 1 "hello first greeting"
# listed_on ADMIN_PORT FIELD: that field of each connection of the client sensor-vm that node lists.
listed_on() {
    curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$1/connections?clientName=sensor-vm" |
        python3 -c 'import json, sys; [print(c[sys.argv[1]]) for c in json.load(sys.stdin)["connections"]]' "$2"
}
check "node b's admin API lists the client, on node a" eventually "a" listed_on "$admin_b_port" node
connection_id=$(listed_on "$admin_b_port" id)
check "a message pushed through node b is accepted (202)" prints 202 admin_status -X POST \
    -H "Authorization: Bearer $token" -d '{"act":"notice","data":"through b"}' \
    "http://127.0.0.1:$admin_b_port/connections/$connection_id/messages"
check "  ... and the client on node a reads it" session_message clustered 2 "notice through b"
check "systemctl stop gtcp-gateway@a: node a leaves the cluster and exits 0" vm "$guest_helpers"'
    unit=gtcp-gateway@a
    since=$(cursor)
    systemctl stop $unit
    [ "$(systemctl show -p ExecMainStatus --value $unit)" = 0 ] || { echo "  exit status not 0"; exit 1; }
    left() { journal_since "$since" | grep -qx "6 left the cluster"; }
    wait_for 300 left || { echo "  no \"left the cluster\" at info"; journal_since "$since"; exit 1; }'
check "  ... its client gets doexit" session_exit clustered 0
# At once: node a deleted its row on the way out, so it is gone before its lease could lapse.
check "  ... and node b lists only itself" prints "b" nodes_listed "$admin_b_port"

echo "image $((image_ready - started)) s, install and disk $((disk_ready - image_ready)) s," \
    "boot $((booted - disk_ready)) s, checks $((SECONDS - booted)) s, all $((SECONDS - started)) s (${accelerator[*]})"
[ "$failures" = 0 ] || { echo "test-systemd-vm: $failures checks FAILED" >&2; exit 1; }
echo "test-systemd-vm: every check passed"
