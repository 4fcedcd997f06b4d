"""Internet Shortcuts (.url), written as Windows 10/11 write them (generated here, CRLF)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.artefacts.helpers import context
from triage.artefacts.windows.internet_shortcut import InternetShortcuts
from triage.library.urls import load_url_list
from triage.match.urls import UrlLibrary
from triage.records import Entry
from triage.walk.files import FileHandle

FAVORITES = "/Users/alice/Favorites"
WINDOWS_URL_FILE = (
    b"[{000214A0-0000-0000-C000-000000000046}]\r\nProp3=19,11\r\n[InternetShortcut]\r\nIDList=\r\n"
    b"URL=https://Forum.Example.org/board/42?utm_source=share\r\n"
    b"IconIndex=13\r\nIconFile=C:\\Program Files\\Internet Explorer\\iexplore.exe\r\n"
)
WHEN = datetime(2026, 11, 19, 21, 30, tzinfo=UTC)


def _handle(data: bytes, name: str) -> FileHandle:
    entry = Entry("test", 1, f"{FAVORITES}/{name}", len(data), mtime=WHEN)
    return FileHandle(entry, lambda offset, size: data[offset : offset + size])


def test_a_windows_internet_shortcut_gives_its_address_icon_user_and_time() -> None:
    run, problems = context()
    run.parse(InternetShortcuts(), [_handle(WINDOWS_URL_FILE, "Board.url")])
    (artefact,) = run.artefacts
    assert (artefact.kind, artefact.user, artefact.time) == ("windows/internet-shortcut", "alice", WHEN)
    assert artefact.values == {
        "url": "https://Forum.Example.org/board/42?utm_source=share",
        "icon": "C:\\Program Files\\Internet Explorer\\iexplore.exe",
    }
    assert problems == []


def test_utf16_ansi_and_repeated_keys() -> None:
    utf16 = "[InternetShortcut]\r\nURL=https://bücher.test/\r\n".encode("utf-16")
    ansi = "[InternetShortcut]\r\nURL=https://caf\xe9.test/\r\nURL=https://second.test/\r\n".encode("cp1252")
    run, problems = context()
    run.parse(InternetShortcuts(), [_handle(utf16, "a.url"), _handle(ansi, "b.url")])
    assert [a.values["url"] for a in run.artefacts] == ["https://bücher.test/", "https://café.test/"]
    assert problems == []


def test_damaged_shortcuts_are_counted_one_problem_each() -> None:
    files = {
        "none.url": b"just text\r\n",
        "empty.url": b"[InternetShortcut]\r\nIconIndex=1\r\n",
        "cut.url": b"[InternetShortcut]\r\nURL=https://forum.exa",
    }
    run, problems = context()
    run.parse(InternetShortcuts(), [_handle(data, name) for name, data in files.items()])
    assert run.artefacts == []
    assert [(p.kind, p.what) for p in problems] == [
        (
            "damaged",
            "windows/internet-shortcuts: Damaged: not an Internet Shortcut: no [InternetShortcut] section",
        ),
        (
            "damaged",
            "windows/internet-shortcuts: Damaged: Internet Shortcut without an address (no URL= line)",
        ),
        (
            "damaged",
            "windows/internet-shortcuts: Damaged: Internet Shortcut cut short: its address has no line end",
        ),
    ]


def test_an_internet_shortcut_to_a_listed_site_is_a_url_match(tmp_path: Path) -> None:
    (tmp_path / "l.txt").write_text("https://forum.example.org/board/42\n")
    run, _ = context()
    run.urls = UrlLibrary([load_url_list(tmp_path / "l.txt", "risk", "watch")])
    run.parse(InternetShortcuts(), [_handle(WINDOWS_URL_FILE, "Board.url")])
    (finding,) = run.findings
    assert (finding.kind, finding.label, finding.detail["entry_line"], finding.detail["artefact"]) == (
        "url-match",
        "watch",
        1,
        "windows/internet-shortcut",
    )
