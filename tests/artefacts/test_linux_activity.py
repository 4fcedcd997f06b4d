"""Linux desktop activity: bash history (plaso's file), Zeitgeist (plaso's), recently-used.xbel (built
here to the freedesktop Desktop Bookmark Spec)."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr

from tests.artefacts.helpers import file_handle, handle_of
from triage.artefacts.linux.recently_used import RecentlyUsed
from triage.artefacts.linux.shell_history import ShellHistory
from triage.artefacts.linux.zeitgeist import Zeitgeist
from triage.records import Artefact, Problem

XBEL = "/home/sam/.local/share/recently-used.xbel"


def xbel(bookmarks: list[tuple[str, str]], visited: str = "2024-05-06T07:08:09.123456Z") -> bytes:
    """A recently-used.xbel as GLib's GBookmarkFile writes it (Desktop Bookmark Spec 1.0)."""
    body = "".join(
        f"""  <bookmark href={quoteattr(href)} added="2024-05-01T10:00:00Z" modified="2024-05-02T10:00:00Z"
      visited="{visited}">
    <info>
      <metadata owner="http://freedesktop.org">
        <mime:mime-type type="{mime}"/>
        <bookmark:applications>
          <bookmark:application name="Image Viewer" exec="&apos;eog %u&apos;" modified="{visited}" count="3"/>
        </bookmark:applications>
      </metadata>
    </info>
  </bookmark>
"""
        for href, mime in bookmarks
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xbel version="1.0"
      xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks"
      xmlns:mime="http://www.freedesktop.org/standards/shared-mime-info">
{body}</xbel>
""".encode()


def test_bash_history_with_epoch_lines_and_a_multi_line_command(peerdata):
    handle = file_handle(peerdata("plaso", "test_data", "bash_history"), "/home/ubuntu/.bash_history")
    records = list(ShellHistory().records(handle, None))
    assert [r.values["command"] for r in records] == [
        "/usr/lib/plaso",
        "/bin/bash",
        "/usr/local/bin/splunk -p 8080",
        'binary argument1 "--params=\\ param1=foo, param2=bar " argument2',
    ]
    assert records[0].time == datetime(2013, 10, 1, 12, 36, 17, tzinfo=UTC)
    assert records[3].time == datetime(2021, 6, 10, 22, 30, 36, tzinfo=UTC)
    assert {r.user for r in records} == {"ubuntu"}


def test_histories_without_times_and_zsh_extended():
    plain = list(ShellHistory().records(handle_of(b"ls\n\nrm -rf x\n", "/root/.bash_history"), None))
    assert [(r.values["command"], r.time, r.user) for r in plain] == [
        ("ls", None, "root"),
        ("rm -rf x", None, "root"),
    ]
    zsh = b": 1700000000:0;shred -u a.jpg\n: 1700000005:2;echo one \\\ntwo\n"
    records = list(ShellHistory().records(handle_of(zsh, "/home/kim/.zsh_history"), None))
    assert [r.values["command"] for r in records] == ["shred -u a.jpg", "echo one \\\ntwo"]
    assert records[1].time == datetime.fromtimestamp(1700000005, UTC)
    (binary,) = ShellHistory().records(handle_of(b"\0\x01\x02" * 50, "/home/kim/.bash_history"), None)
    assert isinstance(binary, Problem) and binary.kind == "damaged"


def test_zeitgeist_event_view(peerdata):
    where = "/home/ubuntu/.local/share/zeitgeist/activity.sqlite"
    handle = file_handle(peerdata("plaso", "test_data", "sqlite", "zeitgeist_activity.sqlite"), where)
    records = list(Zeitgeist().records(handle, None))
    assert len(records) == 44 and all(isinstance(r, Artefact) for r in records)
    assert records[0].values["url"] == "application://rhythmbox.desktop"
    assert records[0].time == datetime(2013, 10, 22, 8, 53, 19, 477000, tzinfo=UTC)
    assert records[-1].time == datetime(2013, 10, 22, 9, 50, 9, 219000, tzinfo=UTC)  # [observed]
    schemes = [r.values["url"].split(":", 1)[0] for r in records]
    assert (schemes.count("application"), schemes.count("file")) == (26, 18)  # [observed]


def test_recently_used_xbel():
    data = xbel(
        [("file:///home/sam/Pictures/beach%20day.jpg", "image/jpeg"), ("https://example.org/a", "text/html")]
    )
    records = list(RecentlyUsed().records(handle_of(data, XBEL), None))
    first, second = records
    assert first.values["path"] == "/home/sam/Pictures/beach day.jpg"
    assert (first.values["mime_type"], first.values["application"], first.values["count"]) == (
        "image/jpeg",
        "Image Viewer",
        3,
    )
    assert first.values["command"] == "'eog %u'"
    assert first.time == datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    assert first.values["added"] == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert (second.values["path"], second.values["url"], first.user) == ("", "https://example.org/a", "sam")


def test_xbel_with_an_entity_is_not_expanded():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xbel>&a;</xbel>'
    (problem,) = RecentlyUsed().records(handle_of(bomb, XBEL), None)
    assert problem.kind == "damaged" and "DOCTYPE" in problem.what
