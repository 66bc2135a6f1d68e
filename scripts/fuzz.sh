#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer and runs each for a bounded time; fails on
# the first crash, leak or hang, leaving the input in .build-fuzz/artifacts/.
#
#   scripts/fuzz.sh SECONDS TARGET...
#
# New inputs go to .build-fuzz/corpus/TARGET (kept between runs); the seeds in
# Tests/Fuzz/corpus/TARGET are read, never written. With FUZZ_SEED set (make test does), each run
# starts from the seeds alone with that random seed, so every machine mutates the same inputs in
# the same order and a failure there is one anyone can reproduce.
set -euo pipefail

seconds=${1:?usage: scripts/fuzz.sh SECONDS TARGET...}
shift
scratch=.build-fuzz
# SwiftPM hands the two --sanitize flags to the Swift driver separately and the integrated driver
# then compiles Swift with AddressSanitizer but without coverage, so libFuzzer would mutate
# blindly; naming both in one -sanitize= instruments the Swift code as well.
build=(swift build --scratch-path "$scratch" -c release --sanitize=fuzzer --sanitize=address
    -Xswiftc -sanitize=fuzzer,address)

for target in "$@"; do
    "${build[@]}" --product "$target"
done
bin=$("${build[@]}" --show-bin-path)

mkdir -p "$scratch/artifacts" "$scratch/tmp"
# Targets that need a file write it here.
export TMPDIR=$PWD/$scratch/tmp
for target in "$@"; do
    corpus="$scratch/corpus/$target"
    seeding=()
    if [ -n "${FUZZ_SEED:-}" ]; then
        corpus="$scratch/corpus-seeded/$target"
        rm -rf "$corpus"
        seeding=(-seed="$FUZZ_SEED")
    fi
    mkdir -p "$corpus"
    # Swift code left uninstrumented shows as a few hundred counters from the C shims only.
    counters=$("$bin/$target" -runs=0 2>&1 | sed -n 's/.*(\([0-9]*\) inline 8-bit counters).*/\1/p' | head -1)
    if [ "${counters:-0}" -lt 10000 ]; then
        echo "$target: only ${counters:-0} coverage counters, the Swift code is not instrumented" >&2
        exit 1
    fi
    dict=Tests/Fuzz/$target.dict
    options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -print_final_stats=1
        -artifact_prefix="$scratch/artifacts/$target-" "${seeding[@]}")
    [ -f "$dict" ] && options+=(-dict="$dict")
    log="$scratch/logs/$target.log"
    mkdir -p "$scratch/logs"
    echo "== $target for ${seconds}s (log: $log)"
    status=0
    "$bin/$target" "${options[@]}" "$corpus" "Tests/Fuzz/corpus/$target" </dev/null >"$log" 2>&1 || status=$?
    grep -v -e '^#[0-9]' -e '^INFO: ' -e '^ *"' -e 'recommended dictionary' "$log" | tail -40
    if [ "$status" -ne 0 ]; then
        echo "$target failed (exit $status); the input is in $scratch/artifacts/" >&2
        exit "$status"
    fi
    echo "$target: $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") executions, no crash, leak or hang"
done
