#!/usr/bin/env bash
# Builds and runs the Swift tests under one sanitizer in a scratch path of its own. Fails when a
# test fails or the sanitizer reported anything, even if every test passed.
#
#   scripts/sanitized-tests.sh thread|address SCRATCH [swift test arguments...]
set -euo pipefail
sanitizer=${1:?usage: scripts/sanitized-tests.sh thread|address SCRATCH [ARGS...]}
scratch=${2:?usage: scripts/sanitized-tests.sh thread|address SCRATCH [ARGS...]}
shift 2

swift build --build-tests --scratch-path "$scratch" --sanitize="$sanitizer"
log="$scratch/test.log"
status=0
swift test --skip-build --scratch-path "$scratch" --sanitize="$sanitizer" "$@" 2>&1 | tee "$log" || status=$?
reports=$(grep -c -e 'WARNING: ThreadSanitizer' -e 'ERROR: AddressSanitizer' -e 'runtime error:' "$log" || true)
if [ "$reports" -gt 0 ]; then
    echo "$sanitizer sanitizer: $reports reports, see $log" >&2
    exit 1
fi
exit "$status"
