"""Build the bundled demo evidence: a small MBR disk image with planted files.

Writes, from nothing but generated content:
  <out>/demo-disk.img.gz      the raw disk (gzip -9, mtime 0)
  <out>/planted.json          the ground truth that tests/test_demo_evidence.py checks
  <hashsets>/known-bad.txt    the demo "known" hash set (plain list: "<hexdigest> <category>")
  <hashsets>/keywords.csv     the demo keyword list

Every "known" image is a synthetic test pattern drawn here with a fixed seed; nothing real is
used or referenced. Layout: p1 NTFS (mkntfs, populated through ntfs-3g), p2 FAT32 (mkfs.vfat and
mtools, one file deleted with mdel), p3 ext4 (mkfs.ext4 -d), p4 an imitation LUKS1 volume.

File contents are identical on every run with the same Pillow version; mkntfs -T, mkfs.vfat
--invariant, SOURCE_DATE_EPOCH and a fixed ext4 UUID/hash seed pin most metadata, but a few
times (NTFS MFT-change times, ext4 superblock times) still vary, so disk_sha256 may differ
between builds. Needs root for the ntfs-3g FUSE mount. Run from the repository root:
    python build/demo/make_demo_evidence.py --out triage/demo/data
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

try:
    from PIL import Image, ImageDraw
except ImportError:  # a build script: say what to install rather than print a traceback
    raise SystemExit(
        "error: Pillow is missing: pip install pillow (or the project's dev venv)"
    ) from None

SECTOR = 512
MIB = 1 << 20
EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1709294400"))  # 2024-03-01 12:00:00 UTC
EXT4_UUID = "d3a0c0de-0000-4000-8000-00000000de30"
EXT4_HASH_SEED = "d3a0c0de-0000-4000-8000-00000000de31"
FAT_VOLUME_ID = "0DE0F00D"
MBR_LABEL_ID = "0x7e57d15c"
REPO = Path(__file__).resolve().parents[2]

TOOLS = {  # command -> Debian package that provides it
    "mkntfs": "ntfs-3g",
    "ntfs-3g": "ntfs-3g",
    "mkfs.vfat": "dosfstools",
    "mmd": "mtools",
    "mcopy": "mtools",
    "mdel": "mtools",
    "mkfs.ext4": "e2fsprogs",
    "sfdisk": "fdisk",
    "umount": "mount",
}

KEYWORDS_CSV = """\
term,category,weight,whole_word,case_sensitive
sex,sexual-content,1,true,false
amelia testcase,bespoke-victim,3,true,false
hidden stash,bespoke,2,false,false
burner phone,bespoke,2,false,false
secret folder,bespoke,1,false,false
"""


@dataclass(frozen=True)
class Slot:
    number: int  # 1-based MBR slot
    start: int  # sectors
    sectors: int
    mbr_type: str  # sfdisk hex type
    fs: str  # TSK's name for the file system; "" where there is none


SLOTS = (
    Slot(1, 2048, 16 * MIB // SECTOR, "7", "NTFS"),
    Slot(2, 2048 + 16 * MIB // SECTOR, 36 * MIB // SECTOR, "c", "FAT32"),
    Slot(3, 2048 + 52 * MIB // SECTOR, 16 * MIB // SECTOR, "83", "Ext4"),
    Slot(4, 2048 + 68 * MIB // SECTOR, 4 * MIB // SECTOR, "83", ""),
)
DISK_SECTORS = SLOTS[-1].start + SLOTS[-1].sectors + 2048


@dataclass(frozen=True)
class Plant:
    id: str
    partition: int
    path: str  # where it is written; for a deleted FAT file TSK shows another name
    content: bytes
    expect: str  # "hash-match" | "keyword" | "none"
    note: str
    term: str = ""
    stream: str = ""
    deleted: bool = False
    category: str = ""  # hash-set category of a known image


# --- generated images -------------------------------------------------------------------------


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def rings(seed: int, size: tuple[int, int]) -> Image.Image:
    """Concentric ellipses in random colours around a random centre."""
    rng = random.Random(seed)
    img = Image.new("RGB", size, _colour(rng))
    draw = ImageDraw.Draw(img)
    cx, cy = rng.randrange(size[0]), rng.randrange(size[1])
    for r in range(max(size), 0, -rng.randrange(12, 30)):
        draw.ellipse((cx - r, cy - r * 3 // 4, cx + r, cy + r * 3 // 4), fill=_colour(rng))
    return img


def blocks(seed: int, size: tuple[int, int], block: int) -> Image.Image:
    """Random-coloured blocks, enlarged without smoothing."""
    rng = random.Random(seed)
    small = (size[0] // block, size[1] // block)
    img = Image.frombytes("RGB", small, rng.randbytes(small[0] * small[1] * 3))
    return img.resize(size, Image.Resampling.NEAREST)


def gradient_shapes(seed: int, size: tuple[int, int]) -> Image.Image:
    """A two-colour vertical gradient with random rectangles, ellipses and triangles on top."""
    rng = random.Random(seed)
    top, bottom = _colour(rng), _colour(rng)
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(size[1]):
        t = y / (size[1] - 1)
        draw.line(
            (0, y, size[0], y),
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for _ in range(12):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(20, size[0] // 3), y0 + rng.randrange(20, size[1] // 3)
        shape = rng.choice((draw.rectangle, draw.ellipse))
        shape((x0, y0, x1, y1), fill=_colour(rng), outline=(0, 0, 0))
        draw.polygon([(x0, y1), (x1, y1), ((x0 + x1) // 2, y0)], outline=_colour(rng))
    return img


def jpeg(img: Image.Image, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=False, progressive=False)
    return buf.getvalue()


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()  # Pillow writes no tIME chunk unless asked
    img.save(buf, "PNG", optimize=False, compress_level=9)
    return buf.getvalue()


# --- what is planted where --------------------------------------------------------------------


NOTES_TXT = (
    "\ufeffShopping Saturday, then the school fete.\r\n"
    "Remember to send the birthday card to Amelia Testcase before Friday.\r\n"
).encode("utf-16-le")
LETTERS_TXT = (
    b"Dear Aunt Jo,\nThe drive through Essex was slow, so we went back via Middlesex and Sussex.\n"
    b"Grandad showed the children his old brass sextant.\nLove, Alex\n"
)
ESSEX_TXT = (
    b"Day trip: Colchester (Essex), lunch in Middlesex, then the Sussex coast.\n"
    b"Bought a sextant keyring and some Wessex cheese.\n"
)
DIARY_TXT = b"12 May\nQuiet day at work. I keep the hidden stash in the loft.\n"
RECIPE_TXT = b"Scones: 225 g flour, 55 g butter, 150 ml milk. Bake 12 minutes at 220 C.\r\n"
NEAR_MISS = "near misses (Essex, Middlesex, Sussex, sextant): the whole-word term must not fire"
PHOTO = "benign generated photo"
CAT1, CAT2 = "demo-category-1", "demo-category-2"


def plants() -> list[Plant]:
    """Everything written to p1-p3, in writing order."""
    k1 = rings(101, (480, 360))
    k2 = jpeg(gradient_shapes(202, (400, 300)))
    k3 = jpeg(blocks(303, (640, 480), 20))
    u, docs, pics = "/Users/alex", "/home/sam/Documents", "/home/sam/Pictures"
    # fmt: off
    return [
        Plant("keyword-ntfs-notes", 1, f"{u}/Documents/notes.txt", NOTES_TXT, "keyword",
              "UTF-16LE text with BOM naming the bespoke victim term", term="amelia testcase"),
        Plant("known-ntfs-renamed", 1, f"{u}/AppData/Local/Temp/cache0001.dat", jpeg(k1),
              "hash-match", "exact copy of known image #1 (JPEG) under a .dat name: matched by "
              "hash, not by name", category=CAT1),
        Plant("known-ntfs-ads", 1, f"{u}/Documents/readme.txt", k2, "hash-match",
              "known image #2 hidden in the alternate data stream readme.txt:hidden",
              stream="hidden", category=CAT2),
        Plant("benign-ntfs-readme", 1, f"{u}/Documents/readme.txt", b"Read me first.\r\n", "none",
              "the unnamed stream of the file that carries the hidden stream"),
        Plant("nearmiss-ntfs-letters", 1, f"{u}/Documents/letters.txt", LETTERS_TXT, "none",
              NEAR_MISS),
        Plant("benign-ntfs-recipe", 1, f"{u}/Documents/recipe.txt", RECIPE_TXT, "none",
              "benign text"),
        Plant("benign-ntfs-photo-1", 1, f"{u}/Pictures/holiday-001.jpg",
              jpeg(gradient_shapes(11, (480, 360))), "none", PHOTO),
        Plant("benign-ntfs-photo-2", 1, f"{u}/Pictures/holiday-002.jpg",
              jpeg(rings(12, (400, 300))), "none", PHOTO),
        Plant("benign-fat-photo-1", 2, "/DCIM/100PHOTO/IMG_0001.JPG",
              jpeg(blocks(21, (640, 480), 32)), "none", PHOTO),
        Plant("benign-fat-photo-2", 2, "/DCIM/100PHOTO/IMG_0002.JPG",
              jpeg(gradient_shapes(22, (640, 480))), "none", PHOTO),
        Plant("known-fat-deleted", 2, "/DCIM/100PHOTO/IMG_0042.JPG", k3, "hash-match",
              "known image #3 written as IMG_0042.JPG, then deleted with mdel: recoverable; "
              "TSK shows the name as _MG_0042.JPG", deleted=True, category=CAT1),
        Plant("benign-fat-shopping", 2, "/notes/shopping.txt", b"milk\nbread\neggs\n", "none",
              "benign text under a long (VFAT) name"),
        Plant("known-ext4", 3, f"{pics}/beach.png", png(k1), "hash-match",
              "known image #1 saved as PNG: other bytes than the JPEG, so its own digests",
              category=CAT1),
        Plant("keyword-ext4-diary", 3, f"{docs}/diary.txt", DIARY_TXT, "keyword",
              "UTF-8 text with a phrase term", term="hidden stash"),
        Plant("nearmiss-ext4-essex", 3, f"{docs}/essex-trip.txt", ESSEX_TXT, "none", NEAR_MISS),
        Plant("benign-ext4-todo", 3, f"{docs}/todo.txt", b"- renew car tax\n- fix the shed door\n",
              "none", "benign text"),
        Plant("benign-ext4-photo-1", 3, f"{pics}/cat.jpg", jpeg(rings(31, (320, 240))), "none",
              PHOTO),
        Plant("benign-ext4-photo-2", 3, f"{pics}/garden.png",
              png(gradient_shapes(32, (320, 240))), "none", "benign generated PNG"),
        Plant("benign-ext4-blob", 3, "/home/sam/.cache/blob.bin",
              random.Random(33).randbytes(4096), "none", "benign random bytes"),
    ]
    # fmt: on


def artefact_plants() -> list[Plant]:
    """User activity for the artefact parsers, all in alex's profile on p1 (NTFS): Chrome and
    Firefox history whose searches hit the keyword list only once the URL is decoded (the raw
    bytes hold "hidden+stash", not the term), a Chrome cache entry whose body is known image #2,
    a Tor Browser folder and a wiping tool (placeholder text files with the right names)."""
    from datetime import UTC, datetime

    from demo_browsers import chrome_history, firefox_places, simple_cache_entry

    u = "/Users/alex"
    chrome = f"{u}/AppData/Local/Google/Chrome/User Data/Default"
    firefox = f"{u}/AppData/Roaming/Mozilla/Firefox/Profiles/d3m0prof.default-release"
    t = datetime(2024, 2, 27, 21, 14, 5, tzinfo=UTC)
    day = t.replace(hour=9, minute=30, second=0)
    history = chrome_history(
        [
            ("https://www.bbc.co.uk/weather", "BBC Weather", day),
            ("https://www.google.com/search?q=hidden+stash&hl=en-GB", "Google Search", t),
        ],
        {},
    )
    places = firefox_places(
        [
            ("https://www.gov.uk/vehicle-tax", "Tax your vehicle - GOV.UK", day),
            ("https://duckduckgo.com/?q=burner+phone&t=h_&ia=web", "DuckDuckGo", t.replace(minute=52)),
        ]
    )
    known2 = jpeg(gradient_shapes(202, (400, 300)))  # the same bytes as plant known-ntfs-ads
    cache = simple_cache_entry("https://img.example.net/gallery/0042.jpg", known2, "image/jpeg", t)
    placeholder = "demo placeholder named like {}: plain text, not a program\r\n"
    # fmt: off
    return [
        Plant("artefact-chrome-history", 1, f"{chrome}/History", history, "artefact-keyword",
              "Chrome History: a Google search whose decoded term hits the keyword list",
              term="hidden stash"),
        Plant("artefact-firefox-places", 1, f"{firefox}/places.sqlite", places, "artefact-keyword",
              "Firefox places.sqlite: a DuckDuckGo search whose decoded term hits the keyword list",
              term="burner phone"),
        Plant("artefact-chrome-cache", 1, f"{chrome}/Cache/Cache_Data/5d4c3b2a19080706_0", cache,
              "cache-hash-match", "Chrome simple-cache entry whose body is known image #2 (JPEG), "
              "matched through its URL chrome-cache:https://img.example.net/gallery/0042.jpg"),
        Plant("indicator-tor-browser", 1, f"{u}/Desktop/Tor Browser/Browser/firefox.exe",
              placeholder.format("Tor Browser").encode(), "indicator",
              "Tor Browser folder: condition anonymising-tools"),
        Plant("indicator-bleachbit", 1, "/Program Files/BleachBit/bleachbit.exe",
              placeholder.format("BleachBit").encode(), "indicator",
              "BleachBit install folder: condition wiping-tools"),
    ]
    # fmt: on


def known_images() -> dict[str, Image.Image]:
    """The three known pictures of plants(), by hash-set category and number."""
    return {
        f"{CAT1}/known-1": rings(101, (480, 360)),
        f"{CAT2}/known-2": gradient_shapes(202, (400, 300)),
        f"{CAT1}/known-3": blocks(303, (640, 480), 20),
    }


def perceptual_plants() -> list[Plant]:
    """Copies of the known images that exact hashes miss, for perceptual matching (issue 9)."""
    from demo_perceptual import (
        check_separation,
        cropped,
        docx_with_image,
        resized,
        video,
        with_exif_thumbnail,
    )

    k1, k2, k3 = known_images().values()
    frames = [rings(701, (480, 360))] * 20 + [k1] * 10 + [blocks(703, (480, 360), 24)] * 15
    u, thumbs = "/Users/alex", "/home/sam/.cache/thumbnails/large"
    pm, what = "perceptual-match", "known image #{} {}: other bytes, so only a perceptual hash finds it"
    # fmt: off
    items = [
        Plant("perceptual-ext4-thumbnail", 3, f"{thumbs}/9d2c0f1e4b7a8c3d5e6f708192a3b4c5.png",
              png(resized(k1, 256)), pm, what.format(1, "as a 256-pixel desktop thumbnail (PNG)")),
        Plant("perceptual-ntfs-recompressed", 1, f"{u}/Downloads/IMG-20240227-WA0003.jpg",
              jpeg(k2, quality=40), pm, what.format(2, "re-saved as a JPEG at quality 40")),
        Plant("perceptual-fat-cropped", 2, "/DCIM/100PHOTO/IMG_0043.JPG", jpeg(cropped(k1, 0.05)),
              pm, what.format(1, "cropped by 5% (found by pHash/dHash; PDQ does not survive crops)")),
        Plant("perceptual-ntfs-video", 1, f"{u}/Videos/clip0001.mp4", video(frames), pm,
              "4.5-second MP4 (MPEG-4 video) showing known image #1 from 2.0 s to 3.0 s: PDQ of one "
              "frame per second finds it at 0:00:02.000"),
        Plant("perceptual-ntfs-exif-thumbnail", 1, f"{u}/Pictures/holiday-003.jpg",
              with_exif_thumbnail(gradient_shapes(44, (640, 480)), jpeg(resized(k2, 160), 75)), pm,
              "benign-looking photo whose EXIF thumbnail (IFD1) is known image #2 at 160x120"),
        Plant("perceptual-ext4-docx", 3, "/home/sam/Documents/report.docx",
              docx_with_image(png(resized(k3, 320))), pm,
              "Word document with known image #3, halved, as word/media/image1.png"),
    ]
    # fmt: on
    pictures = (b"\xff\xd8", b"\x89PNG")
    benign = {p.id: p.content for p in plants() if p.expect == "none" and p.content.startswith(pictures)}
    still = {p.id: p.content for p in items[:3]}
    check_separation({k: png(v) for k, v in known_images().items()}, still, benign)
    return items


def perceptual_hashsets(hashsets: Path) -> None:
    from demo_perceptual import write_perceptual_sets

    write_perceptual_sets({k: png(v) for k, v in known_images().items()}, hashsets)


def tsk_path(plant: Plant) -> str:
    """The path as The Sleuth Kit shows it: a deleted FAT short name's first byte (0xE5) is "_"."""
    if plant.deleted and SLOTS[plant.partition - 1].fs == "FAT32":
        head, _, name = plant.path.rpartition("/")
        return f"{head}/_{name[1:]}"
    return plant.path


