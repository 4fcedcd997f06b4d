"""Internet Shortcuts (.url): a web address saved as a file, on a desktop or in Favorites.

Location: any ``*.url``; Internet Explorer and Edge (legacy) keep Favorites as ``.url`` files
in ``Users/<name>/Favorites``, and dragging an address from any browser's address bar to the
desktop makes one. Format: an INI text file written by Windows (ANSI code page, or UTF-16LE
with a byte-order mark), CRLF line ends, with a ``[InternetShortcut]`` section whose ``URL=`` is
the address; other keys (``IconFile``, ``IconIndex``, ``HotKey``, ``IDList``, ``Modified``) and a
``[{000214A0-0000-0000-C000-000000000046}]`` property section may come first. Tested on files
written as Windows 10 and 11 write them (tests/artefacts/test_internet_shortcut.py); no public
reference file exists in the peer data.

Each gives one ``windows/internet-shortcut`` artefact: ``url`` (keyword-scanned and matched
against the URL lists) and ``icon``; the time is the file's modification time. A ``.url`` file
without the section, or whose last line (the address) has no line end (cut short), is damaged.
Written by hand: configparser refuses repeated keys and sections, which hostile files have.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.common import Damaged, FileParser, Record, read_all
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/internet-shortcuts"
MAX_URL_FILE = 64 * 1024  # a few hundred bytes in practice
SECTION = "[internetshortcut]"


class InternetShortcuts(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith(".url")

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        entry = handle.entry
        values = shortcut_values(_decode(read_all(handle, MAX_URL_FILE)))
        yield Artefact(
            "windows/internet-shortcut",
            NAME,
            entry,
            entry.mtime,
            user_for_path(entry.path),
            values,
            entry.deleted,
        )


def shortcut_values(text: str) -> dict[str, object]:
    """``url`` and ``icon`` of the [InternetShortcut] section (the first value of a repeated key)."""
    lines = text.splitlines(keepends=True)
    found: dict[str, tuple[str, bool]] = {}
    section = ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped.lower()
            continue
        key, equals, value = stripped.partition("=")
        if section == SECTION and equals:
            found.setdefault(key.strip().lower(), (value.strip(), line.endswith(("\n", "\r"))))
    if not any(line.strip().lower() == SECTION for line in lines):
        raise Damaged("not an Internet Shortcut: no [InternetShortcut] section")
    url, ended = found.get("url", ("", True))
    if not url:
        raise Damaged("Internet Shortcut without an address (no URL= line)")
    if not ended and lines[-1].strip().lower().startswith("url="):
        raise Damaged("Internet Shortcut cut short: its address has no line end")
    return {"url": url, "icon": found.get("iconfile", ("", True))[0]}


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
