"""The cross-check on a real disk image: the bundled demo disk (build/demo/make_demo_evidence.py).

Its ground truth (planted.json) names a known image deleted from the FAT32
partition and a live copy on NTFS; alerts for them must come out as deleted but
recoverable and confirmed, read through TSK from the partitioned image.
"""

from __future__ import annotations

import json
from pathlib import Path

from triage.agent.report import SECTION
from triage.demo import DEMO_DISK
from triage.scan import ScanOptions, run_scan

PLANTED = json.loads((Path(DEMO_DISK).parent / "planted.json").read_text())
BY_ID = {item["id"]: item for item in PLANTED["items"]}


def test_alerts_against_the_demo_disk(demo_disk: Path, tmp_path: Path) -> None:
    deleted, live = BY_ID["known-fat-deleted"], BY_ID["known-ntfs-renamed"]
    alerts = tmp_path / "alerts.csv"
    alerts.write_text(
        "id,time,device,type,url,application,sha256,md5\n"
        f"D-1,2026-03-01T10:00:00Z,DEMO,image,,,{deleted['sha256']},\n"
        f"D-2,2026-03-01T10:00:00Z,DEMO,image,,,,{live['md5']}\n"
        "D-3,2026-03-01T10:00:00Z,DEMO,application,,firefox.exe,,\n"
        "D-4,2026-03-01T10:00:00Z,DEMO,url,https://nowhere.example/,,,\n"
    )
    result = run_scan(ScanOptions((str(demo_disk),), "demo", hash_sources=False, agent_alerts=str(alerts)))
    found = {f.detail["alert"]: f for f in result.findings if f.kind.startswith("agent-alert")}
    assert {k: f.kind for k, f in found.items()} == {
        "D-1": "agent-alert-recovered",
        "D-2": "agent-alert-confirmed",
        "D-3": "agent-alert-confirmed",  # Tor Browser's firefox.exe, by file name
        "D-4": "agent-alert-not-found",
    }
    assert found["D-1"].entry.path == deleted["path"] and found["D-1"].entry.deleted
    assert found["D-1"].entry.volume_index == deleted["partition"]
    assert found["D-2"].entry.path == live["path"]
    assert found["D-3"].entry.path == BY_ID["indicator-tor-browser"]["path"]
    assert found["D-4"].summary.endswith("not found in the volumes that could be examined")  # p4 is encrypted
    assert result.sections[SECTION]["Alerts"] == (
        "4 alert(s): 2 confirmed on the device, 1 deleted but recoverable, 1 not found"
        " (in what was examined: 1 volume(s) could not be)"
    )
