"""What a user did, from their own hives: programs installed, volumes mounted, folders browsed,
files opened and saved, what they typed and searched for, programs started, Office documents,
wiper settings, cloud accounts.

Files: ``Users/<name>/NTUSER.DAT`` (``Documents and Settings/<name>/`` on XP) and
``Users/<name>/AppData/Local/Microsoft/Windows/UsrClass.dat``. The hive is copied and opened
once (``hives.open_hive``); each key family is one module in ``triage.artefacts.windows.ntuser``
and runs on its own, so a damaged key costs its family only (one damaged Problem naming it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from regipy.registry import RegistryHive

from triage.artefacts.common import FileParser, Record, damaged
from triage.artefacts.users import user_for_path
from triage.artefacts.windows.hives import HIVE_ERRORS, open_hive
from triage.artefacts.windows.ntuser import (
    ccleaner,
    cloud_accounts,
    installed,
    mru,
    office,
    shellbags,
    typed,
    userassist,
)
from triage.records import Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/user-activity"
Family = Callable[[RegistryHive, Entry, str], Iterator[Record]]
FAMILIES: dict[str, tuple[tuple[str, Family], ...]] = {
    "/ntuser.dat": (
        ("installed programs and MountPoints2", installed.records),
        ("shellbags", shellbags.records),
        ("MRU lists", mru.records),
        ("typed paths, URLs and searches", typed.records),
        ("UserAssist", userassist.records),
        ("Office recent files", office.records),
        ("CCleaner", ccleaner.records),
        ("cloud accounts", cloud_accounts.records),
    ),
    "/usrclass.dat": (("shellbags", shellbags.records),),
}


class UserActivity(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith(tuple(FAMILIES))

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        families = next((f for end, f in FAMILIES.items() if source.path.lower().endswith(end)), ())
        if not families:
            return
        user = user_for_path(source.path)
        with open_hive(handle) as hive:
            for label, family in families:
                try:
                    found = list(family(hive, source, user))
                except HIVE_ERRORS as exc:
                    yield damaged(source, f"{NAME}: {label}: {type(exc).__name__}: {exc}"[:300])
                    continue
                yield from found
