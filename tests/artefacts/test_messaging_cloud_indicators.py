"""Messaging and cloud clients as order-condition indicators, on a user profile laid out here:
Telegram Desktop, Discord, WhatsApp Desktop, Skype, Dropbox (info.json account), OneDrive (a
signed-in account in NTUSER.DAT), and programs that ran but are gone (Amcache, UserAssist)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

from tests.artefacts.helpers import context, handle_of
from triage.artefacts.cloud.dropbox import DropboxAccounts
from triage.artefacts.indicators.checks import OrderConditionChecks
from triage.artefacts.windows.ntuser import cloud_accounts
from triage.records import Artefact, Entry

HOME = "/Users/sam"
LAYOUT = {
    f"{HOME}/AppData/Roaming/Telegram Desktop/Telegram.exe": b"MZ",
    f"{HOME}/AppData/Roaming/Telegram Desktop/tdata/key_datas": b"TDF$",
    f"{HOME}/AppData/Roaming/discord/Local Storage/leveldb/000003.log": b"x",
    f"{HOME}/AppData/Local/Packages/5319275A.WhatsAppDesktop_cv1g1gvanyjgm/LocalState/x.db": b"x",
    f"{HOME}/AppData/Roaming/Skype/sam.smith/main.db": b"SQLite format 3\0",
    f"{HOME}/AppData/Local/Dropbox/info.json": json.dumps(
        {
            "personal": {
                "path": "C:\\Users\\sam\\Dropbox",
                "host": 42,
                "is_team": False,
                "subscription_type": "Basic",
            }
        }
    ).encode(),
    f"{HOME}/AppData/Local/Microsoft/OneDrive/OneDrive.exe": b"MZ",  # on every Windows 10: no trace
    f"{HOME}/Documents/letter.docx": b"PK",
}


class FakeKey:
    """The few parts of regipy's NKRecord that the key readers use."""

    def __init__(self, name: str, values: dict[str, object], subkeys: list[FakeKey] = ()) -> None:
        self.name, self._values, self._subkeys = name, values, list(subkeys)
        self.header = SimpleNamespace(last_modified=133_000_000_000_000_000)

    def iter_values(self, trim_values: bool = True):
        return [SimpleNamespace(name=k, value=v) for k, v in self._values.items()]

    def iter_subkeys(self):
        return iter(self._subkeys)


class FakeHive:
    def __init__(self, keys: dict[str, FakeKey]) -> None:
        self.keys = keys

    def get_key(self, path: str) -> FakeKey:
        from regipy.exceptions import RegistryKeyNotFoundException

        if path not in self.keys:
            raise RegistryKeyNotFoundException(path)
        return self.keys[path]


def onedrive_hive() -> FakeHive:
    personal = FakeKey("Personal", {"UserEmail": "sam@example.org", "UserFolder": "C:\\Users\\sam\\OneDrive"})
    empty = FakeKey("Business1", {"cid": ""})
    return FakeHive({cloud_accounts.ONEDRIVE: FakeKey("Accounts", {}, [personal, empty])})


def test_onedrive_account_from_the_registry():
    source = Entry("test", 1, f"{HOME}/NTUSER.DAT", 10)
    (account,) = cloud_accounts.records(onedrive_hive(), source, "sam")
    assert account.kind == "account/cloud"
    assert (account.values["name"], account.values["path"]) == (
        "OneDrive account sam@example.org",
        "C:\\Users\\sam\\OneDrive",
    )
    assert account.time == datetime(2022, 6, 18, 4, 26, 40, tzinfo=UTC)  # FILETIME 133000000000000000


def test_dropbox_info_json():
    path = f"{HOME}/AppData/Local/Dropbox/info.json"
    (account,) = DropboxAccounts().records(handle_of(LAYOUT[path], path), None)
    assert (account.values["name"], account.values["path"], account.user) == (
        "Dropbox account (personal)",
        "C:\\Users\\sam\\Dropbox",
        "sam",
    )
    (damaged,) = DropboxAccounts().records(handle_of(b"{not json", path), None)
    assert damaged.kind == "damaged"


def test_profile_layout_gives_one_indicator_per_client():
    handles = [handle_of(data, path) for path, data in LAYOUT.items()]
    ctx, problems = context()
    dropbox = f"{HOME}/AppData/Local/Dropbox/info.json"
    ctx.artefacts.extend(DropboxAccounts().records(handle_of(LAYOUT[dropbox], dropbox), None))
    ntuser = handles[0].entry
    ctx.artefacts.extend(cloud_accounts.records(onedrive_hive(), ntuser, "sam"))
    ran = {"path": "c:\\users\\sam\\desktop\\tor browser\\browser\\firefox.exe", "name": "firefox.exe"}
    ctx.artefacts.append(Artefact("windows/amcache-file", "windows/amcache", ntuser, None, "", ran))
    wiper = {"name": "CCleaner", "settings": {"(App)Cookies": "True"}}
    ctx.artefacts.append(
        Artefact("windows/ccleaner-settings", "windows/user-activity", ntuser, None, "sam", wiper)
    )
    ctx.parse(OrderConditionChecks(), handles)
    found = {f.detail["indicator"]: f for f in ctx.log.findings}
    assert sorted(found) == [
        "ccleaner",
        "cloud-storage",
        "discord",
        "onedrive-account",
        "skype",
        "telegram-desktop",
        "tor-browser",
        "whatsapp-desktop",
    ]
    assert {found[i].label for i in ("telegram-desktop", "discord", "whatsapp-desktop", "skype")} == {
        "messaging-apps"
    }
    assert found["telegram-desktop"].detail["traces"] == 2 and found["telegram-desktop"].detail["users"] == [
        "sam"
    ]
    assert found["onedrive-account"].detail["examples"] == ["account: OneDrive account sam@example.org"]
    assert "account: Dropbox account (personal)" in found["cloud-storage"].detail["examples"]
    assert found["tor-browser"].detail["examples"] == [f"ran: {ran['path']}"]
    assert problems == []
