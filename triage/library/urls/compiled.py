"""The compiled URL list: sorted SHA-256 keys that a scan memory-maps.

A compiled list is a folder (inside a library bundle, ``urls/<name>/``):

    list.json     name, label, hashed, entry and bad-line counts, the first bad lines
                  ("file line N: why", never their content), source file SHA-256, categories
    keys.sha256   the distinct SHA-256 keys of the entries (of the normalised URL or domain,
                  triage/urls.py), 32 bytes each, sorted ascending
    keys.hi       the first 8 bytes of each key read big-endian, as uint64 LE, same order (they
                  compare as integers, so the search is numpy's fastest; the full key confirms)
    rows.bin      one 12-byte row per key, same order: line (uint32 LE, the entry's id),
                  weight (float32 LE), category (uint32 LE, index into list.json's categories)
    match.bin     one byte per key, same order: 0 url, 1 prefix, 2 domain, 3 any (MATCHES)
    text.bin      clear lists only: the normalised entries, UTF-8, same order
    text.idx      clear lists only: uint64 LE offsets of each entry in text.bin, plus the end

A hashed list (``hashed: true``) has no text files: its addresses are nowhere on the stick, and
a match names the entry by its line. Opening maps the files and reads list.json; nothing is
parsed per entry, so a list of a million entries opens in milliseconds (bench/url_lists.py).
A lookup is one ``searchsorted`` over the mapped heads for all of a URL's candidate keys, then a
comparison of the full key at each position found.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from triage.library.urls.read import MATCHES, BadLine, UrlEntry, UrlListError, read_url_list

FORMAT = "triage-url-list/1"
LIST_INFO = "list.json"
LABELS = ("known-bad", "watch", "bespoke")
KEY = np.dtype("S32")
HEAD = np.dtype("<u8")
ROW = np.dtype([("line", "<u4"), ("weight", "<f4"), ("category", "<u4")])
MATCH = np.dtype("u1")
MAX_BAD_SHOWN = 20
_ROW = struct.Struct("<IfI")  # as ROW
_OFFSETS = struct.Struct("<QQ")


@dataclass(frozen=True)
class UrlRow:
    """What a compiled list says about one of its entries."""

    line: int
    match: str
    text: str  # "" in a hashed list
    category: str
    weight: float


class CompiledUrlList:
    """One compiled URL list, opened read-only (memory-mapped, or loaded when ``in_memory``)."""

    def __init__(self, folder: Path, in_memory: bool = False) -> None:
        self.folder = folder
        try:
            self.info: dict[str, Any] = json.loads((folder / LIST_INFO).read_text("utf-8"))
            if self.info.get("format") != FORMAT:
                raise ValueError(f"not {FORMAT}")
        except (OSError, ValueError) as exc:
            raise UrlListError(f"{folder}: not a compiled URL list ({exc})") from exc
        self.name, self.label = str(self.info["name"]), str(self.info["label"])
        self.hashed, self.count = bool(self.info["hashed"]), int(self.info["entries"])
        self._keys = _bytes(folder / "keys.sha256", in_memory)
        self._heads = np.frombuffer(_bytes(folder / "keys.hi", in_memory), dtype=HEAD)
        self._rows = _bytes(folder / "rows.bin", in_memory)
        self._matches = _bytes(folder / "match.bin", in_memory)
        sizes = (len(self._keys) // KEY.itemsize, len(self._heads), len(self._rows) // ROW.itemsize)
        if set(sizes) != {self.count} or len(self._matches) != self.count:
            raise UrlListError(f"{folder}: files do not hold {self.count} entries (damaged?)")
        self._text = b"" if self.hashed else _bytes(folder / "text.bin", in_memory)
        self._offsets = b"" if self.hashed else _bytes(folder / "text.idx", in_memory)
        if not self.hashed and len(self._offsets) != 8 * (self.count + 1):
            raise UrlListError(f"{folder}: text.idx does not index {self.count} entries (damaged?)")
        self._categories = [str(c) for c in self.info.get("categories", [])]

    def find(self, keys: list[bytes]) -> list[tuple[int, int]]:
        """(index into keys, row) for each key the list holds."""
        if not keys or not self.count:
            return []
        heads = np.fromiter((int.from_bytes(k[:8], "big") for k in keys), dtype=np.uint64, count=len(keys))
        found = []
        for index, row in enumerate(np.searchsorted(self._heads, heads).tolist()):
            while row < self.count and self._keys[row * 32 : row * 32 + 8] == keys[index][:8]:
                if self._keys[row * 32 : row * 32 + 32] == keys[index]:
                    found.append((index, row))
                    break
                row += 1  # another key with the same first 8 bytes (rare)
        return found

    def match_kind(self, row: int) -> str:
        return MATCHES[self._matches[row]] if self._matches[row] < len(MATCHES) else "url"

    def row(self, row: int) -> UrlRow:
        """Read with ``struct`` from the mapped bytes: a numpy element access costs more than
        the whole search (bench/url_lists.py)."""
        line, weight, category = _ROW.unpack_from(self._rows, row * ROW.itemsize)
        text = ""
        if self._offsets:
            start, end = _OFFSETS.unpack_from(self._offsets, row * 8)
            text = bytes(self._text[start:end]).decode("utf-8", errors="replace")
        named = self._categories[category] if category < len(self._categories) else ""
        return UrlRow(line, self.match_kind(row), text, named, weight)


def compile_url_list(
    source: Path, name: str, label: str, dest: Path, hash_entries: bool = False
) -> dict[str, Any]:
    """Read ``source`` and write the compiled list to ``dest`` atomically (a half-built folder is
    removed and the old list kept on any error); ``hash_entries`` stores a clear list as hashed.
    Returns list.json's content."""
    if label not in LABELS:
        raise UrlListError(f"label must be one of {', '.join(LABELS)}, not {label!r}")
    entries, bad = _read(source)
    hashed = hash_entries or (bool(entries) and not entries[0].text)
    work = dest.parent / f".{dest.name}.building-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        info = _write(work, entries, hashed)
        info.update(
            name=name,
            label=label,
            bad_lines=len(bad),
            bad_line_examples=[b.shown(source.name) for b in bad[:MAX_BAD_SHOWN]],
            sources=[{"name": source.name, "sha256": hashlib.sha256(source.read_bytes()).hexdigest()}],
        )
        (work / LIST_INFO).write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", "utf-8")
        shutil.rmtree(dest, ignore_errors=True)
        work.replace(dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return info


def _read(source: Path) -> tuple[list[UrlEntry], list[BadLine]]:
    entries: list[UrlEntry] = []
    bad: list[BadLine] = []
    for item in read_url_list(source):
        if isinstance(item, UrlEntry):
            entries.append(item)
        else:
            bad.append(item)
    return entries, bad


def _write(folder: Path, entries: list[UrlEntry], hashed: bool) -> dict[str, Any]:
    keys = np.array([e.digest for e in entries], dtype=KEY)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    distinct = np.ones(len(order), dtype=bool)
    distinct[1:] = ordered[1:] != ordered[:-1]
    chosen = [entries[int(i)] for i in order[distinct]]  # the first line of a repeated key
    categories = sorted({e.category for e in chosen})
    index = {c: i for i, c in enumerate(categories)}
    rows = np.array([(e.line, e.weight, index[e.category]) for e in chosen], dtype=ROW)
    unique = ordered[distinct].tobytes()
    (folder / "keys.sha256").write_bytes(unique)
    heads = np.frombuffer(unique, dtype=">u8").reshape(-1, 4)[:, 0]
    heads.astype(HEAD).tofile(folder / "keys.hi")
    rows.tofile(folder / "rows.bin")
    np.array([MATCHES.index(e.match) for e in chosen], dtype=MATCH).tofile(folder / "match.bin")
    if not hashed:
        texts = [e.text.encode("utf-8") for e in chosen]
        (folder / "text.bin").write_bytes(b"".join(texts))
        ends = np.cumsum([0] + [len(t) for t in texts], dtype=np.uint64)
        ends.astype("<u8").tofile(folder / "text.idx")
    counts = {m: sum(1 for e in chosen if e.match == m) for m in MATCHES}
    return {
        "format": FORMAT,
        "hashed": hashed,
        "entries": len(chosen),
        "repeated": len(entries) - len(chosen),
        "matches": {m: n for m, n in counts.items() if n},
        "categories": categories,
    }


def _bytes(path: Path, in_memory: bool) -> bytes | mmap.mmap:
    """The file's bytes, mapped read-only (or read, when ``in_memory`` or empty)."""
    try:
        with path.open("rb") as file:
            if in_memory or path.stat().st_size == 0:
                return file.read()
            return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:
        raise UrlListError(f"{path}: cannot open ({exc})") from exc
