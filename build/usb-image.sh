#!/usr/bin/env bash
# Builds the bootable triage USB stick image: a minimal Debian live system that boots on
# UEFI and legacy BIOS, starts the officer's guided console session and scans the
# computer's internal disks read-only. Output: build/work/usb/triage-usb.img (raw disk
# image; write it to a stick with `dd if=triage-usb.img of=/dev/sdX bs=4M conv=fsync`).
#
#   build/usb-image.sh [--out FILE] [--data-mib N | --stick-size SIZE] [--key officer.key] [--rebuild-rootfs]
#
# --stick-size BYTES makes TRIAGE-DATA fill a stick of that size (the image is sparse): give the
# stick's exact size (`blockdev --getsize64 /dev/sdX`; SI suffixes too, 16G = 16,000,000,000, but
# sticks hold a little less than their label says). --data-mib N gives TRIAGE-DATA N MiB
# (default 256); the rest of a larger stick then stays unallocated.
#
# Layout (MBR, so both BIOS and UEFI firmware boot it and any office PC reads the reports):
#   sector 0 + gap : GRUB i386-pc boot.img + core.img (legacy BIOS)
#   p1 TRIAGEBOOT  : FAT32, type 0xEF (EFI system partition), active. EFI/BOOT/BOOTX64.EFI (shim,
#                    signed by Microsoft's UEFI CA) + EFI/BOOT/grubx64.efi (GRUB signed by Debian),
#                    EFI/debian/grub.cfg, boot/grub/grub.cfg + i386-pc modules, live/vmlinuz
#                    (Debian-signed), live/initrd.img, live/filesystem.squashfs.
#                    Mounted read-only by the initramfs, never written.
#   p2 TRIAGE-DATA : FAT32, type 0x0C. keys/officer.key (+ .pub), reports/, profiles/ (optional
#                    extra profiles). The only place the live system writes.
# Boots with UEFI Secure Boot on (Microsoft's keys, as shipped) or off, and on legacy BIOS.
# build/usb/README.md describes the stick, its boot chain and the officer's session.
#
# The live system (build/usb/): initramfs-tools with our own boot method (build/usb/initramfs/)
# that mounts only the stick's boot partition (found by its FAT volume id) and the squashfs;
# PID 1 is build/usb/init (no systemd, no udisks: nothing is ever auto-mounted); the session is
# build/usb/officer_session.py (+ session_*.py). The scanner is the frozen build/dist/triage
# (build/build-exe.sh) when it exists, otherwise triage from this working tree's committed HEAD
# on the live Python (logged as FALLBACK; that one needs an x86-64-v2 processor, see README.md).
#
# Intermediate results are cached in build/work/usb/ (rootfs with packages: rebuilt only when
# the package list changes or with --rebuild-rootfs). Needs root (debootstrap, chroot).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
USB=$ROOT/build/usb
WORK=${TRIAGE_USB_WORK:-$ROOT/build/work/usb}
OUT=$WORK/triage-usb.img
DATA_MIB=256
STICK_MIB=0
KEY=""
REBUILD_ROOTFS=0
SUITE=bookworm
MIRROR=${TRIAGE_USB_MIRROR:-http://deb.debian.org/debian}
# Kept small on purpose: no init system, no udisks/automounter, no mdadm/lvm2 (they would
# assemble and write to the computer's RAID/LVM metadata), no network tools.
LIVE_PACKAGES=(linux-image-amd64 initramfs-tools busybox zstd udev kmod python3 libmagic1
    figlet util-linux fdisk kbd console-setup-linux)

log() { echo "usb-image: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

parse_args() {
    while (($#)); do
        case $1 in
            --out) OUT=$(realpath -m "$2"); shift ;;
            --data-mib) DATA_MIB=$2; shift ;;
            --stick-size) STICK_MIB=$(($(numfmt --from=si "${2%B}") / 1048576)); shift ;;
            --key) KEY=$(realpath "$2"); shift ;;
            --rebuild-rootfs) REBUILD_ROOTFS=1 ;;
            -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
            *) die "unknown argument $1" ;;
        esac
        shift
    done
}

need_tools() {
    local tools=(debootstrap mksquashfs grub-mkimage mkfs.vfat mcopy sfdisk zstd)
    local missing=0
    for t in "${tools[@]}"; do command -v "$t" >/dev/null || missing=1; done
    [ -d /usr/lib/grub/i386-pc ] && [ -d /usr/lib/grub/x86_64-efi ] || missing=1
    ((missing)) || return 0
    log "installing build tools (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap \
        squashfs-tools grub-pc-bin grub-efi-amd64-bin grub-common mtools dosfstools fdisk zstd >/dev/null
}

# --- stage 1: Debian base system with packages (cached) -------------------------------------
build_rootfs() {
    local rootfs=$WORK/rootfs stamp
    stamp="$SUITE ${LIVE_PACKAGES[*]}"
    if ((!REBUILD_ROOTFS)) && [ -f "$rootfs/.triage-stamp" ] && [ "$(cat "$rootfs/.triage-stamp")" = "$stamp" ]; then
        log "rootfs: cached ($rootfs)"
        return
    fi
    log "rootfs: debootstrap $SUITE minbase from $MIRROR (several minutes)"
    rm -rf "$rootfs"
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
        || die "debootstrap failed, see $WORK/debootstrap.log"
    install_initramfs_method "$rootfs"
    log "rootfs: installing ${LIVE_PACKAGES[*]}"
    in_chroot "$rootfs" apt-get install -y -qq --no-install-recommends "${LIVE_PACKAGES[@]}" \
        >"$WORK/apt.log" 2>&1 || die "apt-get in the chroot failed, see $WORK/apt.log"
    in_chroot "$rootfs" apt-get clean
    echo "$stamp" >"$rootfs/.triage-stamp"
}

install_initramfs_method() {
    local rootfs=$1
    install -D -m 0755 "$USB/initramfs/triage-boot" "$rootfs/etc/initramfs-tools/scripts/triage"
    install -D -m 0755 "$USB/initramfs/triage-hook" "$rootfs/etc/initramfs-tools/hooks/triage"
    install -D -m 0644 "$USB/initramfs/initramfs.conf" \
        "$rootfs/etc/initramfs-tools/conf.d/triage.conf"
}

in_chroot() {
    local rootfs=$1
    shift
    mount -t proc proc "$rootfs/proc"
    mount -t sysfs sys "$rootfs/sys"
    local rc=0
    DEBIAN_FRONTEND=noninteractive LC_ALL=C chroot "$rootfs" "$@" || rc=$?
    umount "$rootfs/sys" "$rootfs/proc"
    return $rc
}

source "$USB/image-stages.sh"

main() {
    parse_args "$@"
    [ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot need it)"
    mkdir -p "$WORK"
    need_tools
    build_rootfs
    build_live_tree
    build_squashfs
    build_image
    log "done: $OUT ($(du -h --apparent-size "$OUT" | cut -f1))"
}

main "$@"
