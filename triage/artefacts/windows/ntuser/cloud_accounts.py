"""Cloud accounts signed in on Windows: OneDrive personal and business accounts and their folders.

Key (NTUSER.DAT): ``Software\\Microsoft\\OneDrive\\Accounts\\<Personal|Business1|...>`` with
``UserEmail``, ``UserFolder`` (the sync folder), ``DisplayName`` and ``cid``; the key exists
only once an account has signed in, unlike the OneDrive program, which every Windows 10 has.
One ``account/cloud`` record per account, timed by its key's last write; the indicator
library matches its name ("OneDrive account ...") to the cloud-storage condition. Reference:
OneDrive client registry layout as documented by Microsoft's OneDrive admin pages (Windows 10
and 11 sync client). Tested on a hive read through a stand-in for regipy in the tests (no
public hive with a OneDrive account was available).
"""

from __future__ import annotations

from collections.abc import Iterator

from regipy.registry import RegistryHive

from triage.artefacts.common import Record
from triage.artefacts.windows.ntuser.keys import read_key, subkeys
from triage.records import Artefact, Entry

NAME = "windows/user-activity"
ONEDRIVE = r"\Software\Microsoft\OneDrive\Accounts"


def records(hive: RegistryHive, source: Entry, user: str) -> Iterator[Record]:
    accounts = read_key(hive, ONEDRIVE)
    if accounts is None:
        return
    for account in subkeys(hive, accounts):
        v = account.values
        email = str(v.get("UserEmail") or "")
        if not email and not v.get("UserFolder"):
            continue  # a placeholder key: no account signed in
        kind = account.path.rpartition("\\")[2]
        values = {
            "name": f"OneDrive account {email}".strip(),
            "service": "OneDrive",
            "account": email,
            "display_name": str(v.get("DisplayName") or ""),
            "path": str(v.get("UserFolder") or ""),
            "type": kind,
            "key": account.path,
        }
        yield Artefact("account/cloud", NAME, source, account.written, user, values)
