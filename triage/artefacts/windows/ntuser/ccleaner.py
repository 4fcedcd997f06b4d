"""CCleaner's settings: what it is set to wipe, and when it last checked for updates.

Key (NTUSER.DAT): ``Software\\Piriform\\CCleaner``. Values such as ``(App)Cookies`` = True say
which traces CCleaner removes; ``UpdateKey`` (``MM/DD/YYYY hh:mm:ss AM``) is a local time with
no zone, so it is kept as text beside the key's UTC last-written time. A wiper's settings are
an order condition the policy can weigh (see profiles/indicators.toml). Tested on plaso's
NTUSER-CCLEANER.DAT, against plaso's ccleaner test (16 settings, update 2013-07-13 10:03:14).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from regipy.registry import RegistryHive

from triage.artefacts.common import Record
from triage.artefacts.windows.ntuser.keys import read_key
from triage.records import Artefact, Entry

NAME = "windows/user-activity"
CCLEANER = r"\Software\Piriform\CCleaner"


def records(hive: RegistryHive, source: Entry, user: str) -> Iterator[Record]:
    key = read_key(hive, CCLEANER)
    if key is None:
        return
    update = str(key.values.get("UpdateKey", ""))
    if update:
        update_values = {
            "name": "CCleaner",
            "update_time_local": _local(update),
            "value": update,
            "key": CCLEANER,
        }
        yield Artefact("windows/ccleaner-update", NAME, source, None, user, update_values)
    settings = {name: str(value) for name, value in sorted(key.values.items()) if name != "UpdateKey"}
    values = {"name": "CCleaner", "settings": settings, "key": CCLEANER}
    yield Artefact("windows/ccleaner-settings", NAME, source, key.written, user, values)


def _local(text: str) -> str:
    """``07/13/2013 10:03:14 AM`` as ``2013-07-13T10:03:14`` (local time: no zone is known)."""
    try:
        return datetime.strptime(text.strip(), "%m/%d/%Y %I:%M:%S %p").isoformat()
    except ValueError:
        return ""
