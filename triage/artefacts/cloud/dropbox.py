"""Dropbox: the accounts signed in and the folders they sync, from ``info.json``.

Locations: ``<profile>/AppData/Local/Dropbox/info.json`` (Windows, Dropbox 3.x and later;
``AppData/Roaming/Dropbox/info.json`` before), ``~/.dropbox/info.json`` (Linux, macOS). Format:
JSON ``{"personal": {"path": ..., "host": ..., "is_team": ..., "subscription_type": ...},
"business": {...}}``; the account's e-mail is only in the encrypted ``config.dbx``, so the sync
folder and account type are what can be read. One ``account/cloud`` record per account; the
indicator library matches "Dropbox" to the cloud-storage condition. Reference: Dropbox's help
page "Locate the Dropbox folder programmatically". Tested on files written to that form.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.common import Damaged, FileParser, Record, read_all
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "cloud/dropbox"
LOCATIONS = ("/appdata/local/dropbox/info.json", "/appdata/roaming/dropbox/info.json", "/.dropbox/info.json")


class DropboxAccounts(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith(LOCATIONS)

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        try:
            doc = json.loads(read_all(handle, 1024 * 1024))
        except (ValueError, UnicodeDecodeError) as exc:
            raise Damaged(f"info.json is not JSON: {exc}") from exc
        if not isinstance(doc, dict):
            raise Damaged("info.json is not a JSON object")
        user = user_for_path(source.path)
        for kind, account in doc.items():
            if isinstance(account, dict):
                values = {
                    "name": f"Dropbox account ({kind})",
                    "service": "Dropbox",
                    "type": str(kind),
                    "path": str(account.get("path") or ""),
                    "subscription": str(account.get("subscription_type") or ""),
                    "team": bool(account.get("is_team")),
                }
                yield Artefact("account/cloud", NAME, source, source.mtime, user, values)
