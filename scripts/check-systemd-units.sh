#!/usr/bin/env bash
# Checks deploy/gtcp-gateway.service (or the unit given): `systemd-analyze verify` must be clean (except that the
# binary is not installed on this machine) and `systemd-analyze security --offline=yes` must
# rate its exposure at most 1.2. Prints the score.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
unit="${1:-$root/deploy/gtcp-gateway.service}"
max_exposure=1.2
binary=/usr/local/bin/gtcp-gateway

command -v systemd-analyze >/dev/null ||
    { echo "check-systemd-units: needs systemd-analyze (apt-get install systemd)" >&2; exit 1; }

verify_output="$(systemd-analyze verify "$unit" 2>&1 || true)"
problems="$(printf '%s\n' "$verify_output" |
    grep -v -F "Command $binary is not executable: No such file or directory" | grep -v '^$' || true)"
if [ -n "$problems" ]; then
    echo "check-systemd-units: FAILED: systemd-analyze verify $unit reports:" >&2
    printf '%s\n' "$problems" >&2
    exit 1
fi
echo "check-systemd-units: systemd-analyze verify: clean"

security_output="$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1)"
score="$(printf '%s\n' "$security_output" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
if [ -z "$score" ]; then
    echo "check-systemd-units: FAILED: no exposure score in the output of systemd-analyze security:" >&2
    printf '%s\n' "$security_output" >&2
    exit 1
fi
if awk -v score="$score" -v max="$max_exposure" 'BEGIN { exit !(score > max) }'; then
    echo "check-systemd-units: FAILED: exposure score $score is above $max_exposure; what it counts against the unit:" >&2
    printf '%s\n' "$security_output" | grep '✗' >&2
    exit 1
fi
echo "check-systemd-units: exposure score $score (at most $max_exposure)"
