#!/usr/bin/env bash
# Builds the one-file executable build/dist/triage with PyInstaller (build/triage.spec).
#   build/build-exe.sh            after ./install.sh (which installs libmagic1 + libmagic-mgc)
# Reproducible: a private build venv (build/work/venv) with versions pinned by
# build/constraints.txt, SOURCE_DATE_EPOCH = the commit's time, PYTHONHASHSEED=0.
# Writes build/dist/triage, triage.sha256 and triage.files (the bundle's file list).
# TRIAGE_DIST / TRIAGE_WORK choose other output / work folders (used by the rebuild test).
# TRIAGE_BUILD_EXTRAS (default ewf,unlock,virtual,snapshots,apfs) picks the extras bundled; ",video" adds PyAV, whose
# wheels carry GPL codecs: an executable built so must be distributed under the GPL's terms.
set -euo pipefail
cd "$(dirname "$0")/.."

DIST=${TRIAGE_DIST:-build/dist}
WORK=${TRIAGE_WORK:-build/work}
VENV=build/work/venv
EXTRAS=${TRIAGE_BUILD_EXTRAS:-ewf,unlock,virtual,snapshots,apfs}
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

export PYTHONHASHSEED=0
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH

if [ -f "$VENV/.installed" ] && [ "$(cat "$VENV/.installed")" != "$EXTRAS" ]; then
    rm -rf "$VENV" # other extras: start clean, so nothing left from them is bundled
fi
if [ ! -x "$VENV/bin/pyinstaller" ] || [ build/constraints.txt -nt "$VENV/.installed" ] \
    || [ pyproject.toml -nt "$VENV/.installed" ]; then
    echo "build-exe.sh: preparing the build venv $VENV" >&2
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    if ! { "$VENV/bin/python" -m pip install -q --upgrade pip \
        && "$VENV/bin/python" -m pip install -q -c build/constraints.txt -e ".[$EXTRAS,build]"; } \
        >build/work/build-venv.log 2>&1; then
        tail -30 build/work/build-venv.log >&2
        exit 1
    fi
    echo "$EXTRAS" > "$VENV/.installed"
fi

"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK/pyinstaller" build/triage.spec
(cd "$DIST" && sha256sum triage > triage.sha256)
"$VENV/bin/pyi-archive_viewer" --recursive --brief "$DIST/triage" | LC_ALL=C sort > "$DIST/triage.files"
echo "build-exe.sh: $DIST/triage ($(du -h "$DIST/triage" | cut -f1)), sha256 $(cut -d' ' -f1 "$DIST/triage.sha256")" >&2
