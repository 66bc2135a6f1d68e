#!/usr/bin/env bash
# Proves a command runs under the system call policy of deploy/gtcp-gateway.service
# (SystemCallFilter=, MemoryDenyWriteExecute=, RestrictAddressFamilies=, RestrictNamespaces=)
# with any call outside the allow list killing it; see scripts/seccomp_exec.py for the details.
#
#   scripts/check-seccomp.sh COMMAND [ARG...]
#       runs COMMAND to its end; fails if seccomp kills it, else exits with its status.
#   scripts/check-seccomp.sh --while 'CHECK' COMMAND [ARG...]
#       for servers: starts COMMAND under the policy, runs the shell command CHECK against it
#       (outside the policy), then stops COMMAND with SIGTERM; fails if CHECK fails, seccomp
#       killed COMMAND at any point, or COMMAND does not exit 0 on SIGTERM. CHECK finds
#       COMMAND's process id in SERVER_PID and its output (stdout and stderr) in the file
#       SERVER_LOG; that output is shown when the check fails.
#   scripts/check-seccomp.sh --self-test
#       shows the policy is armed: forbidden calls and a W+X mapping must be killed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
unit="$root/deploy/gtcp-gateway.service"
python=/usr/bin/python3   # Debian's, where python3-seccomp installs
sigsys_status=$((128 + 31))

ensure_seccomp_module() {
    "$python" -c 'import seccomp' 2>/dev/null && return
    echo "check-seccomp: installing python3-seccomp" >&2
    apt-get install -y -qq python3-seccomp >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null && apt-get install -y -qq python3-seccomp >/dev/null; }
}

under_policy() {
    "$python" "$root/scripts/seccomp_exec.py" "$unit" "$@"
}

explain_kill() {
    echo "check-seccomp: FAILED: '$*' was killed by SIGSYS: it made a system call outside the unit's" \
        "SystemCallFilter= or mapped memory writable and executable. Find the call with:" \
        "strace -f -o /tmp/trace $root/scripts/seccomp_exec.py $unit $*" >&2
}

run_to_end() {
    local status=0
    under_policy "$@" || status=$?
    if [ "$status" -eq "$sigsys_status" ]; then
        explain_kill "$@"
        exit 1
    fi
    echo "check-seccomp: passed: '$*' ran under the policy (exit status $status)" >&2
    exit "$status"
}

run_while() {
    local check="$1"
    shift
    local log
    log=$(mktemp)
    # Started directly, not through a function, so that $! is the command itself.
    "$python" "$root/scripts/seccomp_exec.py" "$unit" "$@" >"$log" 2>&1 &
    local pid=$! check_status=0 status=0
    SERVER_PID=$pid SERVER_LOG=$log bash -c "$check" || check_status=$?
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" || status=$?
    local failure=""
    if [ "$status" -eq "$sigsys_status" ]; then
        explain_kill "$@"
        failure="killed by SIGSYS"
    elif [ "$check_status" -ne 0 ]; then
        failure="the check '$check' exited with $check_status"
    elif [ "$status" -ne 0 ]; then
        failure="'$*' exited with $status on SIGTERM"
    fi
    if [ -n "$failure" ]; then
        echo "check-seccomp: FAILED: $failure; the command's output:" >&2
        sed 's/^/    /' "$log" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log"
    echo "check-seccomp: passed: '$*' served the check under the policy, then exited 0 on SIGTERM" >&2
}

self_test() {
    local name status failed=0
    local -A forbidden=(
        ["sched_setaffinity (@resources)"]='import os; os.sched_setaffinity(0, {0})'
        ["setuid (@privileged)"]='import os; os.setuid(os.getuid())'
        ["mmap PROT_WRITE|PROT_EXEC (MemoryDenyWriteExecute)"]='import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)'
    )
    for name in "${!forbidden[@]}"; do
        status=0
        under_policy "$python" -c "${forbidden[$name]}" 2>/dev/null || status=$?
        if [ "$status" -eq "$sigsys_status" ]; then
            echo "check-seccomp: self-test: $name is killed" >&2
        else
            echo "check-seccomp: self-test FAILED: $name was not killed (status $status)" >&2
            failed=1
        fi
    done
    status=0
    under_policy "$python" -c 'import socket; socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)' 2>/dev/null || status=$?
    if [ "$status" -eq 1 ]; then
        echo "check-seccomp: self-test: an AF_NETLINK socket is refused" >&2
    else
        echo "check-seccomp: self-test FAILED: AF_NETLINK gave status $status" >&2
        failed=1
    fi
    status=0
    under_policy "$python" -c 'print("allowed")' >/dev/null 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        echo "check-seccomp: self-test FAILED: a plain python3 run failed with $status" >&2
        failed=1
    fi
    [ "$failed" -eq 0 ] && echo "check-seccomp: self-test passed: the policy is armed" >&2
    exit "$failed"
}

[ $# -ge 1 ] || { sed -n '2,18p' "$0" >&2; exit 2; }
ensure_seccomp_module
case "$1" in
    --self-test) self_test ;;
    --while)
        [ $# -ge 3 ] || { echo "usage: $0 --while 'CHECK' COMMAND [ARG...]" >&2; exit 2; }
        shift
        run_while "$@"
        ;;
    *) run_to_end "$@" ;;
esac
