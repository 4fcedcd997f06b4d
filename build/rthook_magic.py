# PyInstaller runtime hook (build/triage.spec): runs before triage is imported in the executable.
# python-magic's compat module loads libmagic's *default* database at import time; point that
# default ($MAGIC) at the bundled magic.mgc so the host's database (or its absence) never matters.
import os
import sys

os.environ["MAGIC"] = os.path.join(sys._MEIPASS, "magic.mgc")
# libarchive-c finds libarchive through $LIBARCHIVE before ctypes.util.find_library (issue 16):
# the bundled libarchive.so.13 (7z, RAR, ISO 9660, cab members).
bundled_archive = os.path.join(sys._MEIPASS, "libarchive.so.13")
if os.path.exists(bundled_archive):
    os.environ.setdefault("LIBARCHIVE", bundled_archive)
