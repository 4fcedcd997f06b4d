"""Generate a realistic NTFS laptop image for the scan benchmark (issue 10).

A Windows-like tree (Windows/System32, WinSxS, Program Files), user profiles with
Chrome/Edge/Firefox data and caches, thousands of JPEG/PNG photos, a few videos,
documents and large binaries, with mtimes spread over three years. Everything is
generated: photos are noise and shapes, text is a made-up vocabulary. One planted
image in a user's Pictures folder is listed in ``known-bad.txt`` (a hash of a
generated image, nothing real), so time-to-first-SEIZE can be measured.

    python bench/make_ntfs_image.py --out /tmp/bench --size-gb 4 --files 60000

Needs mkntfs and ntfs-3g (root, FUSE). Writes <out>/laptop.img, <out>/known-bad.txt,
<out>/keywords.csv (10,000 terms), <out>/bench.toml (a profile using them).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

SYLLABLES = [a + b for a in "bcdfghjklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ai", "ou")]
USERS = ("alice", "bob", "carol")
NOW = time.time()
YEAR = 365 * 86400


@dataclass(frozen=True)
class Planned:
    path: str
    kind: str  # "pe", "text", "jpeg", "png", "video", "binary", "cache", "sqlite"
    size: int
    mtime: float


def words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(n)]


def plan_tree(rng: random.Random, files: int, total_bytes: int, photo_size: int) -> list[Planned]:
    """Paths, kinds and sizes; the few big files absorb whatever the byte budget leaves."""
    mix = [  # (share of files, kind, folder maker, median size)
        (
            0.46,
            "pe",
            lambda i: f"/Windows/{_sysdir(rng, i)}/{_name(rng)}.{rng.choice(['dll', 'exe', 'sys', 'mui'])}",
            40_000,
        ),
        (
            0.08,
            "text",
            lambda i: f"/Windows/{_sysdir(rng, i)}/{_name(rng)}.{rng.choice(['log', 'xml', 'inf', 'ini'])}",
            6_000,
        ),
        (
            0.10,
            "pe",
            lambda i: f"/Program Files/{_app(rng)}/{_name(rng)}.{rng.choice(['dll', 'exe', 'pak', 'dat'])}",
            60_000,
        ),
        (
            0.07,
            "text",
            lambda i: (
                f"/Users/{_user(rng)}/Documents/{_name(rng)}.{rng.choice(['txt', 'html', 'csv', 'md'])}"
            ),
            12_000,
        ),
        (
            0.14,
            "jpeg",
            lambda i: (
                f"/Users/{_user(rng)}/Pictures/{rng.choice(['Camera', 'Holiday', 'Saved', ''])}/IMG_{i:06d}.jpg"
            ),
            0,
        ),
        (0.04, "png", lambda i: f"/Users/{_user(rng)}/Pictures/Screenshots/Screenshot_{i:06d}.png", 0),
        (
            0.10,
            "cache",
            lambda i: f"/Users/{_user(rng)}/AppData/Local/{_browser(rng)}/Cache/Cache_Data/f_{i:06x}",
            15_000,
        ),
        (0.005, "video", lambda i: f"/Users/{_user(rng)}/Videos/VID_{i:06d}.mp4", 0),
        (
            0.005,
            "binary",
            lambda i: f"/Users/{_user(rng)}/Downloads/{_name(rng)}.{rng.choice(['zip', 'iso', 'msi'])}",
            0,
        ),
    ]
    planned: list[Planned] = []
    for share, kind, path_of, median in mix:
        for _ in range(max(1, int(files * share))):
            i = len(planned)
            size = int(min(rng.lognormvariate(0, 1.0) * median, 8_000_000)) + 1 if median else 0
            path = path_of(i).replace("//", "/")
            recent = kind in ("jpeg", "png", "video", "cache", "text") and path.startswith("/Users/")
            mtime = NOW - rng.random() * (YEAR / 4 if recent else 3 * YEAR)
            planned.append(Planned(path, kind, size, mtime))
    for user in USERS:
        for browser in ("Google/Chrome/User Data/Default", "Microsoft/Edge/User Data/Default"):
            planned.append(Planned(f"/Users/{user}/AppData/Local/{browser}/History", "sqlite", 0, NOW - 3600))
    return _fill_budget(rng, planned, total_bytes, photo_size)


def _fill_budget(
    rng: random.Random, planned: list[Planned], total_bytes: int, photo_size: int
) -> list[Planned]:
    photos = [p for p in planned if p.kind in ("jpeg", "png")]
    fixed = sum(p.size for p in planned)
    photo_bytes = len(photos) * photo_size
    big = [p for p in planned if p.kind in ("video", "binary")]
    left = max(total_bytes - fixed - photo_bytes, len(big) * 1_000_000)
    weights = [rng.random() + 0.2 for _ in big]
    scale = left / sum(weights)
    sized = {p.path: int(w * scale) for p, w in zip(big, weights, strict=True)}
    return [Planned(p.path, p.kind, sized.get(p.path, p.size), p.mtime) for p in planned]


def _sysdir(rng: random.Random, i: int) -> str:
    return rng.choice(
        [
            "System32",
            "SysWOW64",
            f"WinSxS/amd64_pkg_{i % 700:04d}",
            f"System32/DriverStore/FileRepository/drv{i % 200:03d}",
            "Fonts",
        ]
    )


def _app(rng: random.Random) -> str:
    return rng.choice(
        [
            "Microsoft Office/root/Office16",
            "Mozilla Firefox",
            "Common Files/System",
            "VideoLAN/VLC/plugins",
            "Adobe/Acrobat Reader DC/Reader",
        ]
    )


def _user(rng: random.Random) -> str:
    return rng.choice(USERS)


def _browser(rng: random.Random) -> str:
    return rng.choice(["Google/Chrome/User Data/Default", "Microsoft/Edge/User Data/Default"])


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5)))


class Content:
    """Makes file bodies quickly: slices of a random pool, generated text and image variants."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pool = rng.randbytes(64 * 1024 * 1024)
        self.vocabulary = words(rng, 20_000)
        self.terms = keyword_terms(10_000)[:10]
        self.jpegs = [
            self._photo("JPEG", rng.choice([(640, 480), (1024, 768), (1600, 1200)])) for _ in range(24)
        ]
        self.pngs = [self._screenshot(rng.choice([(800, 600), (1280, 720)])) for _ in range(8)]
        pictures = self.jpegs * 3 + self.pngs  # about three photos to each screenshot
        self.photo_size = sum(map(len, pictures)) // len(pictures)

    def body(self, item: Planned, index: int) -> bytes:
        if item.kind == "text":
            planted = f" {self.terms[index % len(self.terms)]} ".encode() if index % 400 == 0 else b""
            return self.text(item.size) + planted
        if item.kind == "jpeg":  # a unique COM segment after SOI keeps every file's hash distinct
            base = self.rng.choice(self.jpegs)
            comment = f"triage-bench {index}".encode()
            return base[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + base[2:]
        if item.kind == "png":  # bytes after IEND are ignored by readers
            return self.rng.choice(self.pngs) + f"triage-bench {index}".encode()
        header = {"pe": b"MZ\x90\x00", "video": b"\x00\x00\x00\x18ftypmp42", "binary": b"PK\x03\x04"}.get(
            item.kind, b""
        )
        return header + self.random(item.size - len(header), index)

    def random(self, size: int, index: int) -> bytes:
        parts, left = [index.to_bytes(8, "little")], max(size - 8, 0)
        while left > 0:
            start = self.rng.randrange(0, len(self.pool) - 1)
            take = min(left, len(self.pool) - start)
            parts.append(self.pool[start : start + take])
            left -= take
        return b"".join(parts)[:size]

    def text(self, size: int) -> bytes:
        out, n = [], 0
        while n < size:
            line = " ".join(self.rng.choices(self.vocabulary, k=12)) + "\n"
            out.append(line)
            n += len(line)
        return "".join(out).encode()[:size]

    def _screenshot(self, size: tuple[int, int]) -> bytes:
        """Flat panels and lines of 'text', as screenshots are: PNG compresses them well."""
        image = Image.new("RGB", size, (240, 240, 240))
        draw = ImageDraw.Draw(image)
        for y in range(40, size[1] - 20, 18):
            draw.line((20, y, self.rng.randrange(100, size[0] - 20), y), fill=(40, 40, 40), width=8)
        draw.rectangle((0, 0, size[0], 30), fill=tuple(self.rng.randrange(256) for _ in range(3)))
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue()

    def _photo(self, fmt: str, size: tuple[int, int]) -> bytes:
        width, height = size
        image = (
            Image.frombytes("RGB", size, self.rng.randbytes(width * height * 3))
            .resize((width // 4, height // 4))
            .resize(size)
        )
        draw = ImageDraw.Draw(image)
        for _ in range(20):
            x, y = self.rng.randrange(width), self.rng.randrange(height)
            draw.ellipse(
                (x, y, x + self.rng.randrange(20, 300), y + self.rng.randrange(20, 300)),
                fill=tuple(self.rng.randrange(256) for _ in range(3)),
            )
        out = io.BytesIO()
        image.save(out, fmt, quality=92) if fmt == "JPEG" else image.save(out, fmt)
        return out.getvalue()


def write_history(path: Path, rng: random.Random, vocabulary: list[str]) -> None:
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE urls(id INTEGER PRIMARY KEY, url TEXT, title TEXT, visit_count INTEGER, last_visit_time INTEGER)"
    )
    rows = [
        (
            i,
            f"https://{rng.choice(vocabulary)}.example/{rng.choice(vocabulary)}",
            " ".join(rng.choices(vocabulary, k=5)),
            rng.randint(1, 9),
            13300000000000000 + i,
        )
        for i in range(2000)
    ]
    db.executemany("INSERT INTO urls VALUES (?,?,?,?,?)", rows)
    db.commit()
    db.close()


def planted_image() -> bytes:
    """The 'known' image: a generated test pattern (stripes), nothing real."""
    image = Image.new("RGB", (800, 600))
    draw = ImageDraw.Draw(image)
    for x in range(0, 800, 40):
        draw.rectangle((x, 0, x + 19, 599), fill=(x % 256, 128, 255 - x % 256))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def populate(mount: Path, plan: list[Planned], rng: random.Random, content: Content) -> Iterator[int]:
    for index, item in enumerate(plan):
        target = mount / item.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if item.kind == "sqlite":
            write_history(target, rng, content.vocabulary)
        else:
            target.write_bytes(content.body(item, index))
        os.utime(target, (item.mtime, item.mtime))
        yield index


def keyword_terms(terms: int) -> list[str]:
    """Terms the generated text never contains by chance (every term has an 'x'); a few are planted."""
    rng = random.Random(99)
    found: set[str] = set()
    while len(found) < terms:
        found.add(rng.choice(SYLLABLES) + "x" + rng.choice(SYLLABLES) + rng.choice(SYLLABLES))
    return sorted(found)


def write_libraries(out: Path, rng: random.Random, planted: bytes, terms: int) -> None:
    import hashlib

    (out / "known-bad.txt").write_text(
        f"# bench: a generated stripe pattern\n{hashlib.sha256(planted).hexdigest()} bench-planted\n"
    )
    chosen = keyword_terms(terms)
    lines = ["term,category,weight,whole_word,case_sensitive"] + [f"{t},bench,1,false,false" for t in chosen]
    (out / "keywords.csv").write_text("\n".join(lines) + "\n")
    (out / "bench.toml").write_text(
        'name = "bench"\ndescription = "issue 10 benchmark profile"\n'
        '[[hashsets]]\nname = "bench-known-bad"\npath = "known-bad.txt"\nformat = "plain"\nlabel = "known-bad"\n'
        '[[keywords]]\nname = "bench-keywords"\npath = "keywords.csv"\n'
        "[scan]\nmax_keyword_hits_per_file = 20\n"
        '[[rules]]\nid = "SEIZE-KNOWN-BAD-HASH"\nverdict = "SEIZE"\nkind = "hash-match"\nlabel = "known-bad"\ntext = "known-bad hash"\n'
        '[[rules]]\nid = "REVIEW-KEYWORDS"\nverdict = "REVIEW"\nkind = "keyword"\nmin_weight = 1\ntext = "keywords"\n'
        + perceptual_sets(out, planted)
    )


def perceptual_sets(out: Path, planted: bytes) -> str:
    """PDQ/pHash/dHash lists of the planted picture, so the full scan decodes and hashes every picture."""
    reference = out / "reference"
    reference.mkdir(exist_ok=True)
    (reference / "planted.png").write_bytes(planted)
    command = [
        sys.executable,
        "-m",
        "triage",
        "library",
        "build-perceptual",
        str(reference),
        "--out",
        str(out / "perceptual"),
    ]
    subprocess.run(command, check=True, capture_output=True)
    sets = "".join(
        f'[[perceptual_sets]]\nname = "bench-{kind}"\npath = "perceptual.{kind}.txt"\nformat = "{kind}"\nlabel = "known-bad"\n'
        for kind in ("pdq", "phash", "dhash")
    )
    settings = "[perceptual]\npdq_max_distance = 31\nphash_max_distance = 10\ndhash_max_distance = 10\nmin_quality = 50\n"
    rule = (
        '[[rules]]\nid = "SEIZE-PERCEPTUAL"\nverdict = "SEIZE"\nkind = "perceptual-match"\nlabel = "known-bad"\n'
        'text = "perceptual match"\n'
    )
    return settings + sets + rule


def build(out: Path, size_gb: float, files: int, seed: int, terms: int) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    image = out / "laptop.img"
    image_bytes = int(size_gb * 1.3 * 2**30) // 4096 * 4096 + 256 * 2**20
    with image.open("wb") as f:
        f.truncate(image_bytes)
    subprocess.run(["mkntfs", "-F", "-Q", "-q", "-L", "LAPTOP", str(image)], check=True, capture_output=True)
    content = Content(rng)
    plan = plan_tree(rng, files, int(size_gb * 2**30), content.photo_size)
    print(
        f"  average picture {content.photo_size:,} bytes; planned {sum(p.size for p in plan) / 2**30:.2f} GiB"
        " besides pictures",
        flush=True,
    )
    planted = planted_image()
    with tempfile.TemporaryDirectory() as tmp:
        mount = Path(tmp)
        subprocess.run(["ntfs-3g", "-o", "streams_interface=xattr", str(image), str(mount)], check=True)
        try:
            for index in populate(mount, plan, rng, content):
                if index % 5000 == 0:
                    print(f"  {index}/{len(plan)} files", flush=True)
            target = mount / "Users/alice/Pictures/Camera/IMG_20240611_1412.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(planted)
            when = NOW - rng.random() * YEAR / 4  # somewhere among the user's recent photos
            os.utime(target, (when, when))
        finally:
            subprocess.run(["umount", str(mount)], check=True)
    write_libraries(out, rng, planted, terms)
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size-gb", type=float, default=4.0)
    parser.add_argument("--files", type=int, default=60_000)
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--libraries-only", action="store_true", help="rewrite bench.toml and its lists only")
    args = parser.parse_args()
    if args.libraries_only:
        write_libraries(args.out, random.Random(args.seed), planted_image(), args.terms)
        return
    started = time.monotonic()
    image = build(args.out, args.size_gb, args.files, args.seed, args.terms)
    print(f"{image}: {args.files} files, {args.size_gb} GB in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
