"""The bundled demo disk holds exactly what planted.json says, as The Sleuth Kit sees it.

Checks triage/demo/data (built by build/demo/make_demo_evidence.py) with pytsk3 directly, not
through triage's own code, so that the ground truth the end-to-end tests rely on is itself
independently verified: partition table, every path, deleted flag, stream and content digest,
the LUKS imitation, the hash set and the keyword list.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import pytsk3

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "triage" / "demo" / "data"
HASHSETS = REPO / "hashsets" / "demo"
PLANTED = json.loads((DATA / "planted.json").read_text())
FILE_ITEMS = [item for item in PLANTED["items"] if item["path"]]
FS_NAMES = {
    pytsk3.TSK_FS_TYPE_NTFS: "NTFS",
    pytsk3.TSK_FS_TYPE_FAT32: "FAT32",
    pytsk3.TSK_FS_TYPE_EXT4: "Ext4",
}
DATA_ATTRS = {pytsk3.TSK_FS_ATTR_TYPE_DEFAULT, pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA}


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo-disk.img"
    with gzip.open(DATA / "demo-disk.img.gz", "rb") as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return path


@pytest.fixture(scope="module")
def img(disk: Path) -> pytsk3.Img_Info:
    return pytsk3.Img_Info(str(disk))


def partition_start(number: int) -> int:
    """Byte offset of MBR slot `number` (1-based), from planted.json's own table."""
    (part,) = [p for p in PLANTED["partitions"] if p["partition"] == number]
    return part["start_sector"] * PLANTED["sector_size"]


def find_entry(fs: pytsk3.FS_Info, path: str) -> pytsk3.File:
    """The one directory entry named by path, deleted names included (path lookup may skip them)."""
    parent, _, name = path.rpartition("/")
    entries = [
        e
        for e in fs.open_dir(path=parent or "/")
        if e.info.name is not None and e.info.name.name.decode("utf-8") == name
    ]
    assert len(entries) == 1, f"{path}: {len(entries)} entries"
    return entries[0]


def read_stream(entry: pytsk3.File, stream: str) -> bytes:
    """The content of the unnamed data stream (stream == "") or of the named NTFS $DATA stream."""
    for attr in entry:
        name = (attr.info.name or b"").decode("utf-8")
        if attr.info.type in DATA_ATTRS and name == stream:
            return entry.read_random(0, attr.info.size, attr.info.type, attr.info.id)
    raise AssertionError(f"no data stream {stream!r}")


def keyword_rules() -> list[tuple[str, re.Pattern[str]]]:
    rules = []
    with open(HASHSETS / "keywords.csv", newline="") as f:
        for row in csv.DictReader(f):
            pattern = re.escape(row["term"])
            if row["whole_word"] == "true":
                pattern = rf"(?<!\w){pattern}(?!\w)"
            flags = re.ASCII | (0 if row["case_sensitive"] == "true" else re.IGNORECASE)
            rules.append((row["term"], re.compile(pattern, flags)))
    return rules


def as_texts(data: bytes) -> list[str]:
    """Byte text and UTF-16LE text at both alignments, as a keyword scanner reads them."""
    return [
        data.decode("latin-1"),
        data.decode("utf-16-le", "ignore"),
        data[1:].decode("utf-16-le", "ignore"),
    ]


def keyword_hits(data: bytes) -> set[str]:
    return {term for term, rx in keyword_rules() for text in as_texts(data) if rx.search(text)}


