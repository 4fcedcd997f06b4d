"""Chromium blockfile cache: entries in block files and external files, chains, long keys, damage."""

from __future__ import annotations

import gzip
import io
import struct

from PIL import Image

from tests.artefacts.blockfile_writer import CacheFolder, response_info
from tests.artefacts.helpers import handle_of
from triage.artefacts import VolumeFiles
from triage.artefacts.browser.chrome_blockfile import ChromeBlockfileCache
from triage.artefacts.common import Content
from triage.artefacts.times import webkit
from triage.records import Artefact, Problem

FOLDER = "/Users/sam/AppData/Local/Google/Chrome/User Data/Default/Cache"
T0 = 13_350_000_000_000_000
LONG_URL = "https://example.org/search/" + "a" * 300


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (7, 5), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def build(corrupt: bool = False, broken_body: bool = False, looped: bool = False) -> list:
    cache = CacheFolder()
    png = png_bytes()
    text = gzip.compress(b"<html><title>a page</title></html>" * 200, mtime=0)
    first = cache.entry(
        "https://example.org/a.png",
        response_info(f"HTTP/1.1 200 OK\nContent-Type: image/png\nContent-Length: {len(png)}", T0, T0 + 10),
        png,
        T0,
    )
    chained = cache.entry(
        LONG_URL,
        response_info("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Encoding: gzip", T0 + 20, T0 + 30),
        text,
        T0 + 20,
        external_body=True,
        next_address=first,
    )
    cache.table[7] = chained
    if looped:  # the second entry's "next" points back at the first: a loop, not an endless walk
        struct.pack_into("<I", cache.blocks[1], (first & 0xFFFF) * 256 + 4, chained)
    if broken_body:  # the first entry of the chain points its body at a file type that does not exist
        struct.pack_into("<I", cache.blocks[1], (chained & 0xFFFF) * 256 + 60, 0x80000000 | 7 << 28)
    cache.table[9] = 0x80000000 | 7 << 28 if corrupt else 0  # an address with an unknown file type
    handles = [handle_of(data, f"{FOLDER}/{name}") for name, data in cache.files().items()]
    index = next(h for h in handles if h.entry.path.endswith("/index"))
    return list(ChromeBlockfileCache().records(index, VolumeFiles(handles)))


def test_entries_chained_in_one_bucket_with_long_key_and_external_gzip_body():
    records = build()
    cached = [r for r in records if isinstance(r, Artefact)]
    assert [a.values["url"] for a in cached] == [LONG_URL, "https://example.org/a.png"]
    assert [a.time for a in cached] == [webkit(T0 + 30), webkit(T0 + 10)]
    assert all(a.user == "sam" and a.kind == "browser/cache" for a in cached)
    page, png = [r for r in records if isinstance(r, Content)]
    assert page.data == b"<html><title>a page</title></html>" * 200  # gzip undone
    assert page.entry.container == (f"chrome-cache:{LONG_URL}",)
    assert Image.open(io.BytesIO(png.data)).size == (7, 5)
    assert cached[1].values["content_type"] == "image/png"
    assert not [r for r in records if isinstance(r, Problem)]


def test_a_damaged_entry_is_a_problem_and_the_others_still_come_out():
    records = build(corrupt=True)
    problems = [r for r in records if isinstance(r, Problem)]
    assert len(problems) == 1 and "unknown file type 7" in problems[0].what
    assert len([r for r in records if isinstance(r, Artefact)]) == 2


def test_a_broken_entry_costs_that_entry_not_the_rest_of_its_chain():
    records = build(broken_body=True)
    (problem,) = [r for r in records if isinstance(r, Problem)]
    assert problem.kind == "damaged" and "unknown file type 7" in problem.what
    assert [a.values["url"] for a in records if isinstance(a, Artefact)] == ["https://example.org/a.png"]


def test_a_chain_that_loops_is_walked_once_and_said_so():
    records = build(looped=True)
    assert len([r for r in records if isinstance(r, Artefact)]) == 2
    (problem,) = [r for r in records if isinstance(r, Problem)]
    assert "the chain loops" in problem.what


def test_missing_block_file_and_foreign_index():
    index = CacheFolder().files()["index"]
    records = list(ChromeBlockfileCache().records(handle_of(index, f"{FOLDER}/index"), VolumeFiles([])))
    assert records == []  # an empty table: nothing cached
    simple = b"oy retne" + b"\x07\0\0\0" + bytes(12)  # a simple cache's index file: not this format
    assert list(ChromeBlockfileCache().records(handle_of(simple, f"{FOLDER}/index"), VolumeFiles([]))) == []
    (problem,) = ChromeBlockfileCache().records(handle_of(b"\x01" * 400, f"{FOLDER}/index"), VolumeFiles([]))
    assert problem.kind == "damaged"
