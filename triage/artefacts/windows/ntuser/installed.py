"""Programs a user installed for themselves, and the volumes and shares they mounted.

Keys (NTUSER.DAT): ``Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall`` (per-user
installs, read with regipy's InstalledProgramsNTUserPlugin; tested on regipy's
NTUSER_with_winscp: 4 programs) and ``...\\Explorer\\MountPoints2`` (one subkey per volume
``{GUID}``, drive letter or ``##server#share`` the user mounted, timed by the subkey's last
write; tested on plaso's NTUSER.DAT: 3 entries).
"""

from __future__ import annotations

from collections.abc import Iterator

from regipy.plugins.ntuser.installed_programs_ntuser import InstalledProgramsNTUserPlugin
from regipy.registry import RegistryHive

from triage.artefacts.common import Record
from triage.artefacts.windows.hives import run_plugin
from triage.artefacts.windows.ntuser.keys import read_key, subkeys
from triage.artefacts.windows.user_hives import program
from triage.records import Artefact, Entry

NAME = "windows/user-activity"
MOUNTPOINTS2 = r"\Software\Microsoft\Windows\CurrentVersion\Explorer\MountPoints2"


def records(hive: RegistryHive, source: Entry, user: str) -> Iterator[Record]:
    entries, problem = run_plugin(InstalledProgramsNTUserPlugin, hive, source)
    if problem:
        yield problem
    for entry in entries:
        yield program(NAME, source, user, entry)
    mounts = read_key(hive, MOUNTPOINTS2)
    if mounts is None:
        return
    for sub in subkeys(hive, mounts):
        name = sub.path.rpartition("\\")[2]
        kind = "volume" if name.startswith("{") else "share" if name.startswith("#") else "drive"
        values = {"name": name, "type": kind, "share": name.replace("#", "\\") if kind == "share" else ""}
        yield Artefact("volume/mountpoint", NAME, source, sub.written, user, values)
