"""Issue 15: would a smaller picture make the perceptual hashes cheaper without moving them?

    python bench/hash_side.py TREE [PICTURES]

The scan hands the hashes a picture of at most HASH_SIDE (512) pixels a side (decode.py). PDQ's
cost grows faster than its pixels above ~300 a side on this machine (its column pass strides a
whole row of floats; at 512 columns that is 2 KiB, which the caches handle worst), so a smaller
side would be cheaper. The price is distance from the hash other tools compute on the full
picture (reference lists come from them). For PICTURES pictures (default 120) from TREE's Users
folder (the bench image's photos and screenshots), the peer data's real photos, 12 generated
12-megapixel camera JPEGs and 40 generated 1024x768 pictures, this prints, for each side, the CPU
ms of decode plus the three hashes, and the mean / 95th percentile / largest distance of each hash
from the same hash of the full-resolution picture.
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from pathlib import Path

import imagehash
import numpy as np
import pdqhash
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from perceptual_robustness import PEER_PHOTOS, camera_jpeg, encode, picture  # noqa: E402

import triage.library.perceptual.decode as decode  # noqa: E402
from triage.library.perceptual.hashes import compute_hashes  # noqa: E402

SIDES = (512, 500, 448, 384, 320, 256)


def pictures(tree: Path, count: int) -> list[bytes]:
    paths = [
        Path(root) / name
        for root, _, names in os.walk(tree / "Users")
        for name in names
        if name.endswith((".jpg", ".png"))
    ]
    random.Random(2).shuffle(paths)
    found = [p.read_bytes() for p in paths[:count]]
    found += [p.read_bytes() for p in sorted(PEER_PHOTOS.glob("*.jpg"))]
    found += [camera_jpeg(seed) for seed in range(12)]
    found += [encode(picture(seed).resize((1024, 768))) for seed in range(40)]
    return found


def _bits(vector: object) -> np.ndarray:
    return np.packbits(np.asarray(vector, dtype=bool).ravel())


def _distance(a: bytes | np.ndarray, b: np.ndarray) -> int:
    return int(np.unpackbits(np.bitwise_xor(np.frombuffer(a, np.uint8), b)).sum())


def full_resolution(content: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    image = Image.open(io.BytesIO(content)).convert("RGB")
    grey = image.convert("L")
    pdq = _bits(pdqhash.compute(np.asarray(image))[0])
    return pdq, _bits(imagehash.phash(grey).hash), _bits(imagehash.dhash(grey).hash)


def main() -> None:
    tree = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 120
    contents = pictures(tree, count)
    truth = [full_resolution(c) for c in contents]
    print(f"{len(contents)} pictures\n")
    print("| side | CPU ms per picture | PDQ mean / p95 / max | pHash mean / max | dHash mean / max |")
    print("|---:|---:|---|---|---|")
    for side in SIDES:
        decode.HASH_SIDE = side
        distances: list[list[int]] = [[], [], []]
        started = time.process_time()
        for content, (pdq, phash, dhash) in zip(contents, truth, strict=True):
            hashes = compute_hashes(decode.decode_for_hashing(content, 10**9))
            distances[0].append(_distance(hashes.pdq, pdq))
            distances[1].append(_distance(hashes.phash, phash))
            distances[2].append(_distance(hashes.dhash, dhash))
        cpu_ms = (time.process_time() - started) / len(contents) * 1e3
        p, ph, dh = (np.array(d) for d in distances)
        print(
            f"| {side} | {cpu_ms:.2f} | {p.mean():.1f} / {np.percentile(p, 95):.0f} / {p.max()} "
            f"| {ph.mean():.2f} / {ph.max()} | {dh.mean():.2f} / {dh.max()} |"
        )


if __name__ == "__main__":
    main()
