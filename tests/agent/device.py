"""Build a monitored device (a folder source) and the agent's export for it, for the system test.

Device LAPTOP-7: account "alice" (monitored, Chrome), account "bob" (not monitored).
Chrome-schema History databases are written with the sqlite3 standard library; a
visit made and deleted since the last checkpoint survives only in an earlier frame
of the History's -wal (the History and its -wal are copied while the browser has
them open, as on a live system), so the scan recovers it as a deleted row. Every file's modification
time is set, so the device's activity is exactly what the test says.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

ALICE_CHROME = "Users/alice/AppData/Local/Google/Chrome/User Data/Default"
ALICE_EDGE = "Users/alice/AppData/Local/Microsoft/Edge/User Data/Default"
ALICE_PORTABLE = "Users/alice/Downloads/GoogleChromePortable/Data/profile/Default"
BOB_CHROME = "Users/bob/AppData/Local/Google/Chrome/User Data/Default"
SCHEMA = """
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
INSERT INTO meta VALUES ('version', '42');
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title LONGVARCHAR,
  visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,
  last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT NULL,
  from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE downloads(id INTEGER PRIMARY KEY, target_path LONGVARCHAR NOT NULL, start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL, received_bytes INTEGER NOT NULL, total_bytes INTEGER NOT NULL);
CREATE TABLE downloads_url_chains(id INTEGER NOT NULL, chain_index INTEGER NOT NULL, url LONGVARCHAR NOT NULL,
  PRIMARY KEY (id, chain_index));
"""
WEBKIT_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def webkit(time: datetime) -> int:
    return int((time - WEBKIT_EPOCH).total_seconds() * 1_000_000)


@dataclass(frozen=True)
class Visit:
    url: str
    title: str
    time: str  # UTC, ISO 8601 without offset


def write_history(
    folder: Path, visits: list[Visit], deleted_since_checkpoint: tuple[Visit, ...] = (), downloads=()
) -> None:
    """A Chrome History; visits made and deleted since the last checkpoint are only in its -wal."""
    folder.mkdir(parents=True, exist_ok=True)
    work = folder.parent / (folder.name + ".work")
    work.mkdir()
    db = sqlite3.connect(work / "History", isolation_level=None)
    db.execute("PRAGMA secure_delete=OFF")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.executescript(SCHEMA)
    _add_visits(db, visits, first=1)
    for number, (url, target, time) in enumerate(downloads, 1):
        stamp = webkit(at(time))
        db.execute("INSERT INTO downloads VALUES (?, ?, ?, ?, 100, 100)", (number, target, stamp, stamp))
        db.execute("INSERT INTO downloads_url_chains VALUES (?, 0, ?)", (number, url))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if deleted_since_checkpoint:
        _add_visits(db, list(deleted_since_checkpoint), first=len(visits) + 1)
        for visit in deleted_since_checkpoint:  # "delete from history": the old page image stays in the WAL
            db.execute("DELETE FROM visits WHERE url = (SELECT id FROM urls WHERE url = ?)", (visit.url,))
            db.execute("DELETE FROM urls WHERE url = ?", (visit.url,))
    names = ("History", "History-wal") if deleted_since_checkpoint else ("History",)
    for name in names:  # copied while the browser has it open, as on a live system
        shutil.copy(work / name, folder / name)
    db.close()
    shutil.rmtree(work)
    last = max(at(v.time) for v in visits)
    for name in names:
        _touch(folder / name, last)


def _add_visits(db: sqlite3.Connection, visits: list[Visit], first: int) -> None:
    for number, visit in enumerate(visits, first):
        time = webkit(at(visit.time))
        db.execute("INSERT INTO urls VALUES (?, ?, ?, 1, 0, ?, 0)", (number, visit.url, visit.title, time))
        db.execute("INSERT INTO visits VALUES (?, ?, ?, NULL, 1)", (number, number, time))


def write_file(root: Path, path: str, data: bytes, mtime: str) -> str:
    """Write a file at ``path`` with the given modification time; its SHA-256."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    _touch(target, at(mtime))
    return hashlib.sha256(data).hexdigest()


def pattern_png(seed: int) -> bytes:
    """A generated test image (stripes): never real material."""
    image = Image.new("RGB", (64, 64))
    image.putdata([((x * seed) % 256, (y * 7) % 256, (x ^ y) % 256) for y in range(64) for x in range(64)])
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _touch(path: Path, time: datetime) -> None:
    stamp = time.timestamp()
    os.utime(path, (stamp, stamp))


