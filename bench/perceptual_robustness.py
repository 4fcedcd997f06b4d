"""Perceptual matching benchmark (issue 9): robustness per algorithm and transform, throughput, index.

In the style of Thorn's perception library (thorn-oss/perception ``benchmarking``): reference
images are generated here (four families of synthetic pictures, nothing real) plus the ten
permissively licensed photos in ../shared/peerdata/perception/ when present; each is transformed
(resize 50%/25%, JPEG quality 90/70/40, crop 5%/10% evenly and 5% from one corner, grey, text
overlay, border, horizontal flip; and, for issue 18, crops of 5/10/15% from one side and from a
corner and of a random 1-10% share, coloured borders of 5/10%, rotation by 90°, mirror + crop, a
logo and a caption overlay, and a screenshot at another size) and hashed with the scan's own
decode and hashes (a picture with flat borders also trimmed). The column ``pdq-crops`` matches
against each reference's crop variants (triage/library/perceptual/crops.py). Recall at a
threshold is the share of transformed copies within that distance of their own reference; the
false-positive rate is the share of >= 10,000 unrelated generated images within that distance of
*any* reference.

    .venv/bin/python bench/perceptual_robustness.py            # all three parts
    .venv/bin/python bench/perceptual_robustness.py --part index --references 1000000
    .venv/bin/python bench/perceptual_robustness.py --part cost     # ms per evidence picture
    .venv/bin/python bench/perceptual_robustness.py --part profile  # CPU ms per step, 12-MP photo
    .venv/bin/python bench/perceptual_robustness.py --part preview --references 200 --unrelated 3000
        # recall of an EXIF-style 160x120 preview instead of the full copy (issue 15)

Prints Markdown tables (append them to bench/RESULTS.md with the command line).
"""

from __future__ import annotations

import argparse
import io
import os
import pickle
import random
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageOps

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from triage.library.perceptual.crops import crop_variants  # noqa: E402
from triage.library.perceptual.decode import decode_for_hashing  # noqa: E402
from triage.library.perceptual.hashes import ImageHashes, compute_hashes, pdq_code  # noqa: E402
from triage.library.perceptual.index import HammingIndex  # noqa: E402

PEER_PHOTOS = REPO.parent / "shared" / "peerdata" / "perception" / "perception" / "testing" / "images"
ALGORITHMS = ("pdq", "phash", "dhash")
METHODS = (*ALGORITHMS, "pdq-crops")
# How far the nearest unrelated image is looked for (beyond the sweeps below): a radius of half
# the bits returns half of all references per search, which for 49 crop variants per reference
# made the false-positive count take most of an hour.
NEAREST_UP_TO = {
    "pdq": 80,
    "phash": 24,
    "dhash": 24,
    "pdq-crops": 80,
}  # pdq-crops: PDQ against each reference's crop variants (crops.py)
BITS = {"pdq": 256, "phash": 64, "dhash": 64}
MIN_QUALITY = 50

