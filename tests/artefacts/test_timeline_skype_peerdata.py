"""Windows Timeline and Skype main.db against plaso's files (MANIFEST.md section 3b).

Counts map one to one: plaso's 112 Timeline event_data are the 112 Activity rows; Skype's
20 = 15 messages + 1 account + 1 SMS + 2 transfers + 1 call, as ours.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from tests.artefacts.helpers import file_handle
from triage.artefacts.messaging.skype import Skype
from triage.artefacts.windows.timeline import WindowsTimeline
from triage.records import Artefact

TIMELINE = "/Users/demouser/AppData/Local/ConnectedDevicesPlatform/L.demouser/ActivitiesCache.db"
SKYPE = "/Users/gberinger/AppData/Roaming/Skype/gen.beringer/main.db"


def test_timeline_activities(peerdata):
    handle = file_handle(peerdata("plaso", "test_data", "windows", "ActivitiesCache.db"), TIMELINE)
    records = list(WindowsTimeline().records(handle, None))
    assert len(records) == 112 and all(isinstance(r, Artefact) for r in records)
    engaged = [r for r in records if r.values["activity_type"] == "UserEngaged"]
    assert len(engaged) == 79
    (python,) = [r for r in engaged if r.values["package"] == r"c:\python34\python.exe"]
    assert (python.values["reporting_app"], python.values["active_seconds"]) == ("ShellActivityMonitor", 9)
    assert python.time == datetime(2018, 8, 3, 11, 29, tzinfo=UTC)
    onedrive = [r for r in records if r.values["application"] == "OneDrive"]
    assert onedrive[0].values["package"] == "Microsoft.SkyDrive.Desktop" and onedrive[0].values["title"] == ""
    assert onedrive[0].time == datetime(2018, 7, 25, 12, 4, 48, tzinfo=UTC)
    assert (records[0].time, records[-1].time) == (
        datetime(2018, 7, 25, 12, 4, 40, tzinfo=UTC),
        datetime(2018, 8, 6, 9, 2, 7, tzinfo=UTC),
    )
    assert {r.user for r in records} == {"demouser"}


def test_skype_messages_account_sms_transfers_call(peerdata):
    records = list(
        Skype().records(file_handle(peerdata("plaso", "test_data", "sqlite", "skype_main.db"), SKYPE), None)
    )
    kinds = Counter(r.kind for r in records)
    assert kinds == {
        "messaging/skype-message": 15,
        "messaging/skype-account": 1,
        "messaging/skype-sms": 1,
        "messaging/skype-transfer": 2,
        "messaging/skype-call": 1,
    }
    (chat,) = [r for r in records if r.values.get("value") == "need to know if you got it this time."]
    assert chat.values["title"] == "European Competitor | need to know if you got it.."
    assert (chat.values["from"], chat.values["to"]) == (
        "Gen Beringer <gen.beringer>",
        "european.bbq.competitor",
    )
    assert chat.time == datetime(2013, 7, 30, 21, 27, 11, tzinfo=UTC)
    (account,) = [r for r in records if r.kind == "messaging/skype-account"]
    assert (account.values["name"], account.values["email"], account.values["country"]) == (
        "Gen Beringer",
        "genberinger@gmail.com",
        "us",
    )
    assert account.time == datetime(2013, 7, 30, 21, 22, 8, tzinfo=UTC)
    (sms,) = [r for r in records if r.kind == "messaging/skype-sms"]
    assert sms.values["number"] == "+34123456789" and sms.time == datetime(2013, 7, 1, 22, 14, 22, tzinfo=UTC)
    assert sms.values["value"] == "If you want I can copy some documents for you, if you can pay it... ;)"
    first, _ = [r for r in records if r.kind == "messaging/skype-transfer"]
    assert (first.values["from"], first.values["to"]) == (
        "Gen Beringer <gen.beringer>",
        "European BBQ <european.bbq.competitor>",
    )
    assert first.time == datetime(2013, 10, 24, 21, 49, 32, tzinfo=UTC)
    assert (first.values["accepted"], first.values["finished"], first.values["status"]) == (None, None, 2)
    assert (first.values["name"], first.values["path"], first.values["size"]) == (
        "secret-project.pdf",
        "/Users/gberinger/Desktop/secret-project.pdf",
        69986,
    )
    (call,) = [r for r in records if r.kind == "messaging/skype-call"]
    assert (call.values["from"], call.values["to"], call.values["duration_seconds"]) == (
        "gen.beringer",
        "european.bbq.competitor",
        646,
    )
    assert call.time == datetime(2013, 7, 1, 22, 12, 17, tzinfo=UTC)
    assert call.values["ended"] == datetime(2013, 7, 1, 22, 23, 3, tzinfo=UTC)
