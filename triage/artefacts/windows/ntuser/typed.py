"""What the user typed: Explorer's address bar (TypedPaths), Internet Explorer's (TypedURLs),
and Explorer searches (WordWheelQuery).

Keys (NTUSER.DAT): ``Software\\Microsoft\\Internet Explorer\\TypedURLs`` (``url1`` the most
recent, ``url2`` ...; ``TypedURLsTime`` on Windows 8+ gives each its FILETIME),
``Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\TypedPaths`` (``url1`` ...) and
``...\\Explorer\\WordWheelQuery`` (UTF-16 terms in MRUListEx order). Searches go in ``term`` so
the keyword lists see them. Only the most recent entry of each carries a time (the key's
last-written time) unless Windows kept one per entry. Tested on plaso's NTUSER.DAT
(Greendale, TypedURLs), NTUSER-WIN7.DAT (TypedPaths) and regipy's NTUSER.DAT (WordWheelQuery).
"""

from __future__ import annotations

from collections.abc import Iterator

from regipy.registry import RegistryHive

from triage.artefacts.common import Record
from triage.artefacts.times import filetime
from triage.artefacts.windows.ntuser.keys import Key, mru_order, read_key, utf16_string
from triage.records import Artefact, Entry

NAME = "windows/user-activity"
TYPED_URLS = r"\Software\Microsoft\Internet Explorer\TypedURLs"
TYPED_URLS_TIME = r"\Software\Microsoft\Internet Explorer\TypedURLsTime"
TYPED_PATHS = r"\Software\Microsoft\Windows\CurrentVersion\Explorer\TypedPaths"
WORD_WHEEL = r"\Software\Microsoft\Windows\CurrentVersion\Explorer\WordWheelQuery"


def records(hive: RegistryHive, source: Entry, user: str) -> Iterator[Record]:
    urls = read_key(hive, TYPED_URLS)
    if urls is not None:
        times = read_key(hive, TYPED_URLS_TIME)
        yield from _numbered(urls, times, source, user, "windows/typed-url", "url")
    paths = read_key(hive, TYPED_PATHS)
    if paths is not None:
        yield from _numbered(paths, None, source, user, "windows/typed-path", "path")
    searches = read_key(hive, WORD_WHEEL)
    if searches is not None:
        for position, value_name in enumerate(mru_order(searches)):
            term = utf16_string(searches.values.get(value_name))
            values = {"term": term, "position": position, "key": f"{WORD_WHEEL}\\{value_name}"}
            time = searches.written if position == 0 else None
            yield Artefact("windows/explorer-search", NAME, source, time, user, values)


def _numbered(
    key: Key, times: Key | None, source: Entry, user: str, kind: str, field: str
) -> Iterator[Artefact]:
    """``url1``, ``url2``, ... in number order (url1 is the most recent)."""
    numbered = sorted(
        (int(name[3:]), name) for name in key.values if name.lower().startswith("url") and name[3:].isdigit()
    )
    for position, (_, name) in enumerate(numbered):
        own = times.values.get(name) if times is not None else None
        time = (
            filetime(int.from_bytes(own[:8], "little")) if isinstance(own, bytes) and len(own) >= 8 else None
        )
        time = time or (key.written if position == 0 else None)
        values = {field: str(key.values[name]), "position": position, "key": f"{key.path}\\{name}"}
        yield Artefact(kind, NAME, source, time, user, values)
