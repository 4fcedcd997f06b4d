"""Machine hives: installed programs (SOFTWARE) and local accounts (SAM).

Locations and keys: ``Windows/System32/config/SOFTWARE``:
``Microsoft\\Windows\\CurrentVersion\\Uninstall`` (and WOW6432Node);
``Windows/System32/config/SAM``: local accounts (``SAM\\Domains\\Account\\Users``). Parsed
with regipy's plugins. NTUSER.DAT (per-user installs, MountPoints2 and the activity keys) is
read by ``user_activity.py``, Amcache.hve by ``amcache.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from regipy.plugins.sam.samparse import SAMParsePlugin
from regipy.plugins.software.installed_programs import InstalledProgramsSoftwarePlugin
from regipy.registry import RegistryHive

from triage.artefacts.common import FileParser, Record
from triage.artefacts.windows.hives import open_hive, plain, reg_time, run_plugin
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

HIVES = {  # path ending -> hive kind
    "/windows/system32/config/software": "software",
    "/windows/system32/config/sam": "sam",
}


class UserHives(FileParser):
    name = "windows/user-hives"

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith(tuple(HIVES))

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        kind = next((k for end, k in HIVES.items() if source.path.lower().endswith(end)), "")
        if not kind:
            return
        user = ""
        with open_hive(handle) as hive:
            names = sam_names(hive) if kind == "sam" else {}
            for plugin, convert in PLUGINS[kind]:
                entries, problem = run_plugin(plugin, hive, source)
                if problem:
                    yield problem
                for item in entries:
                    artefact = convert(self.name, source, user, item)
                    yield _named(artefact, names) if names else artefact


def program(parser: str, source: Entry, user: str, e: dict[str, Any]) -> Artefact:
    values = {
        "name": plain(e.get("DisplayName")) or e.get("service_name", ""),
        "version": plain(e.get("DisplayVersion")) or "",
        "publisher": plain(e.get("Publisher")) or "",
        "install_location": plain(e.get("InstallLocation")) or "",
        "install_date": plain(e.get("InstallDate")) or "",
        "key": f"{e.get('registry_path', '')}\\{e.get('service_name', '')}",
        "scope": "user" if user else "machine",
    }
    return Artefact("software/installed", parser, source, reg_time(e.get("timestamp")), user, values)


def _account(parser: str, source: Entry, user: str, e: dict[str, Any]) -> Artefact:
    values = {k: plain(v) for k, v in e.items() if not k.endswith(("hash", "_v", "_f")) and k != "last_write"}
    name = str(e.get("username") or e.get("name") or "")
    values["name"] = name or f"RID {e.get('rid', '?')}"
    return Artefact("account/user", parser, source, reg_time(e.get("last_login")), name, values)


def sam_names(hive: RegistryHive) -> dict[int, str]:
    """RID -> account name from ``SAM\\Domains\\Account\\Users\\Names``: each subkey is a name,
    and the type of its default value is the RID."""
    try:
        key = hive.get_key(r"\SAM\Domains\Account\Users\Names")
        pairs = [(sub.name, next(iter(sub.iter_values()), None)) for sub in key.iter_subkeys()]
    except Exception:  # regipy's own error types: a SAM without Names gives RIDs only
        return {}
    return {int(v.value_type): name for name, v in pairs if v is not None and str(v.value_type).isdigit()}


def _named(artefact: Artefact, names: dict[int, str]) -> Artefact:
    name = names.get(artefact.values.get("rid", -1), "")  # type: ignore[call-overload]
    if not name:
        return artefact
    return dataclasses.replace(artefact, user=name, values={**artefact.values, "name": name})


PLUGINS: dict[str, tuple[tuple[type, Any], ...]] = {
    "software": ((InstalledProgramsSoftwarePlugin, program),),
    "sam": ((SAMParsePlugin, _account),),
}
