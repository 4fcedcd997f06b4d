"""Carvers: whole objects by their own structure, at any offset, ending anywhere, never overlapping."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from tests.perceptual.images import scene
from triage.match.carve import CarveAnalyzer, find_carves
from triage.match.carve.base import Carve, CarveLimits
from triage.records import Content, Entry, Examined


def encoded(fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    scene(5, (96, 72)).save(buffer, fmt, **options)
    return buffer.getvalue()


PICTURES = {
    "jpeg": encoded("JPEG"),
    "png": encoded("PNG"),
    "gif": encoded("GIF"),
    "webp": encoded("WEBP"),
}


@pytest.mark.parametrize("kind", sorted(PICTURES))
@pytest.mark.parametrize("before", [0, 1, 4097])
@pytest.mark.parametrize("after", [0, 3, 1000])
def test_whole_picture_found_at_any_offset_and_end(kind: str, before: int, after: int) -> None:
    picture = PICTURES[kind]
    data = (
        os.urandom(before).replace(b"\xff", b"\x00") + picture + os.urandom(after).replace(b"\xff", b"\x00")
    )
    assert list(find_carves(data, CarveLimits())) == [Carve(before, len(picture), kind)]


def test_progressive_jpeg_with_exif_thumbnail_is_one_carve() -> None:
    from tests.perceptual.images import with_exif_thumbnail

    thumb = encoded("JPEG", quality=60)
    photo = with_exif_thumbnail(scene(9), thumb)
    assert list(find_carves(b"xx" + photo, CarveLimits())) == [Carve(2, len(photo), "jpeg")]
    progressive = encoded("JPEG", progressive=True)
    Image.open(io.BytesIO(progressive)).load()
    assert list(find_carves(progressive + b"tail", CarveLimits())) == [Carve(0, len(progressive), "jpeg")]


def test_truncated_or_corrupt_objects_are_not_carved() -> None:
    png = PICTURES["png"]
    corrupt = png[:100] + bytes([png[100] ^ 0xFF]) + png[101:]  # a CRC no longer matches
    assert list(find_carves(png[:-20], CarveLimits())) == []
    assert list(find_carves(corrupt, CarveLimits())) == []
    assert list(find_carves(PICTURES["jpeg"][:-2], CarveLimits())) == []


def test_caps_and_counts() -> None:
    data = b"".join(b"-" * 10 + PICTURES["gif"] for _ in range(5))
    assert len(list(find_carves(data, CarveLimits(max_carves=3)))) == 3
    assert list(find_carves(PICTURES["png"], CarveLimits(max_object_bytes=100))) == []


def test_chunk_bounds_start_inside_and_may_end_beyond() -> None:
    data = b"a" * 50 + PICTURES["png"] + b"b" * 50
    assert list(find_carves(data, CarveLimits(), start=0, stop=51)) == [
        Carve(50, len(PICTURES["png"]), "png")
    ]
    assert list(find_carves(data, CarveLimits(), start=51)) == []


def test_sqlite_database_length_from_its_header(tmp_path) -> None:
    import sqlite3

    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
        db.executemany("INSERT INTO t VALUES (?)", [(f"row {i}",) for i in range(500)])
    database = path.read_bytes()
    assert list(find_carves(b"\x00" * 7 + database + b"\x01" * 9, CarveLimits())) == [
        Carve(7, len(database), "sqlite")
    ]


def test_analyzer_leaves_pictures_and_the_file_itself_alone() -> None:
    analyzer = CarveAnalyzer()
    picture = Examined(Entry("d", 1, "/a.jpg", 10), "image/jpeg")
    blob = Examined(Entry("d", 1, "/blob.bin", 10), "application/octet-stream")
    assert not analyzer.wants(picture) and analyzer.wants(blob)
    jpeg = PICTURES["jpeg"]
    assert [r for r in analyzer.analyze(blob, jpeg) if isinstance(r, Content)] == []
    [content] = [r for r in analyzer.analyze(blob, b"junk" + jpeg) if isinstance(r, Content)]
    assert content.entry.container == ("carve:/blob.bin", f"offset 4 (jpeg, {len(jpeg):,} bytes)")
    assert content.data == jpeg


def test_both_literal_engines_find_the_same_occurrences() -> None:
    from triage.match.carve import _LITERALS
    from triage.match.carve.literals import LiteralFinder
    from triage.match.keyword_engine import hyperscan_usable

    if not hyperscan_usable():
        pytest.skip("Hyperscan does not run on this CPU: only bytes.find is used here")
    data = bytearray(os.urandom(300_000))
    for i, literal in enumerate(_LITERALS * 20):
        at = (i * 14_983) % (len(data) - 20)
        data[at : at + len(literal)] = literal
    data[-3:] = _LITERALS[0][:3]  # a literal at the very end, and one cut short by it
    data = bytes(data)
    spans = [(1 + i, len(data) - 7 * i) for i in range(len(_LITERALS))]
    by_find = LiteralFinder(_LITERALS, "find").occurrences(data, spans)
    by_scan = LiteralFinder(_LITERALS, "hyperscan").occurrences(data, spans)
    assert LiteralFinder(_LITERALS, "hyperscan").engine == "hyperscan"
    assert by_scan == by_find
    assert len(by_find) >= 20 * len(_LITERALS) - 2


def test_carves_are_the_same_with_either_literal_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    import triage.match.carve as carve
    from triage.match.carve.literals import LiteralFinder

    data = os.urandom(5000) + PICTURES["jpeg"] + os.urandom(3000) + PICTURES["png"] + PICTURES["gif"]
    found = {}
    for engine in ("find", "hyperscan"):
        finder = LiteralFinder(carve._LITERALS, engine)
        monkeypatch.setattr(carve, "literal_finder", lambda finder=finder: finder)
        found[engine] = list(find_carves(data, CarveLimits()))
    assert found["find"] == found["hyperscan"]
    assert [c.kind for c in found["find"]] == ["jpeg", "png", "gif"]
