"""What every hash-set format parser produces, and the checks they share."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

WIDTH_BY_ALGORITHM = {"md5": 16, "sha1": 20, "sha256": 32}  # bytes
ALGORITHM_BY_HEX_LENGTH = {32: "md5", 40: "sha1", 64: "sha256"}
_HEX = re.compile(r"[0-9a-fA-F]+")


class HashSetFormatError(ValueError):
    """A hash set cannot be used at all; the message names the file and why."""


@dataclass(frozen=True)
class HashRecord:
    """One known file: its digests (lower-case hex, any may be empty) and what is known about it.

    ``detail`` keeps a format's other per-hash fields as (name, value) pairs, e.g. VICS
    MediaSize, DateUpdated, IsPrecategorized.
    """

    md5: str = ""
    sha1: str = ""
    sha256: str = ""
    category: str = ""
    series: str = ""
    detail: tuple[tuple[str, str], ...] = ()

    def digests(self) -> tuple[tuple[str, str], ...]:
        """(algorithm, hex digest) for each digest present."""
        pairs = (("md5", self.md5), ("sha1", self.sha1), ("sha256", self.sha256))
        return tuple((a, d) for a, d in pairs if d)


@dataclass(frozen=True)
class DigestColumn:
    """Many digests of one algorithm at once, raw and concatenated, all without details
    (e.g. a batch of NSRL rows); the parser has checked them."""

    algorithm: str
    raw: bytes
    records: int = 0  # how many new records these digests stand for (0 for a row's further columns)

    def __len__(self) -> int:
        return len(self.raw) // WIDTH_BY_ALGORITHM[self.algorithm]


@dataclass(frozen=True)
class BadLine:
    """A line or record a parser could not read: counted and shown, never silently dropped."""

    file: str
    where: str  # "line 12" or "record 3"
    why: str

    def __str__(self) -> str:
        return f"{self.file} {self.where}: {self.why}"


def hex_digest(value: object, algorithm: str) -> str | None:
    """value as lower-case hex if it is a well-formed digest of algorithm, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) != 2 * WIDTH_BY_ALGORITHM[algorithm] or not _HEX.fullmatch(text):
        return None
    return text.lower()


def any_hex_digest(value: str) -> tuple[str, str] | None:
    """(algorithm, lower-case hex) for an MD5, SHA-1 or SHA-256 told apart by length."""
    text = value.strip()
    algorithm = ALGORITHM_BY_HEX_LENGTH.get(len(text))
    if algorithm is None or not _HEX.fullmatch(text):
        return None
    return algorithm, text.lower()


def record_for(algorithm: str, digest: str, category: str = "") -> HashRecord:
    return HashRecord(**{algorithm: digest}, category=category)  # type: ignore[arg-type]


def text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text without line ending) read incrementally; a UTF-8 BOM is skipped and
    undecodable bytes become U+FFFD (the line is then judged by the format's own checks)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; a generator holds it
    except OSError as exc:
        raise HashSetFormatError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            yield number, raw.decode("utf-8", errors="replace").rstrip("\r\n")


def csv_rows(path: Path) -> Iterator[tuple[int, list[str] | str]]:
    """(line number, cells) per CSV row, or (line number, why) for a row csv cannot read."""
    numbers = [0]

    def feed() -> Iterator[str]:
        for number, text in text_lines(path):
            numbers.append(number)
            yield text

    rows = csv.reader(feed())
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield numbers[-1], f"not valid CSV: {exc}"
            continue
        yield numbers[-1], row
