"""Perceptual matching benchmark (issue 9): robustness per algorithm and transform, throughput, index.

In the style of Thorn's perception library (thorn-oss/perception ``benchmarking``): reference
images are generated here (four families of synthetic pictures, nothing real) plus the ten
permissively licensed photos in ../shared/peerdata/perception/ when present; each is transformed
(resize 50%/25%, JPEG quality 90/70/40, crop 5%/10% evenly and 5% from one corner, grey, text
overlay, border, horizontal flip) and hashed with the scan's own decode and hashes. Recall at a
threshold is the share of transformed copies within that distance of their own reference; the
false-positive rate is the share of >= 10,000 unrelated generated images within that distance of
*any* reference.

    .venv/bin/python bench/perceptual_robustness.py            # all three parts
    .venv/bin/python bench/perceptual_robustness.py --part index --references 1000000

Prints Markdown tables (append them to bench/RESULTS.md with the command line).
"""

from __future__ import annotations

import argparse
import io
import os
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

from triage.library.perceptual.decode import decode_for_hashing  # noqa: E402
from triage.library.perceptual.hashes import ImageHashes, compute_hashes  # noqa: E402
from triage.library.perceptual.index import HammingIndex  # noqa: E402

PEER_PHOTOS = REPO.parent / "shared" / "peerdata" / "perception" / "perception" / "testing" / "images"
ALGORITHMS = ("pdq", "phash", "dhash")
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
}


def hashes_of(content: bytes) -> ImageHashes:
    return compute_hashes(decode_for_hashing(content, 64_000_000))


def _reference_images(count: int) -> list[Image.Image]:
    images = [picture(seed) for seed in range(count)]
    if PEER_PHOTOS.is_dir():
        images += [Image.open(p).convert("RGB") for p in sorted(PEER_PHOTOS.glob("image*.jpg"))]
    return images


def _one_reference(seed_or_index: int) -> list[tuple[str, ImageHashes]]:
    img = _REFS[seed_or_index]
    out = [("reference", hashes_of(encode(img, "PNG")))]
    out += [(name, hashes_of(t(img))) for name, t in TRANSFORMS.items()]
    return out


def _unrelated(seed: int) -> ImageHashes:
    return hashes_of(encode(picture(seed), quality=85))


_REFS: list[Image.Image] = []

# --- robustness ----------------------------------------------------------------------------------


def distance(a: bytes, b: bytes) -> int:
    return int(np.unpackbits(np.frombuffer(bytes(x ^ y for x, y in zip(a, b, strict=True)), np.uint8)).sum())


def robustness(references: int, unrelated: int, thresholds: dict[str, int]) -> None:
    global _REFS
    _REFS = _reference_images(references)
    started = time.perf_counter()
    with get_context("fork").Pool(os.cpu_count() or 2) as pool:
        per_ref = pool.map(_one_reference, range(len(_REFS)), chunksize=8)
        others = pool.map(_unrelated, range(10_000_000, 10_000_000 + unrelated), chunksize=64)
    print(
        f"\nhashed {len(_REFS)} references x {len(TRANSFORMS) + 1} and {unrelated} unrelated images "
        f"in {time.perf_counter() - started:.0f} s\n"
    )
    refs = [dict(r)["reference"] for r in per_ref]
    good = [h for h in refs if h.pdq_quality >= MIN_QUALITY]
    print(
        f"references with PDQ quality >= {MIN_QUALITY}: {len(good)} of {len(refs)}; "
        f"unrelated: {sum(h.pdq_quality >= MIN_QUALITY for h in others)} of {len(others)}\n"
    )
    nearest = {a: _nearest_unrelated(a, good, others) for a in ALGORITHMS}
    usable = [r for r, h in zip(per_ref, refs, strict=True) if h.pdq_quality >= MIN_QUALITY]
    print(
        f"Recall is over the {len(usable)} references a set can use (PDQ quality >= {MIN_QUALITY}); a copy"
        f" whose own quality falls below {MIN_QUALITY} counts as missed.\n"
    )
    _recall_table(usable, thresholds, nearest)
    _sweep(usable, nearest)