def test_disk_digest_and_size(disk: Path) -> None:
    assert disk.stat().st_size == PLANTED["disk_size"]
    h = hashlib.sha256()
    with open(disk, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    assert h.hexdigest() == PLANTED["disk_sha256"]


def test_partition_table(img: pytsk3.Img_Info) -> None:
    allocated = [
        (p.slot_num + 1, p.start, p.len)
        for p in pytsk3.Volume_Info(img)
        if p.flags == pytsk3.TSK_VS_PART_FLAG_ALLOC
    ]
    assert allocated == [(p["partition"], p["start_sector"], p["sectors"]) for p in PLANTED["partitions"]]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_filesystem_type(img: pytsk3.Img_Info, number: int) -> None:
    fs = pytsk3.FS_Info(img, offset=partition_start(number))
    assert FS_NAMES[fs.info.ftype] == PLANTED["partitions"][number - 1]["fs"]


@pytest.mark.parametrize("item", FILE_ITEMS, ids=[i["id"] for i in FILE_ITEMS])
def test_planted_item(img: pytsk3.Img_Info, item: dict) -> None:
    fs = pytsk3.FS_Info(img, offset=partition_start(item["partition"]))
    assert FS_NAMES[fs.info.ftype] == item["fs"]
    entry = find_entry(fs, item["path"])
    unallocated = bool(entry.info.name.flags & pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
    assert unallocated == item["deleted"]
    content = read_stream(entry, item["stream"])
    assert len(content) == item["size"]
    assert hashlib.sha256(content).hexdigest() == item["sha256"]
    assert hashlib.md5(content).hexdigest() == item["md5"]


def test_deleted_fat_name_as_tsk_shows_it() -> None:
    (item,) = [i for i in FILE_ITEMS if i["deleted"]]
    assert (item["fs"], item["path"]) == ("FAT32", "/DCIM/100PHOTO/_MG_0042.JPG")


def test_ads_is_named_stream_of_a_plain_file() -> None:
    streams = [(i["path"], i["stream"]) for i in FILE_ITEMS if i["fs"] == "NTFS"]
    assert ("/Users/alex/Documents/readme.txt", "hidden") in streams
    assert ("/Users/alex/Documents/readme.txt", "") in streams


def test_encrypted_volume_is_luks1_and_not_a_filesystem(img: pytsk3.Img_Info) -> None:
    (item,) = [i for i in PLANTED["items"] if i["expect"] == "volume-not-examined"]
    offset = partition_start(item["partition"])
    header = img.read(offset, 592)
    assert header[:8] == b"LUKS\xba\xbe\x00\x01"
    fields = [header[a : a + 32].rstrip(b"\0") for a in (8, 40, 72)]
    assert fields == [b"aes", b"xts-plain64", b"sha256"]
    with pytest.raises(OSError):
        pytsk3.FS_Info(img, offset=offset)


def read_hash_set() -> dict[str, str]:
    lines = (HASHSETS / "known-bad.txt").read_text().splitlines()
    assert lines[0].startswith("#") and "synthetic" in "".join(lines[:3])
    pairs = [line.split() for line in lines if line and not line.startswith("#")]
    return {digest: category for digest, category in pairs}


def test_hash_set_holds_every_hash_match_item_and_nothing_else() -> None:
    known = read_hash_set()
    for item in FILE_ITEMS:
        matched = item["sha256"] in known or item["md5"] in known
        assert matched == (item["expect"] == "hash-match"), item["id"]
        if matched:
            assert item["sha256"] in known and item["md5"] in known
    assert len(known) == 2 * sum(i["expect"] == "hash-match" for i in FILE_ITEMS)


def test_keywords_csv_format() -> None:
    with open(HASHSETS / "keywords.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["term", "category", "weight", "whole_word", "case_sensitive"]
    assert {
        "term": "sex",
        "category": "sexual-content",
        "weight": "1",
        "whole_word": "true",
        "case_sensitive": "false",
    } in rows
    for row in rows:
        assert float(row["weight"]) > 0
        assert {row["whole_word"], row["case_sensitive"]} <= {"true", "false"}


@pytest.mark.parametrize("item", FILE_ITEMS, ids=[i["id"] for i in FILE_ITEMS])
def test_keyword_hits_are_exactly_the_planted_ones(img: pytsk3.Img_Info, item: dict) -> None:
    fs = pytsk3.FS_Info(img, offset=partition_start(item["partition"]))
    content = read_stream(find_entry(fs, item["path"]), item["stream"])
    assert keyword_hits(content) == ({item["term"]} if item["expect"] == "keyword" else set())


def test_near_misses_contain_sex_only_inside_other_words(img: pytsk3.Img_Info) -> None:
    near = [i for i in FILE_ITEMS if i["id"].startswith("nearmiss-")]
    assert len(near) == 2
    for item in near:
        fs = pytsk3.FS_Info(img, offset=partition_start(item["partition"]))
        text = read_stream(find_entry(fs, item["path"]), item["stream"]).decode("utf-8")
        assert "sex" in text.lower()
        assert not re.search(r"\bsex\b", text, re.IGNORECASE)


def keyword_counts(data: bytes) -> dict[str, int]:
    texts = as_texts(data)
    return {term: sum(len(rx.findall(t)) for t in texts) for term, rx in keyword_rules()}


def test_no_keyword_anywhere_on_the_disk_but_in_planted_files(img: pytsk3.Img_Info, disk: Path) -> None:
    """Unallocated space, metadata and the LUKS imitation hold no stray hits."""
    planted = dict.fromkeys(keyword_counts(b""), 0)
    for item in FILE_ITEMS:
        fs = pytsk3.FS_Info(img, offset=partition_start(item["partition"]))
        content = read_stream(find_entry(fs, item["path"]), item["stream"])
        for term, n in keyword_counts(content).items():
            planted[term] += n
    assert planted == {
        "sex": 0,
        "amelia testcase": 1,
        "hidden stash": 1,
        "burner phone": 0,
        "secret folder": 0,
    }
    assert keyword_counts(disk.read_bytes()) == planted
