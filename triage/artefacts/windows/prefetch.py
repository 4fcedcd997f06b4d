"""Windows Prefetch: which programs ran, how often, when, and from which volume.

Location: ``Windows/Prefetch/<EXECUTABLE>-<HASH>.pf`` (Windows XP to 11; off on some SSD
installs of 7 and on servers). A file stays after the program is uninstalled, so a wiper or
Tor Browser that is gone still shows here: the indicator checks match ``values["name"]`` and
``values["path"]`` against the indicator library's ``software`` and ``paths`` patterns.
Each file gives one ``windows/prefetch`` artefact (plaso counts one event_data for the run
and one per volume; the volumes are in this one artefact's ``values["volumes"]``).
Format, versions and tested files: ``triage.artefacts.windows.prefetch_format``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from triage.artefacts.common import FileParser, Record, read_all
from triage.artefacts.users import user_for_path
from triage.artefacts.windows.filetime import time_and_exact
from triage.artefacts.windows.prefetch_format import Prefetch, parse_prefetch
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/prefetch"
MAX_PF = 16 * 1024 * 1024
MAX_LISTED = 512  # files referenced kept in values (all are counted in files_count)
TRUNCATED_NAME = 29  # Windows cuts the executable name in the header to 29 characters


class PrefetchFiles(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        folder, _, base = entry.path.lower().rpartition("/")
        return not entry.stream and base.endswith(".pf") and folder.endswith("/prefetch")

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        prefetch = parse_prefetch(read_all(handle, MAX_PF))
        values = prefetch_values(prefetch)
        user = _profile_user(values["path"], files)
        yield Artefact(
            "windows/prefetch", NAME, handle.entry, values["last_run"], user, values, handle.entry.deleted
        )


def prefetch_values(prefetch: Prefetch) -> dict[str, Any]:
    runs = [time_and_exact(t) for t in prefetch.last_runs]
    volumes = []
    for volume in prefetch.volumes:
        created, exact = time_and_exact(volume.created)
        volumes.append(
            {"device": volume.device, "serial": f"{volume.serial:08X}", "created": created, "exact": exact}
        )
    return {
        "name": prefetch.executable,
        "path": executable_path(prefetch),
        "hash": f"{prefetch.hash:08X}",
        "version": prefetch.version,
        "compressed": prefetch.compressed,
        "run_count": prefetch.run_count,
        "last_run": runs[0][0] if runs else None,
        "last_runs": [when for when, _ in runs],
        "exact_times": {"last_runs": [exact for _, exact in runs]},
        "volumes": volumes,
        "files_count": len(prefetch.files),
        "files": list(prefetch.files[:MAX_LISTED]),
    }


def _profile_user(path: str, files: VolumeFiles) -> str:
    """The user of a program run from a profile folder, as that folder is spelled on the volume
    (Prefetch upper-cases paths: ``\\USERS\\BOB\\...`` is the profile ``/Users/bob``)."""
    user = user_for_path(path)
    hive = files.get(f"/Users/{user}/NTUSER.DAT") if user else None
    return user_for_path(hive.entry.path) if hive else user


def executable_path(prefetch: Prefetch) -> str:
    """The program's own path from the files it loaded, less the volume's device path
    (plaso's "path hint"); a name cut to 29 characters is matched by its start."""
    wanted = prefetch.executable.upper()
    for name in prefetch.files:
        path = name.split(" [", 1)[0]
        base = path.rpartition("\\")[2].upper()
        if base == wanted or (len(wanted) == TRUNCATED_NAME and base.startswith(wanted)):
            device = next((v.device for v in prefetch.volumes if path.startswith(v.device)), "")
            return path[len(device) :]
    return ""