def build_device(root: Path) -> dict[str, str]:
    """The device's files; returns the digests the export refers to."""
    google = "https://www.google.com/search?q=amelia+testcase"
    alice_visits = [
        Visit("https://www.example.org/hidden-stash/page?utm_source=feed", "Gallery", "2026-03-01T10:00:05"),
        Visit(google, "amelia testcase - Google Search", "2026-03-01T10:05:00"),
        Visit("https://news.example.com/", "News", "2026-03-01T12:00:00"),
    ]
    deleted = Visit("https://forum.example.net/t/42", "thread 42", "2026-03-01T11:00:00")
    download = ("https://files.privatehost.example/hidden%20stash.zip", "C:\\Users\\alice\\Downloads\\a.zip")
    write_history(
        root / ALICE_CHROME,
        alice_visits,
        deleted_since_checkpoint=(deleted,),
        downloads=[(*download, "2026-03-02T11:00:00")],
    )
    bob = Visit("https://www.example.org/other", "more hidden stash", "2026-03-02T09:00:00")
    write_history(root / BOB_CHROME, [bob])
    write_history(
        root / ALICE_PORTABLE, [Visit("https://forum.example.net/t/99", "thread 99", "2026-03-02T10:00:00")]
    )
    write_history(
        root / ALICE_EDGE,
        [Visit("https://photos.example/a", "Amelia Testcase photos", "2026-03-02T12:00:00")],
    )
    alice = "Users/alice"
    image = write_file(root, f"{alice}/Pictures/img1.png", pattern_png(3), "2026-03-01T13:00:00")
    write_file(
        root, f"{alice}/Documents/notes.txt", b"where is the hidden stash kept\n", "2026-03-02T14:00:00"
    )
    write_file(
        root, f"{alice}/VMs/win.vdi", b"<<< VirtualBox Disk Image >>>\n" + bytes(400), "2026-03-02T15:00:00"
    )
    write_file(root, f"{alice}/Documents/report.docx", b"PK\x03\x04 not a document", "2026-03-02T19:00:00")
    agent = write_file(
        root, "Program Files/ExampleMonitor/agent.exe", b"MZ agent 4.1.0", "2026-02-01T09:00:00"
    )
    return {"image": image, "agent": agent}


ALERTS_CSV = """\
# format: triage-agent-alerts/1
id,time,device,user,type,term,url,window_title,application,sha256
A-001,2026-03-01T10:00:00Z,LAPTOP-7,alice,url,,https://WWW.Example.org:443/hidden-stash/page/#top,<script>alert(1)</script>,chrome.exe,
A-002,2026-03-01T10:04:30Z,LAPTOP-7,alice,keyword,Amelia Testcase,,,chrome.exe,
A-003,2026-03-01T11:00:30Z,LAPTOP-7,alice,url,,https://forum.example.net/t/42,,chrome.exe,
A-004,2026-03-01T13:00:00Z,LAPTOP-7,alice,image,,,,,{image}
A-006,2026-03-01T15:00:00Z,LAPTOP-7,alice,url,,https://gone.example/missing,,chrome.exe,
A-007,2026-03-01T12:30:00Z,LAPTOP-7,alice,url,,https://news.example.com,,chrome.exe,
A-008,2026-03-01T16:00:00Z,LAPTOP-7,alice,application,,,,tor.exe,
B-009,yesterday,LAPTOP-7,alice,url,,https://example.org/,,,
B-010,2026-03-01T16:00:00Z,LAPTOP-7,alice,image,,,,,
"""

INSTALL_JSON = """\
{{"format": "triage-agent-install/1", "device": "LAPTOP-7", "product": "ExampleMonitor",
 "agent_version": "4.2.1",
 "service": "ExampleMonitorSvc", "monitored_users": ["alice"], "monitored_browsers": ["chrome"],
 "files": [{{"path": "C:\\\\Program Files\\\\ExampleMonitor\\\\agent.exe", "sha256": "{expected}"}},
           {{"path": "C:\\\\Program Files\\\\ExampleMonitor\\\\watchdog.exe"}}]}}
"""


def heartbeats_csv() -> str:
    """Every 30 minutes from 1 March 00:00 to 3 March 00:00, none from 06:00 to 22:00 on 2 March."""
    lines = ["device,time"]
    for half_hour in range(97):
        hours, minutes = divmod(half_hour * 30, 60)
        day, hour = divmod(hours, 24)
        stamp = f"2026-03-{1 + day:02d}T{hour:02d}:{minutes:02d}:00Z"
        if not (day == 1 and 6 * 60 < hour * 60 + minutes < 22 * 60):
            lines.append(f"LAPTOP-7,{stamp}")
    return "\n".join(lines) + "\n"


def write_export(folder: Path, digests: dict[str, str]) -> tuple[Path, Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    alerts, beats, install = folder / "alerts.csv", folder / "heartbeats.csv", folder / "install.json"
    alerts.write_text(ALERTS_CSV.format(image=digests["image"]))
    beats.write_text(heartbeats_csv())
    install.write_text(INSTALL_JSON.format(expected="a" * 64))
    return alerts, beats, install