# --- keyword self-check (the same rules the scanner applies) --------------------------------


def keyword_rules() -> list[tuple[str, re.Pattern[str]]]:
    rows = [line.split(",") for line in KEYWORDS_CSV.splitlines()[1:]]
    rules = []
    for term, _cat, _weight, whole, case in rows:
        pattern = re.escape(term)
        if whole == "true":
            pattern = rf"(?<!\w){pattern}(?!\w)"
        flags = re.ASCII | (0 if case == "true" else re.IGNORECASE)
        rules.append((term, re.compile(pattern, flags)))
    return rules


def keyword_hits(data: bytes) -> set[str]:
    texts = [
        data.decode("latin-1"),
        data.decode("utf-16-le", "ignore"),
        data[1:].decode("utf-16-le", "ignore"),
    ]
    return {term for term, rx in keyword_rules() for t in texts if rx.search(t)}


def check_plants(items: list[Plant], luks: bytes) -> None:
    digests = [hashlib.sha256(p.content).hexdigest() for p in items]
    if len(set(digests)) != len(digests):
        raise SystemExit("error: two planted files have the same content")
    for p in items:
        want = {p.term} if p.expect == "keyword" else set()
        if keyword_hits(p.content) != want:
            raise SystemExit(f"error: {p.id}: keyword hits {keyword_hits(p.content)}, want {want}")
    if keyword_hits(luks) or len(next(p for p in items if p.stream).content) >= 65536:
        raise SystemExit(
            "error: change a seed (LUKS bytes hit a keyword, or the ADS image is >= 64 KiB)"
        )


