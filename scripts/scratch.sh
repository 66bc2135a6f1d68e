# Sourced by the scripts that start processes: a scratch directory in $work, and a $pids list
# whose processes are killed, and the directory removed, when the script exits.
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
