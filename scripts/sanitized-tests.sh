#!/usr/bin/env bash
# Builds and runs the Swift tests under one sanitizer in a scratch path of its own. Fails when a
# test fails or the sanitizer reported anything, even if every test passed.
#
#   scripts/sanitized-tests.sh thread|address SCRATCH [swift test arguments...]
#
# Reports go to files in SCRATCH/sanitizer-reports, those of the gtcp-gateway processes the
# end-to-end tests start included, whose own output the tests read and do not show.
set -euo pipefail
sanitizer=${1:?usage: scripts/sanitized-tests.sh thread|address SCRATCH [ARGS...]}
scratch=${2:?usage: scripts/sanitized-tests.sh thread|address SCRATCH [ARGS...]}
shift 2

swift build --build-tests --scratch-path "$scratch" --sanitize="$sanitizer"

reports="$PWD/$scratch/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
case $sanitizer in
    thread) export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}log_path=$reports/tsan:suppressions=$PWD/Tests/tsan-suppressions.txt" ;;
    address) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$reports/asan" ;;
esac
status=0
swift test --skip-build --scratch-path "$scratch" --sanitize="$sanitizer" "$@" 2>&1 | tee "$scratch/test.log" || status=$?

found=$(cat "$reports"/* 2>/dev/null | grep -c -e 'WARNING: ThreadSanitizer' -e 'ERROR: AddressSanitizer' || true)
if [ "$found" -gt 0 ]; then
    echo "$sanitizer sanitizer: $found reports in $reports:" >&2
    grep -l -e 'WARNING: ThreadSanitizer' -e 'ERROR: AddressSanitizer' "$reports"/* >&2
    exit 1
fi
exit "$status"
