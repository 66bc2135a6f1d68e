#!/usr/bin/env bash
# Builds, once, the Debian bookworm root that scripts/test-systemd-vm.sh boots: systemd as PID 1,
# Debian's kernel and initramfs, networkd with qemu's user-mode address, and a test agent (a
# root shell on TCP port 2222, one per connection, by socket activation) that the test drives
# through a port forward on 127.0.0.1. mmdebstrap installs it from the apt sources this machine
# uses. The result is cached in CACHE/<key>, the key a hash of this script and those sources, so
# a second run reuses it; prints that directory (root/, vmlinuz, initrd.img).
#
#   scripts/systemd-vm-image.sh CACHE
set -euo pipefail

cache=${1:?usage: scripts/systemd-vm-image.sh CACHE}

# The host's Debian bookworm sources, as apt reads them (deb822 or one-line files).
sources=()
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] && grep -q '^[^#]*bookworm' "$file" && sources+=("$file")
done
[ ${#sources[@]} -gt 0 ] || { echo "systemd-vm-image: no apt source for bookworm in /etc/apt" >&2; exit 1; }

key=$(cat "$0" "${sources[@]}" | sha256sum | cut -c1-16)
image="$cache/$key"
if [ -e "$image/done" ]; then
    echo "$image"
    exit 0
fi

command -v mmdebstrap >/dev/null || {
    echo "systemd-vm-image: installing mmdebstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >&2
}

# One image at a time: an older key's is removed.
rm -rf "$cache"
mkdir -p "$image"
root="$image/root"
echo "systemd-vm-image: building $image from ${sources[*]}" >&2

# systemd-sysv makes systemd PID 1; dbus for systemd-analyze security; python3 for the slow
# upstream the stop check needs; postgresql (15, its cluster made at install) for cluster mode. linux-image-amd64 builds its initramfs when it is installed:
# with only what mounts a virtio disk (the default, MODULES=most, is six times the size, and
# unpacking it is slow under software emulation).
packages=systemd,systemd-sysv,dbus,udev,linux-image-amd64,libcurl4,python3,procps,curl,postgresql
timeout 1200 mmdebstrap --mode=root --variant=apt --include="$packages" \
    --setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"' \
    --setup-hook='echo MODULES=list >"$1/etc/initramfs-tools/conf.d/gtcp-vm.conf"' \
    --setup-hook='printf "virtio_pci\nvirtio_blk\next4\n" >"$1/usr/share/initramfs-tools/modules.d/gtcp-vm"' \
    bookworm "$root" "${sources[@]}" >&2

echo gtcp-vm >"$root/etc/hostname"
cat >"$root/etc/systemd/network/10-qemu.network" <<'EOF'
# qemu's user-mode network: the guest is always 10.0.2.15, the host side 10.0.2.2; no DHCP wait.
[Match]
Name=en*
[Network]
Address=10.0.2.15/24
Gateway=10.0.2.2
EOF
cat >"$root/etc/systemd/system/vm-agent.socket" <<'EOF'
[Unit]
Description=Test agent: a root shell per connection, for scripts/test-systemd-vm.sh
[Socket]
ListenStream=2222
Accept=yes
[Install]
WantedBy=sockets.target
EOF
# Reads the whole script up to the client's half-close, runs it, and ends with its exit status.
cat >"$root/etc/systemd/system/vm-agent@.service" <<'EOF'
[Service]
ExecStart=/bin/bash -c 'script=$$(cat); bash -c "$$script" 2>&1; echo "vm-agent-exit=$$?"'
StandardInput=socket
StandardOutput=socket
EOF
systemctl --root="$root" enable systemd-networkd.service vm-agent.socket >&2

# The kernel and the initramfs boot from outside the image (qemu -kernel, -initrd).
cp "$root"/boot/vmlinuz-* "$image/vmlinuz"
cp "$root"/boot/initrd.img-* "$image/initrd.img"
# Drivers a virtio guest never loads: a smaller image is a faster mkfs on each run.
modules=$(echo "$root"/usr/lib/modules/*/kernel)
rm -rf "$modules"/drivers/{gpu,media,infiniband,net/wireless,net/ethernet,staging,iio,bluetooth} \
    "$modules"/{sound,net/wireless,net/mac80211,net/bluetooth}
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/{doc,man,locale}
touch "$image/done"
echo "$image"