# --- generated pictures ------------------------------------------------------------------------


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def picture(seed: int) -> Image.Image:
    """One of four synthetic families, of a random size between 320x240 and 800x600."""
    rng = random.Random(seed)
    w = rng.randrange(320, 801)
    size = (w, int(w * rng.choice((0.75, 0.5625, 1.0, 1.333))))
    family = rng.randrange(4)
    if family == 0:  # smooth colour field with shapes
        grid = (rng.randrange(3, 9), rng.randrange(3, 9))
        img = Image.frombytes("RGB", grid, rng.randbytes(grid[0] * grid[1] * 3)).resize(size, Image.BICUBIC)
    elif family == 1:  # rings
        img = Image.new("RGB", size, _colour(rng))
        draw = ImageDraw.Draw(img)
        cx, cy = rng.randrange(size[0]), rng.randrange(size[1])
        for r in range(max(size), 0, -rng.randrange(12, 40)):
            draw.ellipse((cx - r, cy - r * 3 // 4, cx + r, cy + r * 3 // 4), fill=_colour(rng))
    elif family == 2:  # blocks
        block = rng.randrange(16, 64)
        small = (max(1, size[0] // block), max(1, size[1] // block))
        img = Image.frombytes("RGB", small, rng.randbytes(small[0] * small[1] * 3)).resize(
            size, Image.NEAREST
        )
    else:  # vertical gradient
        top, bottom = _colour(rng), _colour(rng)
        ramp = np.linspace(0, 1, size[1])[:, None, None]
        arr = (np.array(top) * (1 - ramp) + np.array(bottom) * ramp) * np.ones((1, size[0], 1))
        img = Image.fromarray(arr.astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randrange(4, 16)):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(20, size[0] // 3), y0 + rng.randrange(20, size[1] // 3)
        rng.choice((draw.rectangle, draw.ellipse))((x0, y0, x1, y1), fill=_colour(rng), outline=(0, 0, 0))
    return img


def encode(img: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def _crop(img: Image.Image, fraction: float) -> Image.Image:
    dx, dy = round(img.width * fraction / 2), round(img.height * fraction / 2)
    return img.crop((dx, dy, img.width - dx, img.height - dy))


def _text(img: Image.Image) -> Image.Image:
    out = img.copy()
    draw = ImageDraw.Draw(out)
    size = max(12, img.height // 12)
    draw.text(
        (img.width // 20, img.height - 2 * size), "SAMPLE TEXT 2026", fill=(255, 255, 255), font_size=size
    )
    return out


def _resize(img: Image.Image, f: float) -> Image.Image:
    return img.resize((max(8, round(img.width * f)), max(8, round(img.height * f))), Image.LANCZOS)


SIDE_BOXES = {"left": (1, 0, 0, 0), "right": (0, 0, 1, 0), "top": (0, 1, 0, 0), "bottom": (0, 0, 0, 1)}
CORNER_BOXES = {
    "top-left": (1, 1, 0, 0),
    "top-right": (0, 1, 1, 0),
    "bottom-left": (1, 0, 0, 1),
    "bottom-right": (0, 0, 1, 1),
}


def _rng(img: Image.Image) -> random.Random:
    """The same choices for every transform of one picture, different ones across pictures."""
    return random.Random(img.width * 7919 + img.height * 104729 + int(np.asarray(img)[0, 0].sum()))


def _cut(img: Image.Image, fraction: float, box: tuple[int, int, int, int]) -> Image.Image:
    left, top, right, bottom = (round(d * fraction * size) for d, size in zip(box, img.size * 2, strict=True))
    return img.crop((left, top, img.width - right, img.height - bottom))


def _side_crop(img: Image.Image, fraction: float) -> Image.Image:
    return _cut(img, fraction, SIDE_BOXES[_rng(img).choice(sorted(SIDE_BOXES))])


def _corner_crop(img: Image.Image, fraction: float) -> Image.Image:
    return _cut(img, fraction, CORNER_BOXES[_rng(img).choice(sorted(CORNER_BOXES))])


def _random_side_crop(img: Image.Image) -> Image.Image:
    """Off the variants' grid: any share from 1% to 10%, from a random side."""
    rng = _rng(img)
    return _cut(img, rng.uniform(0.01, 0.10), SIDE_BOXES[rng.choice(sorted(SIDE_BOXES))])


def _border(img: Image.Image, fraction: float) -> Image.Image:
    colour = _rng(img).choice(((255, 255, 255), (0, 0, 0), (128, 128, 128), (200, 30, 30)))
    return ImageOps.expand(img, round(img.width * fraction), colour)


def _logo(img: Image.Image) -> Image.Image:
    """A 12% coloured badge with a letter in the bottom-right corner."""
    out = img.copy()
    draw = ImageDraw.Draw(out)
    side = max(16, img.width * 12 // 100)
    x0, y0 = img.width - side - img.width // 40, img.height - side - img.height // 40
    draw.rounded_rectangle((x0, y0, x0 + side, y0 + side), radius=side // 5, fill=(230, 40, 90))
    draw.text((x0 + side // 4, y0 + side // 8), "W", fill=(255, 255, 255), font_size=side * 3 // 4)
    return out


def _caption(img: Image.Image) -> Image.Image:
    """A black band over the bottom 12% with white caption text (as a meme or a forum post)."""
    out = img.copy()
    draw = ImageDraw.Draw(out)
    band = max(14, img.height * 12 // 100)
    draw.rectangle((0, img.height - band, img.width, img.height), fill=(0, 0, 0))
    draw.text(
        (img.width // 30, img.height - band + band // 6),
        "look at this one lol",
        fill=(255, 255, 255),
        font_size=band * 2 // 3,
    )
    return out


def _screenshot(img: Image.Image) -> Image.Image:
    """The picture shown at 55-85% of its size on a flat desktop under a flat title bar, as a
    screenshot of an image viewer; the screen is 1.3x the picture. No text on the bar."""
    rng = _rng(img)
    shown = _resize(img, rng.uniform(0.55, 0.85))
    screen = Image.new("RGB", (round(img.width * 1.3), round(img.height * 1.3)), (rng.randrange(40, 90),) * 3)
    ImageDraw.Draw(screen).rectangle((0, 0, screen.width, max(12, screen.height // 25)), fill=(30, 60, 120))
    screen.paste(shown, ((screen.width - shown.width) // 2, (screen.height - shown.height) // 2))
    return screen


TRANSFORMS: dict[str, Callable[[Image.Image], bytes]] = {
    "resize 50%": lambda i: encode(_resize(i, 0.5), quality=85),
    "resize 25%": lambda i: encode(_resize(i, 0.25), quality=85),
    "JPEG q90": lambda i: encode(i, quality=90),
    "JPEG q70": lambda i: encode(i, quality=70),
    "JPEG q40": lambda i: encode(i, quality=40),
    "crop 5%": lambda i: encode(_crop(i, 0.05), quality=85),
    "crop 10%": lambda i: encode(_crop(i, 0.10), quality=85),
    "crop 5% from one corner": lambda i: encode(
        i.crop((round(i.width * 0.05), round(i.height * 0.05), i.width, i.height))
    ),
    "grey-scale": lambda i: encode(i.convert("L"), quality=85),
    "text overlay": lambda i: encode(_text(i), quality=85),
    "border 5%": lambda i: encode(ImageOps.expand(i, round(i.width * 0.05), (255, 255, 255)), quality=85),
    "horizontal flip": lambda i: encode(ImageOps.mirror(i), quality=85),
    "crop 5% one side": lambda i: encode(_side_crop(i, 0.05), quality=85),
    "crop 10% one side": lambda i: encode(_side_crop(i, 0.10), quality=85),
    "crop 15% one side": lambda i: encode(_side_crop(i, 0.15), quality=85),
    "crop 1-10% one side (random share)": lambda i: encode(_random_side_crop(i), quality=85),
    "crop 5% corner": lambda i: encode(_corner_crop(i, 0.05), quality=85),
    "crop 10% corner": lambda i: encode(_corner_crop(i, 0.10), quality=85),
    "crop 15% corner": lambda i: encode(_corner_crop(i, 0.15), quality=85),
    "border 5% (colour)": lambda i: encode(_border(i, 0.05), quality=85),
    "border 10% (colour)": lambda i: encode(_border(i, 0.10), quality=85),
    "rotate 90°": lambda i: encode(i.transpose(Image.Transpose.ROTATE_90), quality=85),
    "mirror + crop 5% one side": lambda i: encode(ImageOps.mirror(_side_crop(i, 0.05)), quality=85),
    "logo overlay": lambda i: encode(_logo(i), quality=85),
    "caption overlay": lambda i: encode(_caption(i), quality=85),
    "screenshot at another size": lambda i: encode(_screenshot(i), "PNG"),
}


def hashes_of(content: bytes) -> ImageHashes:
    return compute_hashes(decode_for_hashing(content, 64_000_000))


def _reference_images(count: int) -> list[Image.Image]:
    images = [picture(seed) for seed in range(count)]
    if PEER_PHOTOS.is_dir():
        images += [Image.open(p).convert("RGB") for p in sorted(PEER_PHOTOS.glob("image*.jpg"))]
    return images


def _one_reference(seed_or_index: int) -> list[tuple[str, object]]:
    img = _REFS[seed_or_index]
    decoded = decode_for_hashing(encode(img, "PNG"), 64_000_000)
    out: list[tuple[str, object]] = [("reference", compute_hashes(decoded))]
    out.append(("crop variants", [pdq_code(variant)[0] for _, variant in crop_variants(decoded)]))
    out += [(name, hashes_of(t(img))) for name, t in TRANSFORMS.items()]
    return out


def _unrelated(seed: int) -> ImageHashes:
    return hashes_of(encode(picture(seed), quality=85))


_REFS: list[Image.Image] = []

# --- robustness ----------------------------------------------------------------------------------


def distance(a: bytes, b: bytes) -> int:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).bit_count()


def robustness(references: int, unrelated: int, thresholds: dict[str, int], cache: Path | None) -> None:
    if cache is not None and cache.exists():
        per_ref, others = pickle.loads(cache.read_bytes())  # our own file from an earlier run
        print(f"\nhashes read from {cache} ({len(per_ref)} references, {len(others)} unrelated)\n")
    else:
        per_ref, others = _hash_all(references, unrelated)
        if cache is not None:
            cache.write_bytes(pickle.dumps((per_ref, others)))
    refs = [dict(r)["reference"] for r in per_ref]
    good = [dict(r) for r, h in zip(per_ref, refs, strict=True) if h.pdq_quality >= MIN_QUALITY]
    print(
        f"references with PDQ quality >= {MIN_QUALITY}: {len(good)} of {len(refs)}; "
        f"unrelated: {sum(h.pdq_quality >= MIN_QUALITY for h in others)} of {len(others)}\n"
    )
    nearest = {m: _nearest_unrelated(m, good, others) for m in METHODS}
    usable = [r for r, h in zip(per_ref, refs, strict=True) if h.pdq_quality >= MIN_QUALITY]
    print(
        f"Recall is over the {len(usable)} references a set can use (PDQ quality >= {MIN_QUALITY}); a copy"
        f" whose own quality falls below {MIN_QUALITY} counts as missed.\n"
    )
    _recall_table(usable, thresholds, nearest)
    _sweep(usable, nearest)


def _hash_all(references: int, unrelated: int) -> tuple[list, list]:
    global _REFS
    _REFS = _reference_images(references)
    started = time.perf_counter()
    with get_context("fork").Pool(os.cpu_count() or 2) as pool:
        per_ref = pool.map(_one_reference, range(len(_REFS)), chunksize=8)
        others = pool.map(_unrelated, range(10_000_000, 10_000_000 + unrelated), chunksize=64)
    print(
        f"\nhashed {len(_REFS)} references x {len(TRANSFORMS) + 1} (and each reference's crop variants)"
        f" and {unrelated} unrelated images in {time.perf_counter() - started:.0f} s\n",
        flush=True,
    )
    return per_ref, others


def _reference_codes(ref: dict, method: str) -> list[bytes]:
    """What a reference contributes to a set: its own hash, or (pdq-crops) its crop variants."""
    return list(ref["crop variants"]) if method == "pdq-crops" else [ref["reference"].code(method)]


def _nearest_unrelated(method: str, refs: list[dict], others: list[ImageHashes]) -> np.ndarray:
    """Per unrelated image (quality-gated), its distance to the nearest reference; 999 when gated out."""
    codes = [c for r in refs for c in _reference_codes(r, method)]
    bits = BITS["pdq" if method == "pdq-crops" else method]
    index = HammingIndex(np.frombuffer(b"".join(codes), np.uint8).reshape(len(codes), -1), bits)
    out = np.full(len(others), 999)
    for i, h in enumerate(others):
        if h.pdq_quality >= MIN_QUALITY:
            found = [
                n.distance for code in _codes(h, method) for n in index.search(code, NEAREST_UP_TO[method])
            ]
            out[i] = min(found, default=999)
    return out


def _codes(h: ImageHashes, method: str) -> tuple[bytes, ...]:
    """What the scan searches: PDQ in all eight orientations, pHash and dHash as they are; each
    also of the picture without its flat borders, where it has any."""
    own = h.pdq_dihedral if method in ("pdq", "pdq-crops") else (h.code(method),)
    return (*own, *(_codes(h.trimmed, method) if h.trimmed is not None else ()))


def _distances(per_ref: list, method: str, transform: str) -> np.ndarray:
    rows = [dict(r) for r in per_ref]
    return np.array(
        [
            min(distance(ref, c) for ref in _reference_codes(r, method) for c in _codes(r[transform], method))
            if r[transform].pdq_quality >= MIN_QUALITY
            else 999
            for r in rows
        ]
    )


def _recall_table(per_ref: list, thresholds: dict[str, int], nearest: dict[str, np.ndarray]) -> None:
    print("Recall at the chosen threshold (share of transformed copies found), and false positives:\n")
    print("| transform | " + " | ".join(f"{m} ≤ {thresholds[m]}" for m in METHODS) + " | any |")
    print("|---|" + "---:|" * (len(METHODS) + 1))
    for transform in TRANSFORMS:
        hit = {m: _distances(per_ref, m, transform) <= thresholds[m] for m in METHODS}
        anyhit = np.logical_or.reduce(list(hit.values()))
        cells = [f"{hit[m].mean():.1%}" for m in METHODS] + [f"{anyhit.mean():.1%}"]
        print(f"| {transform} | " + " | ".join(cells) + " |")
    fp = {m: nearest[m] <= thresholds[m] for m in METHODS}
    anyfp = np.logical_or.reduce(list(fp.values()))
    n = len(next(iter(nearest.values())))
    cells = [f"{fp[m].mean():.3%} ({fp[m].sum()})" for m in METHODS] + [f"{anyfp.mean():.3%} ({anyfp.sum()})"]
    print(f"| **false positives** ({n:,} unrelated) | " + " | ".join(cells) + " |\n")


def _sweep(per_ref: list, nearest: dict[str, np.ndarray]) -> None:
    groups = {
        "resize+JPEG": ["resize 50%", "resize 25%", "JPEG q90", "JPEG q70", "JPEG q40"],
        "crop ≤10% side/corner": [
            "crop 5% one side",
            "crop 10% one side",
            "crop 1-10% one side (random share)",
            "crop 5% corner",
            "crop 10% corner",
        ],
    }
    print("Threshold sweep (recall per group; FP = share of unrelated images within the threshold):\n")
    print("| method | threshold | recall resize+JPEG | recall crop ≤10% side/corner | FP rate | FP count |")
    print("|---|---:|---:|---:|---:|---:|")
    sweeps = {
        "pdq": range(16, 80, 8),
        "phash": range(4, 22, 2),
        "dhash": range(4, 22, 2),
        "pdq-crops": range(16, 64, 4),
    }
    for method, values in sweeps.items():
        dist = {g: np.concatenate([_distances(per_ref, method, t) for t in ts]) for g, ts in groups.items()}
        for t in values:
            fp = nearest[method] <= t
            resize, crop = (dist["resize+JPEG"] <= t).mean(), (dist["crop ≤10% side/corner"] <= t).mean()
            print(f"| {method} | {t} | {resize:.1%} | {crop:.1%} | {fp.mean():.3%} | {fp.sum()} |")
    print()


# --- throughput ----------------------------------------------------------------------------------


def camera_jpeg(seed: int) -> bytes:
    """A 12-megapixel 'camera' JPEG of 1-3 MB: a generated picture with sensor-like noise, carrying
    a 160x120 EXIF thumbnail in IFD1 as cameras write one (EXIF 2.32 section 4.5.4)."""
    rng = np.random.default_rng(seed)
    base = picture(seed).resize((4000, 3000), Image.BICUBIC)
    noise = rng.normal(0, 6, (3000, 4000, 3))
    arr = np.clip(np.asarray(base, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    thumbnail = encode(base.resize((PREVIEW_SIDE, PREVIEW_SIDE * 3 // 4), Image.BICUBIC), quality=75)
    return encode(Image.fromarray(arr), quality=int(rng.integers(80, 93)), exif=_exif_with(thumbnail))


def _exif_with(thumbnail: bytes) -> bytes:
    """An EXIF block whose IFD1 points at ``thumbnail`` (JPEGInterchangeFormat and its length)."""
    import struct

    ifd0 = struct.pack("<H", 0) + struct.pack("<I", 8 + 6)  # no entries; IFD1 follows
    entries = struct.pack("<HHII", 0x0201, 4, 1, 8 + 6 + 30) + struct.pack(
        "<HHII", 0x0202, 4, 1, len(thumbnail)
    )
    ifd1 = struct.pack("<H", 2) + entries + struct.pack("<I", 0)
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd0 + ifd1 + thumbnail


def _full_decode_baseline(content: bytes) -> None:
    import imagehash
    import pdqhash

    with Image.open(io.BytesIO(content)) as img:
        rgb = img.convert("RGB")
    imagehash.phash(rgb)
    imagehash.dhash(rgb)
    pdqhash.compute(np.asarray(rgb))


def preview_hashes(content: bytes) -> ImageHashes:
    """The photo's EXIF thumbnail, taken as the scan takes it (exif.py), decoded and hashed."""
    from triage.match.perceptual.exif import exif_thumbnail

    return next(hashes_of(thumbnail) for _, thumbnail in exif_thumbnail(content, 64 << 20))


_PHOTOS: list[bytes] = []  # inherited by the forked workers: each reads its photo as the scan's do


def _on_photo(task: tuple[Callable[[bytes], object], int]) -> None:
    fn, index = task
    fn(_PHOTOS[index])


def _rate(fn: Callable[[bytes], object], count: int, processes: int, repeat: int) -> tuple[float, float]:
    """(photos/s, CPU ms per photo) over the first ``count`` photos, ``repeat`` times. Workers are
    given a photo's number, not its bytes: the scan's workers read files themselves. The CPU time
    (the workers' own, from os.times) says what a core gives when no other session shares it."""
    work = [(fn, i) for i in range(min(count, len(_PHOTOS)))] * repeat
    before = os.times()
    started = time.perf_counter()
    if processes == 1:
        for task in work:
            _on_photo(task)
    else:
        with get_context("fork").Pool(processes) as pool:
            pool.map(_on_photo, work, chunksize=2)
            pool.close()
            pool.join()
    wall = time.perf_counter() - started
    after = os.times()
    own = after.user + after.system - before.user - before.system
    children = after.children_user + after.children_system - before.children_user - before.children_system
    cpu = own if processes == 1 else children
    return len(work) / wall, cpu * 1000 / len(work)


def throughput(photos: int) -> None:
    _PHOTOS[:] = [camera_jpeg(s) for s in range(photos)]
    sizes = [len(j) / 1e6 for j in _PHOTOS]
    print(
        f"\n{photos} generated 12-megapixel JPEGs, {min(sizes):.1f}-{max(sizes):.1f} MB "
        f"(mean {np.mean(sizes):.1f} MB), each with a 160x120 EXIF thumbnail\n"
    )
    print(
        "| pipeline | 1 process photos/s | 2 processes photos/s | CPU ms per photo (2 processes)"
        " | photos/s on 2 free cores (2000 / CPU ms) |"
    )
    print("|---|---:|---:|---:|---:|")
    rows = (
        ("baseline: full decode, pHash + dHash + PDQ on the full image", _full_decode_baseline, 8, 1),
        ("triage: draft decode, one shared decode, all three hashes", hashes_of, photos, 3),
        ("floor: the JPEG draft decode alone (libjpeg-turbo, no hashing)", _draft_decode_only, photos, 3),
        ("EXIF thumbnail alone: taken, decoded, all three hashes", preview_hashes, photos, 20),
    )
    rates = {}
    for name, fn, count, repeat in rows:
        one, _ = _rate(fn, count, 1, repeat)
        two, cpu = _rate(fn, count, 2, repeat)
        rates[name] = two
        print(f"| {name} | {one:.1f} | {two:.1f} | {cpu:.1f} | {2000 / cpu:.0f} |")
    base, ours, floor = (rates[name] for name, *_ in rows[:3])
    print(f"\nratio (2 processes): {ours / base:.1f}x the baseline, {ours / floor:.0%} of the decode floor")
    print(f"JPEG entropy decoding (draft, 2 processes): {floor * np.mean(sizes):.0f} MB/s of JPEG\n")


def _draft_decode_only(content: bytes) -> None:
    with Image.open(io.BytesIO(content)) as img:
        img.draft("RGB", (256, 256))
        img.load()


# --- EXIF preview instead of the full picture -----------------------------------------------------

PREVIEW_SIDE = 160  # the DCF/EXIF thumbnail: 160x120 for a 4:3 picture
PREVIEWS: dict[str, Callable[[bytes], bytes]] = {}


def _preview_kept(content: bytes) -> bytes:
    """The copy as a camera's EXIF thumbnail: fitted into 160x120 (aspect kept), JPEG quality 75."""
    with Image.open(io.BytesIO(content)) as img:
        small = img.convert("RGB")
    small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE * 3 // 4), Image.Resampling.BICUBIC)
    return encode(small, quality=75)


def _preview_letterboxed(content: bytes) -> bytes:
    """As above, but centred on a black 160x120 canvas, as many cameras write a 3:2 or 16:9 one."""
    with Image.open(io.BytesIO(content)) as img:
        small = img.convert("RGB")
    small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE * 3 // 4), Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", (PREVIEW_SIDE, PREVIEW_SIDE * 3 // 4))
    canvas.paste(small, ((canvas.width - small.width) // 2, (canvas.height - small.height) // 2))
    return encode(canvas, quality=75)


PREVIEWS.update({"EXIF preview 160x120": _preview_kept, "EXIF preview letterboxed": _preview_letterboxed})


def _one_reference_previews(index: int) -> list[tuple[str, object]]:
    """The reference's hashes, then per transform the copy hashed whole and as each preview."""
    img = _REFS[index]
    decoded = decode_for_hashing(encode(img, "PNG"), 64_000_000)
    out: list[tuple[str, object]] = [("reference", compute_hashes(decoded))]
    out.append(("crop variants", [pdq_code(variant)[0] for _, variant in crop_variants(decoded)]))
    for name, transform in TRANSFORMS.items():
        copy = transform(img)
        out.append((name, hashes_of(copy)))
        out += [(f"{name} / {how}", hashes_of(make(copy))) for how, make in PREVIEWS.items()]
    return out


def _unrelated_previews(seed: int) -> list[ImageHashes]:
    content = encode(picture(seed), quality=85)
    return [hashes_of(content), *(hashes_of(make(content)) for make in PREVIEWS.values())]


def preview_recall(references: int, unrelated: int, thresholds: dict[str, int]) -> None:
    """Recall ("any" of the four sets, as the scan matches) of each transformed copy hashed whole
    and hashed only through an EXIF-style preview, over the same references in one run."""
    global _REFS
    _REFS = _reference_images(references)
    started = time.perf_counter()
    with get_context("fork").Pool(os.cpu_count() or 2) as pool:
        per_ref = pool.map(_one_reference_previews, range(len(_REFS)), chunksize=4)
        others = pool.map(_unrelated_previews, range(10_000_000, 10_000_000 + unrelated), chunksize=32)
    took = time.perf_counter() - started
    print(f"\nhashed {len(_REFS)} references and {unrelated} unrelated in {took:.0f} s\n")
    usable = [r for r in per_ref if dict(r)["reference"].pdq_quality >= MIN_QUALITY]
    good = [dict(r) for r in usable]
    variants = ("full picture", *PREVIEWS)
    print(
        f"Recall over {len(usable)} references (PDQ quality >= {MIN_QUALITY}): 'any' of the four sets at"
        " the profile's thresholds, and PDQ (whole or crop set) within 16, the default SEIZE rule:\n"
    )
    print("| transform | " + " | ".join(f"{v}: any | {v}: PDQ ≤ 16" for v in variants) + " |")
    print("|---|" + "---:|" * 2 * len(variants))
    means: dict[str, list[float]] = {v: [] for v in variants}
    seize: dict[str, list[float]] = {v: [] for v in variants}
    for transform in TRANSFORMS:
        cells = []
        for variant in variants:
            key = transform if variant == "full picture" else f"{transform} / {variant}"
            hit = np.logical_or.reduce([_distances(usable, m, key) <= thresholds[m] for m in METHODS])
            close = np.logical_or(*(_distances(usable, m, key) <= 16 for m in ("pdq", "pdq-crops")))
            means[variant].append(hit.mean())
            seize[variant].append(close.mean())
            cells += [f"{hit.mean():.1%}", f"{close.mean():.1%}"]
        print(f"| {transform} | " + " | ".join(cells) + " |")
    cells = [f"{np.mean(table[v]):.1%}" for v in variants for table in (means, seize)]
    print("| **mean over the transforms** | " + " | ".join(cells) + " |")
    cells = []
    for column in range(len(variants)):
        near = {m: _nearest_unrelated(m, good, [o[column] for o in others]) <= thresholds[m] for m in METHODS}
        anyfp = np.logical_or.reduce(list(near.values()))
        cells += [f"{anyfp.mean():.3%} ({anyfp.sum()})", ""]
    print(f"| **false positives** ({unrelated:,} unrelated) | " + " | ".join(cells) + " |\n")


# --- where the time of one 12-megapixel photo goes ------------------------------------------------


def profile(photos: int) -> None:
    """CPU ms per step of the scan's picture path (process CPU time, best of three passes, so other
    sessions' load on the shared machine inflates it less than wall time)."""
    from triage.library.perceptual.crops import VARIANTS_PER_REFERENCE
    from triage.library.perceptual.hashes import _plain_hashes, pdq_dihedral_codes, phash_code
    from triage.library.perceptual.trim import trim_borders

    jpegs = [camera_jpeg(s) for s in range(photos)]
    rgbs = [decode_for_hashing(j, 64_000_000) for j in jpegs]
    arrays = [np.asarray(r) for r in rgbs]
    greys = [r.convert("L") for r in rgbs]
    hashes = [compute_hashes(r) for r in rgbs]
    rng = np.random.default_rng(15)
    sets = {
        "pdq": HammingIndex(rng.integers(0, 256, (310, 32), dtype=np.uint8), 256),
        "phash": HammingIndex(rng.integers(0, 256, (310, 8), dtype=np.uint8), 64),
        "dhash": HammingIndex(rng.integers(0, 256, (310, 8), dtype=np.uint8), 64),
        "pdq-crops": HammingIndex(rng.integers(0, 256, (310 * VARIANTS_PER_REFERENCE, 32), np.uint8), 256),
    }
    radius = {"pdq": 31, "phash": 10, "dhash": 10, "pdq-crops": 31}

    def searches(h: ImageHashes) -> None:
        for method, index in sets.items():
            for code in _codes(h, method):
                index.search(code, radius[method])

    trimmed = sum(h.trimmed is not None for h in hashes)
    steps: list[tuple[str, Callable[[object], object], list]] = [
        ("JPEG header (Image.open + draft)", _draft_header, jpegs),
        ("JPEG draft decode (1/8 scale, libjpeg-turbo)", _draft_decode_only, jpegs),
        (
            "decode_for_hashing (draft decode + RGB + cap checks)",
            lambda j: decode_for_hashing(j, 64_000_000),
            jpegs,
        ),
        ("PDQ, one orientation (pdqhash.compute)", pdqhash_compute, arrays),
        ("PDQ, eight orientations (pdqhash.compute_dihedral)", pdqhash_dihedral, arrays),
        ("PDQ dihedral as hashes.py calls it (RGB copy, packing)", pdq_dihedral_codes, rgbs),
        ("grey conversion (once for pHash and dHash)", lambda r: r.convert("L"), rgbs),
        ("pHash (imagehash)", phash_code, greys),
        ("dHash (imagehash)", lambda g: _plain_dhash(g), greys),
        ("flat-border check and trim (trim.py)", trim_borders, rgbs),
        ("hashes as they are (_plain_hashes)", lambda r: _plain_hashes(r, None), rgbs),
        (f"compute_hashes (+ trimmed hashes for {trimmed} of {photos})", compute_hashes, rgbs),
        ("searches: 310 refs x 3 sets + 14,880 crop variants", searches, hashes),
        ("EXIF thumbnail taken (exif.py: header and EXIF parse)", _thumbnail_only, jpegs),
        ("EXIF thumbnail taken, decoded and hashed", preview_hashes, jpegs),
        ("the whole path (decode, hashes, searches)", lambda j: searches(hashes_of(j)), jpegs),
    ]
    mb = np.mean([len(j) for j in jpegs]) / 1e6
    print(f"\n{photos} generated 12-megapixel JPEGs (mean {mb:.1f} MB); CPU ms per photo, best of 3\n")
    print("| step | CPU ms per photo |")
    print("|---|---:|")
    for name, fn, items in steps:
        print(f"| {name} | {_cpu_ms(fn, items):.2f} |")
    print()


def _thumbnail_only(content: bytes) -> list:
    from triage.match.perceptual.exif import exif_thumbnail

    return list(exif_thumbnail(content, 64 << 20))


def _draft_header(content: bytes) -> None:
    with Image.open(io.BytesIO(content)) as img:
        img.draft("RGB", (256, 256))


def pdqhash_compute(array: np.ndarray) -> object:
    import pdqhash

    return pdqhash.compute(array)


def pdqhash_dihedral(array: np.ndarray) -> object:
    import pdqhash

    return pdqhash.compute_dihedral(array)


def _plain_dhash(grey: Image.Image) -> bytes:
    from triage.library.perceptual.hashes import dhash_code

    return dhash_code(grey)


def _cpu_ms(fn: Callable[[object], object], items: list) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for item in items:
            fn(item)
        best = min(best, time.process_time() - started)
    return best * 1000 / len(items)


# --- cost per evidence picture ------------------------------------------------------------------


def cost(references: int, pictures: int) -> None:
    """ms per evidence picture, one thread: decode + hashes + search, before and after issue 18."""
    from triage.library.perceptual.crops import VARIANTS_PER_REFERENCE
    from triage.library.perceptual.hashes import _plain_hashes

    rng = np.random.default_rng(18)
    sets = {
        "pdq": HammingIndex(rng.integers(0, 256, (references, 32), dtype=np.uint8), 256),
        "phash": HammingIndex(rng.integers(0, 256, (references, 8), dtype=np.uint8), 64),
        "dhash": HammingIndex(rng.integers(0, 256, (references, 8), dtype=np.uint8), 64),
    }
    crops = HammingIndex(rng.integers(0, 256, (references * VARIANTS_PER_REFERENCE, 32), dtype=np.uint8), 256)
    evidence = [
        encode(ImageOps.expand(picture(s), 20, (255, 255, 255)) if s % 2 else picture(s), quality=85)
        for s in range(pictures)
    ]
    radius = {"pdq": 31, "phash": 10, "dhash": 10}

    def before(content: bytes) -> None:
        h = _plain_hashes(decode_for_hashing(content, 64_000_000), None)
        for method, index in sets.items():
            for code in h.pdq_dihedral if method == "pdq" else (h.code(method),):
                index.search(code, radius[method])

    def after(content: bytes) -> None:
        h = hashes_of(content)
        for method, index in sets.items():
            for code in _codes(h, method):
                index.search(code, radius[method])
        for code in _codes(h, "pdq-crops"):
            crops.search(code, 31)

    print(
        f"\n{pictures} generated evidence JPEGs (every other one with a 20-pixel white border);"
        f" {references:,} references per set, {references * VARIANTS_PER_REFERENCE:,} crop variants\n"
    )
    print("| pipeline | ms per picture (1 thread, best of 3) |")
    print("|---|---:|")
    for name, fn in (
        ("before: hashes as they are, 3 sets", before),
        ("after: + trimmed hashes, + crop set", after),
    ):
        best = min(_timed(fn, evidence) for _ in range(3))
        print(f"| {name} | {best * 1000 / pictures:.1f} |")
    print()


def _timed(fn: Callable[[bytes], None], evidence: list[bytes]) -> float:
    started = time.perf_counter()
    for content in evidence:
        fn(content)
    return time.perf_counter() - started


# --- index ---------------------------------------------------------------------------------------


def index_rate(references: int, queries: int) -> None:
    rng = np.random.default_rng(9)
    codes = rng.integers(0, 256, (references, 32), dtype=np.uint8)
    near = codes[rng.integers(0, references, queries // 2)].copy()
    for row in near:
        for bit in rng.choice(256, int(rng.integers(0, 32)), replace=False):
            row[bit // 8] ^= 1 << (bit % 8)
    qs = np.vstack([near, rng.integers(0, 256, (queries - len(near), 32), dtype=np.uint8)])
    print(
        f"\n{references:,} random PDQ reference hashes; {queries:,} queries (half within 0-31 bits of a"
        " reference, half random); radius 31\n"
    )
    print("| index | build s | queries/s | agrees with brute force |")
    print("|---|---:|---:|---|")
    truth = _brute_truth(codes, qs[:200])
    t0 = time.perf_counter()
    brute = [_brute(codes, q) for q in qs[:200]]
    brute_rate = 200 / (time.perf_counter() - t0)
    print(f"| baseline: numpy brute force (XOR + popcount), 1 thread | 0 | {brute_rate:,.0f} | yes |")
    t0 = time.perf_counter()
    index = HammingIndex(codes, 256)  # builds its tables at once for a set this large
    build = time.perf_counter() - t0
    queries = [q.tobytes() for q in qs]
    for threads in (1, 2):
        rate = 0.0
        for _ in range(3):  # best of three passes: the machine is shared
            t0 = time.perf_counter()
            with ThreadPoolExecutor(threads) as pool:
                found = list(pool.map(lambda q: index.search(q, 31), queries, chunksize=64))
            rate = max(rate, len(qs) / (time.perf_counter() - t0))
        ok = all({n.reference for n in f} == t for f, t in zip(found[:200], truth, strict=True))
        print(
            f"| triage HammingIndex (multi-index, 16 x 16-bit chunks), {threads} thread(s) | {build:.1f} | "
            f"{rate:,.0f} | {'yes' if ok else 'NO'} |"
        )
    _faiss_rows(codes, qs, truth)
    del brute
    print()


def _brute(codes: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.bitwise_count(codes.view(np.uint64) ^ q.view(np.uint64)).sum(axis=1) <= 31)


def _brute_truth(codes: np.ndarray, qs: np.ndarray) -> list[set[int]]:
    return [set(_brute(codes, q).tolist()) for q in qs]


def _faiss_rows(codes: np.ndarray, qs: np.ndarray, truth: list[set[int]]) -> None:
    try:
        import faiss
    except ImportError:
        print("| faiss-cpu | not installed | | |")
        return
    for name, make in (
        ("faiss IndexBinaryFlat (2 threads, batched)", lambda: faiss.IndexBinaryFlat(256)),
        ("faiss IndexBinaryMultiHash(16 x 16 bits, nflip 1) (batched)", lambda: _multihash(faiss)),
    ):
        index = make()
        t0 = time.perf_counter()
        index.add(codes)
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        lims, _, ids = index.range_search(qs, 32)  # faiss: distance < radius
        rate = len(qs) / (time.perf_counter() - t0)
        ok = all(set(ids[lims[i] : lims[i + 1]].tolist()) == truth[i] for i in range(len(truth)))
        print(f"| {name} | {build:.1f} | {rate:,.0f} | {'yes' if ok else 'NO'} |")


def _multihash(faiss):
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--part",
        choices=("robustness", "throughput", "profile", "preview", "index", "cost", "all"),
        default="all",
    )
    parser.add_argument(
        "--references", type=int, default=0, help="reference images (robustness) or hashes (index)"
    )
    parser.add_argument("--unrelated", type=int, default=10_000)
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--pdq", type=int, default=31)
    parser.add_argument("--phash", type=int, default=10)
    parser.add_argument("--dhash", type=int, default=10)
    parser.add_argument("--pdq-crops", type=int, default=31)
    parser.add_argument("--cache", type=Path, help="keep the robustness hashes here and reuse them")
    args = parser.parse_args()
    print(f"command: {' '.join(sys.argv)}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    if args.part in ("robustness", "all"):
        robustness(
            args.references or 300,
            args.unrelated,
            {"pdq": args.pdq, "phash": args.phash, "dhash": args.dhash, "pdq-crops": args.pdq_crops},
            args.cache,
        )
    if args.part in ("throughput", "all"):
        throughput(args.photos)
    if args.part == "preview":  # not in "all": it hashes every copy three times
        thresholds = {"pdq": args.pdq, "phash": args.phash, "dhash": args.dhash, "pdq-crops": args.pdq_crops}
        preview_recall(args.references or 100, args.unrelated, thresholds)
    if args.part in ("profile", "all"):
        profile(args.photos)
    if args.part in ("cost", "all"):
        for references in (310, 20_000):
            cost(references, 60)
    if args.part in ("index", "all"):
        index_rate(args.references if args.part == "index" and args.references else 1_000_000, 4_000)


if __name__ == "__main__":
    main()
