#!/usr/bin/env bash
# The operator console in headless Chromium against a live gateway with real gtcp clients
# (scripts/console_test.py). Installs Debian's chromium and chromium-driver, and selenium in
# .venv/, when missing.
#
#   scripts/console-test.sh BINARY [SCREENSHOT_DIR]
#
# With SCREENSHOT_DIR, the fleet view and the charts are saved there as console-fleet.png and
# console-charts.png.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:?usage: scripts/console-test.sh BINARY [SCREENSHOT_DIR]}
screenshots=${2:-}
venv="$root/.venv"

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "installing chromium and chromium-driver"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
# Pinned so that a new release cannot change the verdict; pip skips what is already installed.
"$venv/bin/pip" install --quiet --disable-pip-version-check "selenium==4.51.0"

exec "$root/scripts/with-gateway.sh" "$binary" \
    "$venv/bin/python" "$root/scripts/console_test.py" "$binary" ${screenshots:+"$(realpath "$screenshots")"}
