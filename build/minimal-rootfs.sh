#!/usr/bin/env bash
# A minimal Debian root file system (debootstrap --variant=minbase: no Python, no libmagic)
# in which tests/frozen runs the executable, to prove it needs nothing from the host.
#   build/minimal-rootfs.sh [DIR]     default build/work/rootfs-bookworm; kept as a cache
# Needs root and debootstrap (install.sh installs it). DEBIAN_SUITE picks another release.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${1:-build/work/rootfs-bookworm}
SUITE=${DEBIAN_SUITE:-bookworm}
if [ -f "$DIR/.triage-rootfs-complete" ]; then
    exit 0
fi
# An interrupted debootstrap can leave /proc or /sys mounted inside DIR: unmount before removing.
target=$(realpath -m "$DIR")
{ grep -o " $target/[^ ]*" /proc/mounts || true; } | sort -r | while read -r mounted; do umount -l "$mounted"; done
rm -rf "$DIR"
mkdir -p "$(dirname "$DIR")"
echo "minimal-rootfs.sh: debootstrap --variant=minbase $SUITE $DIR" >&2
debootstrap --variant=minbase "$SUITE" "$DIR" >"$DIR.log" 2>&1 || {
    tail -20 "$DIR.log" >&2
    exit 1
}
apt_clean=("$DIR"/var/cache/apt/archives/*.deb)
rm -f "${apt_clean[@]}"
touch "$DIR/.triage-rootfs-complete"