def _nearest_unrelated(algorithm: str, refs: list[ImageHashes], others: list[ImageHashes]) -> np.ndarray:
    """Per unrelated image (quality-gated), its distance to the nearest reference; 999 when gated out."""
    index = HammingIndex(
        np.frombuffer(b"".join(r.code(algorithm) for r in refs), np.uint8).reshape(len(refs), -1),
        BITS[algorithm],
    )
    out = np.full(len(others), 999)
    for i, h in enumerate(others):
        if h.pdq_quality >= MIN_QUALITY:
            found = [
                n.distance for code in _codes(h, algorithm) for n in index.search(code, BITS[algorithm] // 2)
            ]
            out[i] = min(found, default=999)
    return out


def _codes(h: ImageHashes, algorithm: str) -> tuple[bytes, ...]:
    """What the scan searches: PDQ in all eight orientations, pHash and dHash as they are."""
    return h.pdq_dihedral if algorithm == "pdq" else (h.code(algorithm),)


def _distances(per_ref: list, algorithm: str, transform: str) -> np.ndarray:
    rows = [dict(r) for r in per_ref]
    return np.array(
        [
            min(distance(r["reference"].code(algorithm), c) for c in _codes(r[transform], algorithm))
            if r[transform].pdq_quality >= MIN_QUALITY
            else 999
            for r in rows
        ]
    )


def _recall_table(per_ref: list, thresholds: dict[str, int], nearest: dict[str, np.ndarray]) -> None:
    print("Recall at the chosen threshold (share of transformed copies found), and false positives:\n")
    print(
        "| transform | " + " | ".join(f"{a} ≤ {thresholds[a]}" for a in ALGORITHMS) + " | any of the three |"
    )
    print("|---|" + "---:|" * (len(ALGORITHMS) + 1))
    for transform in TRANSFORMS:
        hit = {a: _distances(per_ref, a, transform) <= thresholds[a] for a in ALGORITHMS}
        anyhit = np.logical_or.reduce(list(hit.values()))
        cells = [f"{hit[a].mean():.1%}" for a in ALGORITHMS] + [f"{anyhit.mean():.1%}"]
        print(f"| {transform} | " + " | ".join(cells) + " |")
    fp = {a: nearest[a] <= thresholds[a] for a in ALGORITHMS}
    anyfp = np.logical_or.reduce(list(fp.values()))
    n = len(next(iter(nearest.values())))
    cells = [f"{fp[a].mean():.3%} ({fp[a].sum()})" for a in ALGORITHMS] + [
        f"{anyfp.mean():.3%} ({anyfp.sum()})"
    ]
    print(f"| **false positives** ({n:,} unrelated) | " + " | ".join(cells) + " |\n")


def _sweep(per_ref: list, nearest: dict[str, np.ndarray]) -> None:
    groups = {
        "resize+JPEG": ["resize 50%", "resize 25%", "JPEG q90", "JPEG q70", "JPEG q40"],
        "crop ≤10%": ["crop 5%", "crop 10%"],
    }
    print("Threshold sweep (recall per group; FP = share of unrelated images within the threshold):\n")
    print("| algorithm | threshold | recall resize+JPEG | recall crop ≤10% | FP rate | FP count |")
    print("|---|---:|---:|---:|---:|---:|")
    sweeps = {"pdq": range(16, 80, 8), "phash": range(4, 22, 2), "dhash": range(4, 22, 2)}
    for algorithm, values in sweeps.items():
        dist = {
            g: np.concatenate([_distances(per_ref, algorithm, t) for t in ts]) for g, ts in groups.items()
        }
        for t in values:
            fp = nearest[algorithm] <= t
            resize, crop = (dist["resize+JPEG"] <= t).mean(), (dist["crop ≤10%"] <= t).mean()
            print(f"| {algorithm} | {t} | {resize:.1%} | {crop:.1%} | {fp.mean():.3%} | {fp.sum()} |")
    print()


# --- throughput ----------------------------------------------------------------------------------


def camera_jpeg(seed: int) -> bytes:
    """A 12-megapixel 'camera' JPEG of 1-3 MB: a generated picture with sensor-like noise."""
    rng = np.random.default_rng(seed)
    base = picture(seed).resize((4000, 3000), Image.BICUBIC)
    noise = rng.normal(0, 6, (3000, 4000, 3))
    arr = np.clip(np.asarray(base, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    return encode(Image.fromarray(arr), quality=int(rng.integers(80, 93)))


def _full_decode_baseline(content: bytes) -> None:
    import imagehash
    import pdqhash

    with Image.open(io.BytesIO(content)) as img:
        rgb = img.convert("RGB")
    imagehash.phash(rgb)
    imagehash.dhash(rgb)
    pdqhash.compute(np.asarray(rgb))


def _rate(fn: Callable[[bytes], object], photos: list[bytes], processes: int, repeat: int) -> float:
    work = photos * repeat
    started = time.perf_counter()
    if processes == 1:
        for p in work:
            fn(p)
    else:
        with get_context("fork").Pool(processes) as pool:
            pool.map(fn, work, chunksize=2)
    return len(work) / (time.perf_counter() - started)


def throughput(photos: int) -> None:
    jpegs = [camera_jpeg(s) for s in range(photos)]
    sizes = [len(j) / 1e6 for j in jpegs]
    print(
        f"\n{photos} generated 12-megapixel JPEGs, {min(sizes):.1f}-{max(sizes):.1f} MB "
        f"(mean {np.mean(sizes):.1f} MB)\n"
    )
    print("| pipeline | 1 process photos/s | 2 processes photos/s |")
    print("|---|---:|---:|")
    base1 = _rate(_full_decode_baseline, jpegs[:8], 1, 1)
    base2 = _rate(_full_decode_baseline, jpegs[:16], 2, 1)
    print(f"| baseline: full decode, pHash + dHash + PDQ on the full image | {base1:.1f} | {base2:.1f} |")
    ours1 = _rate(hashes_of, jpegs, 1, 2)
    ours2 = _rate(hashes_of, jpegs, 2, 3)
    print(f"| triage: draft decode, one shared decode, all three hashes | {ours1:.1f} | {ours2:.1f} |")
    print(f"\nratio (2 processes): {ours2 / base2:.1f}x the baseline\n")
    draft = _rate(_draft_decode_only, jpegs, 1, 2)
    mb = np.mean(sizes)
    print(
        f"JPEG draft decode alone (libjpeg-turbo, no hashing), 1 process: {draft:.1f} photos/s"
        f" = {draft * mb:.0f} MB/s of JPEG; the hashes take the rest\n"
    )


def _draft_decode_only(content: bytes) -> None:
    with Image.open(io.BytesIO(content)) as img:
        img.draft("RGB", (256, 256))
        img.load()


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
    parser.add_argument("--part", choices=("robustness", "throughput", "index", "all"), default="all")
    parser.add_argument(
        "--references", type=int, default=0, help="reference images (robustness) or hashes (index)"
    )
    parser.add_argument("--unrelated", type=int, default=10_000)
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--pdq", type=int, default=31)
    parser.add_argument("--phash", type=int, default=10)
    parser.add_argument("--dhash", type=int, default=10)
    args = parser.parse_args()
    print(f"command: {' '.join(sys.argv)}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    if args.part in ("robustness", "all"):
        robustness(
            args.references or 300,
            args.unrelated,
            {"pdq": args.pdq, "phash": args.phash, "dhash": args.dhash},
        )
    if args.part in ("throughput", "all"):
        throughput(args.photos)
    if args.part in ("index", "all"):
        index_rate(args.references if args.part == "index" and args.references else 1_000_000, 4_000)


if __name__ == "__main__":
    main()
