#!/usr/bin/env bash
# Checks `make install` into a staging directory: the binary under PREFIX/bin, the unit and its
# template twin in /etc/systemd/system starting that binary, the example configuration in
# /etc/gtcp-gateway, and an existing configuration kept on a second install.
#
#   scripts/check-install.sh BINARY     (any build of gtcp-gateway; installed as the release one)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
binary=${1:?usage: scripts/check-install.sh BINARY}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

fail() {
    echo "check-install: FAILED: $*" >&2
    exit 1
}

install_into() {
    make -s -C "$root" install DESTDIR="$stage/$1" INSTALL_BINARY="$binary" "${@:2}" >/dev/null
}

mode() { stat -c %a "$1"; }

install_into default
[ -x "$stage/default/usr/local/bin/gtcp-gateway" ] || fail "no /usr/local/bin/gtcp-gateway with the default PREFIX"
cmp -s "$stage/default/etc/systemd/system/gtcp-gateway.service" "$root/deploy/gtcp-gateway.service" ||
    fail "with the default PREFIX the unit must be deploy/gtcp-gateway.service unchanged"

install_into opt PREFIX=/opt/gtcp
unit="$stage/opt/etc/systemd/system/gtcp-gateway.service"
config="$stage/opt/etc/gtcp-gateway/config.yaml"
[ "$(mode "$stage/opt/opt/gtcp/bin/gtcp-gateway")" = 755 ] || fail "the binary is not PREFIX/bin/gtcp-gateway, mode 755"
[ "$(mode "$unit")" = 644 ] || fail "the unit is not in /etc/systemd/system, mode 644"
grep -qx 'ExecStart=/opt/gtcp/bin/gtcp-gateway serve --config /etc/gtcp-gateway/config.yaml' "$unit" ||
    fail "the unit's ExecStart= does not start PREFIX/bin/gtcp-gateway: $(grep ExecStart= "$unit")"
diff <(grep -v '^ExecStart=' "$unit") <(grep -v '^ExecStart=' "$root/deploy/gtcp-gateway.service") >/dev/null ||
    fail "the unit differs from deploy/gtcp-gateway.service beyond ExecStart="
template="$stage/opt/etc/systemd/system/gtcp-gateway@.service"
[ "$(mode "$template")" = 644 ] || fail "the template gtcp-gateway@.service is not in /etc/systemd/system, mode 644"
grep -qx 'ExecStart=/opt/gtcp/bin/gtcp-gateway serve --config /etc/gtcp-gateway/%i.yaml' "$template" ||
    fail "the template's ExecStart= does not read /etc/gtcp-gateway/INSTANCE.yaml: $(grep ExecStart= "$template")"
diff <(grep -v -e '^ExecStart=' -e '^Description=' "$template") <(grep -v -e '^ExecStart=' -e '^Description=' "$unit") >/dev/null ||
    fail "the template differs from the unit beyond Description= and ExecStart="
[ "$(mode "$config")" = 644 ] && cmp -s "$config" "$root/deploy/config.yaml" ||
    fail "/etc/gtcp-gateway/config.yaml is not deploy/config.yaml, mode 644"
"$stage/opt/opt/gtcp/bin/gtcp-gateway" check-config --config "$config" >/dev/null ||
    fail "the installed binary rejects the installed configuration"

echo 'greeting: "edited by the operator"' >"$config"
install_into opt PREFIX=/opt/gtcp
grep -q 'edited by the operator' "$config" || fail "a second install overwrote the existing configuration"

echo "check-install: make install puts the binary in PREFIX/bin, the unit and its template in /etc/systemd/system and" \
    "keeps an existing /etc/gtcp-gateway/config.yaml (DESTDIR honoured)"
