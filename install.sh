#!/usr/bin/env bash
# Installs everything triage needs on a fresh Debian/Ubuntu machine:
# system packages (libmagic, file-system tools for building demo evidence and
# tests), then a virtual environment in .venv with triage and its extras.
#   ./install.sh              runtime + E01, BitLocker/LUKS and virtual-disk support
#   ./install.sh --dev        plus test and lint tools, and QEMU + OVMF for the USB stick's
#                             system test (tests/usb; the same as --usb-test)
set -euo pipefail
cd "$(dirname "$0")"

SYSTEM_PACKAGES=(libmagic1 libarchive13 e2fsprogs mtools dosfstools exfatprogs ntfs-3g fdisk attr sleuthkit gzip debootstrap cryptsetup-bin qemu-utils apfsprogs)
# The stick's system test boots it in QEMU: SeaBIOS and OVMF (Secure Boot builds with Microsoft's
# keys), and grub-mkimage's EFI modules for the unsigned loader Secure Boot must refuse. qemu-user
# runs the keyword-engine test on an emulated CPU without SSE4 (tests/match/test_keyword_engine.py).
USB_TEST_PACKAGES=(qemu-system-x86 ovmf grub-efi-amd64-bin qemu-user)
DEV=0
for arg in "$@"; do
    case $arg in
        --dev | --usb-test) DEV=1 ;;
        *) echo "install.sh: unknown option $arg (use --dev)" >&2; exit 2 ;;
    esac
done
((DEV)) && SYSTEM_PACKAGES+=("${USB_TEST_PACKAGES[@]}")
# --dev: the report's browser tests print report.html with headless Chromium and read the PDF
# with poppler's pdfinfo/pdftotext (tests/report/test_report_browser.py).
((DEV)) && SYSTEM_PACKAGES+=(chromium poppler-utils)
# --dev: the speed benchmarks' baseline, hashdeep -j2 with three digests (bench/cores_bench.py).
((DEV)) && SYSTEM_PACKAGES+=(hashdeep)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "install.sh: installing system packages: ${missing[*]}" >&2
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), "triage needs Python 3.11"'

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
extras="ewf,video,unlock,virtual,snapshots,apfs"
((DEV)) && extras="ewf,video,unlock,virtual,snapshots,apfs,dev"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[${extras}]"
echo "install.sh: done. Run: .venv/bin/triage --help" >&2
