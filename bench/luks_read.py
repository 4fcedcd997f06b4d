"""Reading through a LUKS volume (triage/sources/luks.py) against reading the same bytes raw (issue 14).

    .venv/bin/python bench/luks_read.py [--mib 64]

Makes a LUKS2 image with cryptsetup (aes-xts-plain64; 512- and 4096-byte sectors) in a temporary
folder, unlocks it, and times sequential 1 MiB reads of the decrypted segment; the baseline is the
same reads of the raw file, and those reads plus SHA-256 (what every examined byte costs anyway),
page cache warm for all. Best of 3.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import tempfile
import time
from pathlib import Path

from triage.sources.keys import Key
from triage.sources.luks import unlock_luks
from triage.sources.media import RawMedia

MIB = 1 << 20
FORMAT = ("cryptsetup", "luksFormat", "--type", "luks2", "--batch-mode", "--pbkdf", "pbkdf2")
FORMAT = (*FORMAT, "--pbkdf-force-iterations", "1000")


def make_image(folder: Path, mib: int, sector: int) -> Path:
    image = folder / f"luks-{sector}.img"
    with image.open("wb") as handle:
        handle.truncate((mib + 16) * MIB)
    key = folder / "key"
    key.write_text("bench")
    subprocess.run(
        [*FORMAT, "--sector-size", str(sector), "--key-file", str(key), str(image)],
        check=True,
        capture_output=True,
    )
    return image


def best_rate(read, size: int) -> float:
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for offset in range(0, size, MIB):
            read(offset, MIB)
        best = max(best, size / MIB / (time.perf_counter() - started))
    return best


def hashed(media: RawMedia):
    return lambda offset, length: hashlib.sha256(media.read(offset, length)).digest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=64)
    args = parser.parse_args()
    print("| sectors | raw read | raw read + SHA-256 (baseline) | decrypted read | ratio to baseline |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for sector in (512, 4096):
            raw = RawMedia([make_image(Path(folder), args.mib, sector)])
            unlocked = unlock_luks(raw, [Key("password", "bench", 1)]).media
            assert unlocked is not None
            size = min(unlocked.size, args.mib * MIB)
            plain = best_rate(raw.read, size)
            base = best_rate(hashed(raw), size)
            rate = best_rate(unlocked.read, size)
            cells = f"{plain:,.0f} MiB/s | {base:,.0f} MiB/s | {rate:,.1f} MiB/s | {rate / base:.2f}x"
            print(f"| {sector} B | {cells} |")
            raw.close()


if __name__ == "__main__":
    main()