# --- file systems ------------------------------------------------------------------------------


def run(*cmd: str, env: dict[str, str] | None = None, stdin: bytes = b"") -> None:
    env = {**os.environ, **(env or {})}
    subprocess.run(cmd, input=stdin, check=True, capture_output=True, env=env)


def new_image(path: Path, slot: Slot) -> Path:
    with open(path, "wb") as f:
        f.truncate(slot.sectors * SECTOR)
    return path


def ntfs_times() -> bytes:
    t = EPOCH * 10_000_000 + 116_444_736_000_000_000  # 100 ns ticks since 1601
    return struct.pack("<4Q", t, t, t, t)


def populate_ntfs(mnt: Path, items: Iterable[Plant]) -> None:
    touched = {mnt}
    for p in items:
        target = mnt / p.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if p.stream:  # ntfs-3g maps user.<name> to the named $DATA stream <name>
            target.touch()
            os.setxattr(target, f"user.{p.stream}", p.content)
        else:
            target.write_bytes(p.content)
        touched |= {target, *target.parents}
    for path in sorted(t for t in touched if t.is_relative_to(mnt)):
        os.setxattr(path, "system.ntfs_times", ntfs_times())


def build_ntfs(image: Path, slot: Slot, items: list[Plant], work: Path) -> None:
    mkntfs = ["mkntfs", "-F", "-Q", "-q", "-T", "-L", "DEMO-NTFS", "-H", "255", "-S", "63"]
    run(*mkntfs, "-p", str(slot.start), str(image))
    mnt = work / "ntfs-mnt"
    mnt.mkdir()
    # no_detach keeps ntfs-3g in the foreground, so waiting for it means its writes are done
    proc = subprocess.Popen(
        ["ntfs-3g", "-o", "streams_interface=xattr,no_detach", str(image), str(mnt)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_mount(mnt, proc)
        populate_ntfs(mnt, items)
    finally:
        if os.path.ismount(mnt):
            run("umount", str(mnt))
        proc.wait(timeout=60)


def wait_for_mount(mnt: Path, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if os.path.ismount(mnt):
            return
        if proc.poll() is not None:
            raise SystemExit(f"error: ntfs-3g exited with {proc.returncode} (is /dev/fuse usable?)")
        time.sleep(0.1)
    raise SystemExit("error: ntfs-3g did not mount within 10 s")


def stage(root: Path, items: Iterable[Plant]) -> None:
    """Write files under root with fixed modes and times (mkfs.ext4 -d and mcopy -m copy them)."""
    for p in items:
        target = root / p.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(p.content)
    for path in [*sorted(root.rglob("*"), reverse=True), root]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
        os.utime(path, (EPOCH, EPOCH))


def build_fat(image: Path, slot: Slot, items: list[Plant], work: Path) -> None:
    mkfs = ["mkfs.vfat", "-F", "32", "-S", "512", "-s", "1", "--invariant", "-n", "DEMOFAT"]
    run(*mkfs, "-i", FAT_VOLUME_ID, "-h", str(slot.start), str(image))
    root = work / "fat-stage"
    stage(root, items)
    rc = work / "mtoolsrc"
    rc.write_text("")
    env = {"MTOOLS_SKIP_CHECK": "1", "MTOOLSRC": str(rc), "SOURCE_DATE_EPOCH": str(EPOCH)}
    dirs = sorted({str(Path(p.path).parent) for p in items} | {"/DCIM"})
    run("mmd", "-i", str(image), *(f"::{d}" for d in dirs), env=env)
    for p in sorted(items, key=lambda p: p.deleted):  # deleted last: nothing overwrites it
        run("mcopy", "-m", "-i", str(image), str(root / p.path.lstrip("/")), f"::{p.path}", env=env)
    for p in items:
        if p.deleted:
            run("mdel", "-i", str(image), f"::{p.path}", env=env)


def build_ext4(image: Path, slot: Slot, items: list[Plant], work: Path) -> None:
    root = work / "ext4-stage"
    stage(root, items)
    mkfs = ["mkfs.ext4", "-q", "-F", "-T", "small", "-L", "DEMO", "-U", EXT4_UUID]
    extended = f"root_owner=0:0,hash_seed={EXT4_HASH_SEED}"
    run(*mkfs, "-E", extended, "-d", str(root), str(image))


def luks1_imitation(slot: Slot, seed: int = 404) -> bytes:
    """A LUKS1 header over random key material, laid out as cryptsetup 1.x formats
    aes-xts-plain64 with a 256-bit key (LUKS1 On-Disk Format Specification 1.2.3).

    Key slot 0 is active and its 128,000 bytes of key material are random, as are the first
    32 KiB of the payload; the rest of the volume stays zero to keep the bundle small.
    """
    rng = random.Random(seed)
    volume = bytearray(slot.sectors * SECTOR)
    key_bytes, stripes, payload = 32, 4000, 4096  # payload offset in sectors
    uid = str(uuid.UUID(int=rng.getrandbits(128), version=4)).encode()
    header = (
        b"LUKS\xba\xbe",
        1,
        b"aes",
        b"xts-plain64",
        b"sha256",
        payload,
        key_bytes,
        rng.randbytes(20),
        rng.randbytes(32),
        112_000,
        uid,
    )
    struct.pack_into(">6sH32s32s32sII20s32sI40s", volume, 0, *header)
    for i in range(8):  # 8 key slots of 48 bytes from offset 208; each area 256 sectors
        active, iterations, salt = (
            (0x00AC71F3, 1_800_000, rng.randbytes(32)) if i == 0 else (0x0000DEAD, 0, bytes(32))
        )
        struct.pack_into(
            ">II32sII", volume, 208 + 48 * i, active, iterations, salt, 8 + 256 * i, stripes
        )
    volume[8 * SECTOR : 8 * SECTOR + key_bytes * stripes] = rng.randbytes(key_bytes * stripes)
    volume[payload * SECTOR : payload * SECTOR + 32768] = rng.randbytes(32768)
    return bytes(volume)


# --- the disk and the outputs --------------------------------------------------------------------


def assemble(disk: Path, parts: dict[int, Path]) -> None:
    with open(disk, "wb") as f:
        f.truncate(DISK_SECTORS * SECTOR)
    table = f"label: dos\nlabel-id: {MBR_LABEL_ID}\nunit: sectors\n\n" + "".join(
        f"start={s.start}, size={s.sectors}, type={s.mbr_type}\n" for s in SLOTS
    )
    run("sfdisk", "--no-reread", "--no-tell-kernel", "-q", str(disk), stdin=table.encode())
    with open(disk, "r+b") as out:
        for s in SLOTS:
            out.seek(s.start * SECTOR)
            with open(parts[s.number], "rb") as src:
                shutil.copyfileobj(src, out, MIB)


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MIB), b""):
            h.update(chunk)
    return h.hexdigest()


def write_gzip(src: Path, dst: Path) -> None:
    with (
        open(src, "rb") as f,
        open(dst, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz,
    ):
        shutil.copyfileobj(f, gz, MIB)


def record(p: Plant, fs: str, path: str) -> dict[str, object]:
    digests = {"sha256": "", "md5": ""}
    if p.content:
        digests = {
            "sha256": hashlib.sha256(p.content).hexdigest(),
            "md5": hashlib.md5(p.content).hexdigest(),
        }
    return {
        "id": p.id,
        "partition": p.partition,
        "fs": fs,
        "path": path,
        "deleted": p.deleted,
        "stream": p.stream,
        "expect": p.expect,
        "term": p.term,
        **digests,
        "size": len(p.content),
        "note": p.note,
    }


def item_record(p: Plant) -> dict[str, object]:
    return record(p, SLOTS[p.partition - 1].fs, tsk_path(p))


ENCRYPTED = Plant(
    "encrypted-p4",
    4,
    "",
    b"",
    "volume-not-examined",
    "LUKS1 header imitation: the scan must report this volume as not examined (encrypted)",
)


def planted_json(disk: Path, items: list[Plant]) -> str:
    doc = {
        "schema": "triage.demo-planted/1",
        "disk_sha256": digest(disk),
        "disk_size": disk.stat().st_size,
        "sector_size": SECTOR,
        "partitions": [
            {
                "partition": s.number,
                "start_sector": s.start,
                "sectors": s.sectors,
                "mbr_type": f"0x{int(s.mbr_type, 16):02x}",
                "fs": s.fs,
            }
            for s in SLOTS
        ],
        "items": [*map(item_record, items), record(ENCRYPTED, "", "")],
    }
    return json.dumps(doc, indent=2) + "\n"


def known_bad_txt(items: list[Plant]) -> str:
    lines = [
        "# triage demo hash set: SHA-256 and MD5 digests of images generated by",
        "# build/demo/make_demo_evidence.py (synthetic test patterns, not real material).",
        "# Format: <hexdigest> <category>, one digest per line.",
    ]
    for p in items:
        if p.expect == "hash-match":
            lines += [
                f"{hashlib.sha256(p.content).hexdigest()} {p.category}",
                f"{hashlib.md5(p.content).hexdigest()} {p.category}",
            ]
    return "\n".join(lines) + "\n"


def check_tools() -> None:
    for tool, package in TOOLS.items():
        if shutil.which(tool) is None:
            raise SystemExit(f"error: '{tool}' not found: install the Debian package '{package}'")
    if not os.path.exists("/dev/fuse"):
        raise SystemExit("error: /dev/fuse is missing: ntfs-3g needs FUSE (package 'fuse3')")


def build(out: Path, hashsets: Path) -> None:
    items = plants() + artefact_plants() + perceptual_plants()
    luks = luks1_imitation(SLOTS[3])
    check_plants(items, luks)
    builders = {1: build_ntfs, 2: build_fat, 3: build_ext4}
    with tempfile.TemporaryDirectory(prefix="triage-demo-") as tmp:
        work = Path(tmp)
        parts = {}
        for slot in SLOTS[:3]:
            parts[slot.number] = new_image(work / f"p{slot.number}.img", slot)
            builders[slot.number](
                parts[slot.number], slot, [p for p in items if p.partition == slot.number], work
            )
        parts[4] = work / "p4.img"
        parts[4].write_bytes(luks)
        disk = work / "demo-disk.img"
        assemble(disk, parts)
        out.mkdir(parents=True, exist_ok=True)
        hashsets.mkdir(parents=True, exist_ok=True)
        write_gzip(disk, out / "demo-disk.img.gz")
        (out / "planted.json").write_text(planted_json(disk, items))
    (hashsets / "known-bad.txt").write_text(known_bad_txt(items))
    (hashsets / "keywords.csv").write_text(KEYWORDS_CSV)
    perceptual_hashsets(hashsets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, required=True, help="where demo-disk.img.gz and planted.json go"
    )
    parser.add_argument(
        "--hashsets",
        type=Path,
        default=REPO / "hashsets" / "demo",
        help="where known-bad.txt and keywords.csv go (default: hashsets/demo)",
    )
    args = parser.parse_args(argv)
    check_tools()
    try:
        build(args.out, args.hashsets)
    except subprocess.CalledProcessError as e:
        sys.stderr.write(f"error: {' '.join(e.cmd)} failed:\n{e.stderr.decode(errors='replace')}")
        return 1
    size = (args.out / "demo-disk.img.gz").stat().st_size
    print(f"wrote demo-disk.img.gz ({size:,} bytes) and planted.json to {args.out}")
    print(f"wrote known-bad.txt and keywords.csv to {args.hashsets}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
