"""Open a Windows registry hive from evidence with regipy, on a private copy.

regipy (MIT) reads a hive from a path, so the hive is copied into a private temp
file first (evidence is never opened in place). Its plugins are run one by one; a
plugin that fails on a damaged hive becomes a Problem and the others still run.
Hive locations: ``Windows/System32/config/{SYSTEM,SOFTWARE,SAM}``,
``Users/<name>/NTUSER.DAT`` (``Documents and Settings/<name>/`` on XP),
``Windows/AppCompat/Programs/Amcache.hve``.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from construct import ConstructError
from regipy.exceptions import RegipyException
from regipy.registry import RegistryHive

from triage.artefacts.common import DAMAGE_ERRORS, MAX_ARTEFACT_FILE, Damaged, damaged
from triage.artefacts.times import aware, filetime
from triage.records import Entry, Problem
from triage.walk.files import FileHandle

logging.getLogger("regipy").setLevel(logging.CRITICAL)  # its warnings would reach the console
REGF_MAGIC = b"regf"
# what a damaged hive makes regipy raise (its own errors, and construct's for short reads)
HIVE_ERRORS: tuple[type[BaseException], ...] = (*DAMAGE_ERRORS, RegipyException, ConstructError)


@contextmanager
def open_hive(handle: FileHandle) -> Iterator[RegistryHive]:
    if handle.entry.size > MAX_ARTEFACT_FILE:
        raise Damaged(f"{handle.entry.size:,} bytes is more than the {MAX_ARTEFACT_FILE:,} parsed")
    if handle.entry.size < 4096 or handle.read_at(0, 4) != REGF_MAGIC:
        raise Damaged("not a registry hive (no regf header)")
    with tempfile.TemporaryDirectory(prefix="triage-hive-") as tmp:
        path = Path(tmp) / "hive"
        with open(path, "wb") as out:
            for chunk in handle.chunks():
                out.write(chunk)
        try:
            hive = RegistryHive(str(path))
        except (RegipyException, ValueError, IndexError, KeyError, EOFError) as exc:
            raise Damaged(f"regipy cannot open the hive: {exc!r}"[:300]) from exc
        yield hive


def run_plugin(plugin_class: type, hive: RegistryHive, source: Entry) -> tuple[list[Any], Problem | None]:
    """The plugin's entries, or a damaged Problem naming the plugin if it failed."""
    plugin = plugin_class(hive, as_json=False)
    try:
        plugin.run()
    except Exception as exc:  # regipy raises many types on damaged hives; each is damage here
        return [], damaged(source, f"regipy {plugin_class.__name__} failed: {exc!r}"[:300])
    entries = plugin.entries
    return (list(entries.items()) if isinstance(entries, dict) else list(entries or [])), None


def reg_time(value: object) -> datetime | None:
    """A registry time as regipy gives it (datetime, ISO text or FILETIME int), as aware UTC."""
    if isinstance(value, datetime):
        return aware(value)
    if isinstance(value, int):
        return filetime(value)
    if isinstance(value, str) and value:
        try:
            return aware(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def plain(value: object) -> object:
    """A registry value fit for a report: text as is, times as UTC, anything else as text."""
    if isinstance(value, datetime):
        return aware(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)[:500]
