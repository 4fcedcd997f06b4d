# Stages of build/usb-image.sh after the cached Debian rootfs (sourced, not run):
# the initramfs with our boot method, the triage files, the squashfs, the two FAT
# partitions and the bootable disk image. Uses the variables set in build/usb-image.sh.

# Kernel modules left out of the live system: no network, radio, sound, camera or GPU drivers
# (nothing can talk to a network; the console uses the firmware's framebuffer or text mode).
PRUNED_MODULES=(drivers/net drivers/gpu drivers/media drivers/infiniband drivers/staging
    drivers/bluetooth sound net/wireless net/bluetooth net/mac80211)
SQUASHFS_EXCLUDES=(boot usr/share/doc usr/share/man usr/share/info usr/share/lintian
    var/cache/apt var/lib/apt/lists .triage-stamp .triage-initramfs)

build_initramfs() {
    local rootfs=$WORK/rootfs stamp
    install_initramfs_method "$rootfs"
    stamp=$( (cat "$USB/initramfs/"*; echo "${PRUNED_MODULES[*]}") | sha256sum | cut -c1-16)
    if [ -f "$rootfs/.triage-initramfs" ] && [ "$(cat "$rootfs/.triage-initramfs")" = "$stamp" ]; then
        log "initramfs: cached"
        return
    fi
    log "initramfs: pruning kernel modules (${PRUNED_MODULES[*]}) and building with the triage boot method"
    local kdir
    for kdir in "$rootfs"/usr/lib/modules/*/; do
        (cd "$kdir/kernel" && rm -rf "${PRUNED_MODULES[@]}")
        in_chroot "$rootfs" depmod -a "$(basename "$kdir")"
    done
    in_chroot "$rootfs" update-initramfs -u -k all >"$WORK/initramfs.log" 2>&1 \
        || die "update-initramfs failed, see $WORK/initramfs.log"
    echo "$stamp" >"$rootfs/.triage-initramfs"
}

# The scanner: the frozen executable (issue 5) if it exists and runs, else triage from git HEAD.
install_triage() {
    local rootfs=$1 exe=${TRIAGE_EXE:-$ROOT/build/dist/triage}
    rm -rf "$rootfs/opt/triage" "$rootfs/usr/local/bin/triage"
    mkdir -p "$rootfs/opt/triage/bin"
    git -C "$ROOT" archive HEAD profiles hashsets | tar -x -C "$rootfs/opt/triage"
    if [ -x "$exe" ] && "$exe" --version >/dev/null 2>&1; then
        log "triage: frozen executable $exe ($("$exe" --version), sha256 $(sha256sum "$exe" | cut -c1-16))"
        install -m 0755 "$exe" "$rootfs/opt/triage/bin/triage"
        TRIAGE_SOURCE="frozen $(basename "$exe") sha256 $(sha256sum "$exe" | cut -d' ' -f1)"
    else
        log "triage: FALLBACK: no working frozen executable at $exe; installing triage from git HEAD" \
            "$(git -C "$ROOT" rev-parse --short HEAD) as source on the live python3 (dependencies from .venv)"
        git -C "$ROOT" archive HEAD triage | tar -x -C "$rootfs/opt/triage"
        git -C "$ROOT" show HEAD:pyproject.toml >"$WORK/pyproject-HEAD.toml"
        "$ROOT/.venv/bin/python" "$USB/copy_runtime.py" "$WORK/pyproject-HEAD.toml" "$rootfs/opt/triage/lib" \
            2>"$WORK/copy_runtime.log" || die "copying the runtime failed, see $WORK/copy_runtime.log"
        printf '#!/bin/sh\nPYTHONPATH=/opt/triage:/opt/triage/lib exec python3 -m triage "$@"\n' \
            >"$rootfs/opt/triage/bin/triage"
        chmod 0755 "$rootfs/opt/triage/bin/triage"
        TRIAGE_SOURCE="source git $(git -C "$ROOT" rev-parse HEAD) on python3"
    fi
    ln -s /opt/triage/bin/triage "$rootfs/usr/local/bin/triage"
    check_triage "$rootfs"
}

# The scanner must run inside the live system as built: `triage demo` there must end in a verdict.
check_triage() {
    local rootfs=$1 rc=0
    in_chroot "$rootfs" env HOME=/root TMPDIR=/tmp triage demo -q -o /tmp/triage-check \
        >"$WORK/triage-check.log" 2>&1 || rc=$?
    rm -rf "$rootfs/tmp/triage-check" "$rootfs"/tmp/_MEI* "$rootfs"/tmp/triage-demo-*
    case $rc in
        0 | 10 | 20) log "triage: runs in the live system (demo: $(head -1 "$WORK/triage-check.log"))" ;;
        *) die "triage does not run in the live system (exit $rc), see $WORK/triage-check.log" ;;
    esac
}

build_live_tree() {
    local rootfs=$WORK/rootfs
    build_initramfs
    install_triage "$rootfs"
    fetch_signed_loaders
    rm -rf "$rootfs/usr/local/lib/officer-session" "$rootfs/usr/local/bin/officer-session"
    install -D -m 0755 "$USB/officer_session.py" "$rootfs/usr/local/lib/officer-session/officer_session.py"
    install -m 0644 "$USB"/session_*.py "$rootfs/usr/local/lib/officer-session/"
    ln -s /usr/local/lib/officer-session/officer_session.py "$rootfs/usr/local/bin/officer-session"
    install -D -m 0755 "$USB/init" "$rootfs/usr/local/sbin/triage-init"
    cat >"$rootfs/etc/triage-image.txt" <<EOF
triage live image built $(date -u +%Y-%m-%dT%H:%M:%SZ) from git $(git -C "$ROOT" rev-parse HEAD)
scanner: $TRIAGE_SOURCE
kernel: $(basename "$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -1)") (Debian-signed)
UEFI loaders: $(paste -sd';' "$WORK/signed/versions.txt")
EOF
    echo triage >"$rootfs/etc/hostname"
}

build_squashfs() {
    log "squashfs: compressing the live root (zstd)"
    rm -f "$WORK/filesystem.squashfs"
    mksquashfs "$WORK/rootfs" "$WORK/filesystem.squashfs" -noappend -quiet -no-progress \
        -comp zstd -Xcompression-level "${TRIAGE_USB_ZSTD_LEVEL:-15}" -e "${SQUASHFS_EXCLUDES[@]}" >"$WORK/squashfs.log" 2>&1 \
        || die "mksquashfs failed, see $WORK/squashfs.log"
}

# --- the disk image -----------------------------------------------------------------------

grub_menu() {
    local boot_id=$1 args="boot=triage triage.boot=$1 init=/usr/local/sbin/triage-init noresume quiet"
    cat <<EOF
# triage live stick: GRUB menu (legacy BIOS and UEFI). Hotkeys: t = screen, s = serial console.
if serial --unit=0 --speed=115200; then
    terminal_input console serial
    terminal_output console serial
fi
set timeout=5
set default=0
menuentry "Triage field boot (screen)" --hotkey=t {
    linux /live/vmlinuz $args triage.console=tty1
    initrd /live/initrd.img
}
menuentry "Triage field boot (serial console ttyS0)" --hotkey=s {
    linux /live/vmlinuz $args console=tty0 console=ttyS0,115200 triage.console=ttyS0
    initrd /live/initrd.img
}
EOF
}

# Debian's signed UEFI boot chain, used with Secure Boot on or off: shim signed by Microsoft's
# UEFI CA, GRUB signed by Debian (one monolithic image: under Secure Boot it loads no modules
# from disk), and the rootfs's own linux-image-amd64, signed by Debian. Fetched with the rootfs's
# apt (bookworm, whatever the build machine runs) by `apt-get download`, never installed: their
# maintainer scripts would run grub-install. No fbx64.efi (shim's fallback) is put on the stick:
# it would write boot entries into the computer's firmware.
SIGNED_PACKAGES=(shim-signed grub-efi-amd64-signed)

fetch_signed_loaders() {
    local rootfs=$WORK/rootfs dir=$WORK/signed deb
    if [ -s "$dir/shimx64.efi.signed" ] && [ -s "$dir/grubx64.efi.signed" ]; then
        log "signed loaders: cached ($(paste -sd' ' "$dir/versions.txt"))"
        return
    fi
    log "signed loaders: apt-get download ${SIGNED_PACKAGES[*]} (bookworm, from the rootfs's apt)"
    rm -rf "$dir" "$rootfs/tmp/signed"
    mkdir -p "$dir" "$rootfs/tmp/signed"
    chmod 0777 "$rootfs/tmp/signed"
    in_chroot "$rootfs" sh -c "apt-get update -qq && cd /tmp/signed && apt-get download ${SIGNED_PACKAGES[*]}" \
        >"$WORK/signed.log" 2>&1 || die "downloading the signed loaders failed, see $WORK/signed.log"
    for deb in "$rootfs"/tmp/signed/*.deb; do
        dpkg-deb -x "$deb" "$dir/x"
        dpkg-deb --showformat='${Package} ${Version}\n' -W "$deb" >>"$dir/versions.txt"
    done
    rm -rf "$rootfs/tmp/signed"
    cp "$dir/x/usr/lib/shim/shimx64.efi.signed" "$dir/x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$dir/"
}

# Legacy BIOS: GRUB's i386-pc core image in the MBR gap, modules from the boot partition.
make_grub_images() {
    local boot_id=$1 dir=$2 common=(part_msdos fat search search_fs_uuid configfile normal linux
        serial terminal echo test)
    printf 'search --no-floppy --fs-uuid --set=root %s\nset prefix=($root)/boot/grub\n' "$boot_id" \
        >"$dir/early.cfg"
    grub-mkimage -O i386-pc -o "$dir/core.img" -c "$dir/early.cfg" -p /boot/grub \
        biosdisk "${common[@]}"
    (($(stat -c %s "$dir/core.img") < 1048576 - 512)) || die "GRUB core.img does not fit the MBR gap"
}

# UEFI: EFI/BOOT/BOOTX64.EFI is shim, which starts grubx64.efi beside it; Debian's signed GRUB
# reads grub.cfg from the folder built into it (/EFI/debian), which sends it to boot/grub/grub.cfg.
add_uefi_loaders() {
    local fat=$1 boot_id=$2 dir=$3 signed=$WORK/signed vendor
    vendor=$(grep -a -o -m1 -E '/EFI/[A-Za-z]+' "$signed/grubx64.efi.signed" | head -1)
    [ -n "$vendor" ] || die "cannot find the folder built into $signed/grubx64.efi.signed"
    printf 'search --no-floppy --fs-uuid --set=root %s\nset prefix=($root)/boot/grub\nconfigfile $prefix/grub.cfg\n' \
        "$boot_id" >"$dir/efi-stub.cfg"
    mmd -i "$fat" ::/EFI ::/EFI/BOOT "::$vendor"
    mcopy -i "$fat" "$signed/shimx64.efi.signed" ::/EFI/BOOT/BOOTX64.EFI
    mcopy -i "$fat" "$signed/grubx64.efi.signed" ::/EFI/BOOT/grubx64.efi
    mcopy -i "$fat" "$dir/efi-stub.cfg" "::$vendor/grub.cfg"
}

make_boot_fat() {
    local fat=$1 boot_id=$2 dir=$3 kernel initrd need_kib
    kernel=$(ls "$WORK"/rootfs/boot/vmlinuz-* | sort -V | tail -1)
    initrd=$(ls "$WORK"/rootfs/boot/initrd.img-* | sort -V | tail -1)
    grub_menu "$boot_id" >"$dir/grub.cfg"
    need_kib=$(du -ck "$WORK/filesystem.squashfs" "$kernel" "$initrd" /usr/lib/grub/i386-pc \
        "$WORK/signed/shimx64.efi.signed" "$WORK/signed/grubx64.efi.signed" | tail -1 | cut -f1)
    rm -f "$fat"
    mkfs.vfat -C -F 32 -n TRIAGEBOOT -i "${boot_id/-/}" "$fat" $(((need_kib * 11 / 10 + 40960) / 1024 * 1024)) >/dev/null
    add_uefi_loaders "$fat" "$boot_id" "$dir"
    mmd -i "$fat" ::/boot ::/boot/grub ::/live
    mcopy -i "$fat" "$dir/grub.cfg" ::/boot/grub/grub.cfg
    mcopy -s -i "$fat" /usr/lib/grub/i386-pc ::/boot/grub/
    mcopy -i "$fat" "$kernel" ::/live/vmlinuz
    mcopy -i "$fat" "$initrd" ::/live/initrd.img
    mcopy -i "$fat" "$WORK/filesystem.squashfs" ::/live/filesystem.squashfs
    mcopy -i "$fat" "$WORK/rootfs/etc/triage-image.txt" ::/TRIAGE.TXT
}

make_data_fat() {
    local fat=$1 data_id=$2
    rm -f "$fat"
    mkfs.vfat -C -F 32 -n TRIAGE-DATA -i "$data_id" "$fat" $((DATA_MIB * 1024)) >/dev/null
    mmd -i "$fat" ::/reports ::/keys ::/profiles
    printf '%s\r\n' "triage stick data partition." "reports\\  signed reports, one folder per scan" \
        "keys\\     officer.key and officer.key.pub (from: triage keygen keys\\officer.key)" \
        "profiles\\ extra profiles (.toml) offered besides those built in" >"$WORK/README.TXT"
    mcopy -i "$fat" "$WORK/README.TXT" ::/README.TXT
    if [ -n "$KEY" ]; then
        mcopy -i "$fat" "$KEY" ::/keys/officer.key
        mcopy -i "$fat" "${KEY}.pub" ::/keys/officer.key.pub
        log "data: officer key $KEY copied to keys/officer.key"
    fi
}

build_image() {
    local dir=$WORK/image boot_id data_id boot_sectors data_sectors
    mkdir -p "$dir"
    boot_id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F | sed 's/^\(....\)/\1-/')
    data_id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
    log "image: GRUB i386-pc (BIOS) + signed shim and GRUB (UEFI), boot partition id $boot_id"
    make_grub_images "$boot_id" "$dir"
    make_boot_fat "$dir/boot.fat" "$boot_id" "$dir"
    boot_sectors=$(($(stat -c %s "$dir/boot.fat") / 512))
    if ((STICK_MIB)); then  # TRIAGE-DATA fills the stick: 1 MiB gap, boot partition, 1 MiB spare
        DATA_MIB=$((STICK_MIB - 2 - boot_sectors / 2048))
        ((DATA_MIB >= 64)) || die "--stick-size leaves TRIAGE-DATA only $DATA_MIB MiB"
        log "data: TRIAGE-DATA $DATA_MIB MiB to fill a $STICK_MIB MiB stick"
    fi
    make_data_fat "$dir/data.fat" "$data_id"
    data_sectors=$(($(stat -c %s "$dir/data.fat") / 512))
    rm -f "$OUT"
    truncate -s $(((2048 + boot_sectors + data_sectors) * 512)) "$OUT"
    printf 'label: dos\nstart=2048, size=%d, type=ef, bootable\nstart=%d, size=%d, type=c\n' \
        "$boot_sectors" $((2048 + boot_sectors)) "$data_sectors" | sfdisk -q "$OUT"
    dd if="$dir/boot.fat" of="$OUT" bs=1M seek=1 conv=notrunc,sparse status=none
    dd if="$dir/data.fat" of="$OUT" bs=512 seek=$((2048 + boot_sectors)) conv=notrunc,sparse status=none
    dd if=/usr/lib/grub/i386-pc/boot.img of="$OUT" bs=440 count=1 conv=notrunc status=none
    # As grub-bios-setup does for hard disks: NOP the jump over the drive check (boot.S, offset
    # 0x66) so a BIOS that passes a floppy drive number for the stick still boots it as 0x80.
    printf '\x90\x90' | dd of="$OUT" bs=1 seek=$((0x66)) conv=notrunc status=none
    dd if="$dir/core.img" of="$OUT" bs=512 seek=1 conv=notrunc status=none
}
