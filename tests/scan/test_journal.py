"""Journal records round-trip exactly; nothing in a journal is executed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from triage.records import Artefact, Entry, Examined, Finding
from triage.scan.journal import JournalWriter, decode, encode, file_keys, read_journal

WHEN = datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)


def test_finding_round_trip_keeps_types():
    entry = Entry(
        "disk.img", 2, "/Users/a/b.jpg", 10, inode=7, deleted=True, container=("zip:/a.zip",), mtime=WHEN
    )
    examined = Examined(entry, "image/jpeg", "JPEG", "m", "s1", "s2", 10, True)
    finding = Finding(
        "F0001", "hash-match", "known-bad", "matched", entry, examined, 2.5, {"when": WHEN, "n": [1]}
    )
    back = decode(Finding, json.loads(json.dumps(encode(finding)), object_hook=_hook()))
    assert back == finding
    artefact = Artefact("browser/visit", "browser/chrome-history", entry, WHEN, "a", {"url": "x", "at": WHEN})
    assert decode(Artefact, json.loads(json.dumps(encode(artefact)), object_hook=_hook())) == artefact


def _hook():
    from triage.plain import untag as hook

    return hook


def test_read_stops_at_a_torn_line(tmp_path):
    path = tmp_path / "scan.journal"
    writer = JournalWriter(path)
    writer.write("start", sources=["x"])
    writer.write("file", key="k1", bytes=3, findings=[])
    writer.close()
    with path.open("a") as f:
        f.write('{"t": "file", "key": "k2", "by')
    assert [r["t"] for r in read_journal(path)] == ["start", "file"]


def test_file_keys_tell_same_named_entries_apart():
    entries = [
        Entry("s", 1, "/a", 1, inode=5),
        Entry("s", 1, "/a", 1, inode=5),
        Entry("s", 1, "/b", 1, inode=6),
    ]
    assert file_keys(entries, {"s": 0}) == ["0|1|5|/a", "0|1|5|/a#2", "0|1|6|/b"]


def test_file_keys_name_the_source_by_its_place_not_its_typed_path():
    typed = file_keys([Entry("disk.img", 1, "/a", 1, inode=5)], {"disk.img": 0})
    resolved = file_keys([Entry("/cases/disk.img", 1, "/a", 1, inode=5)], {"/cases/disk.img": 0})
    assert typed == resolved == ["0|1|5|/a"]
