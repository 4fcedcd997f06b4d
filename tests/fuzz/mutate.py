"""Mutation recipes for disk images: byte flips, zeroed sectors, truncations, broken partition tables.

A recipe is small and exact (base name, seed, index, and the list of operations with their
offsets), so a mutant that breaks a promise is kept as a few hundred bytes of JSON in
``tests/fuzz/regressions/`` and rebuilt from its base image, never stored whole. The same
(seed, index, base) always gives the same recipe.

Where the bytes are changed: most operations land in the places a walker reads first and
trusts most (the first MiB of the image, the first 64 KiB of every partition: boot sectors,
superblocks, FATs, MFT and inode tables, directory blocks), some anywhere; the partition
operations rewrite MBR entries (offset 446, 16 bytes each) and GPT headers/entries (LBA 1, 2)
with the values that break parsers: starts or lengths past the end of the media, up to 2^64.
"""

from __future__ import annotations

import json
import random
import struct
from dataclasses import asdict, dataclass, field
from pathlib import Path

SECTOR = 512
HOT_SPAN = 64 * 1024
KINDS = ("flip", "flip", "flip", "zero", "zero", "truncate", "partition")
WILD_VALUES = (0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 1 << 63, 1 << 40)


@dataclass(frozen=True)
class Recipe:
    base: str
    seed: int
    index: int
    ops: tuple[tuple[str, int, str], ...] = field(default_factory=tuple)  # (what, offset, hex data or size)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Recipe:
        raw = json.loads(text)
        return cls(raw["base"], raw["seed"], raw["index"], tuple(tuple(op) for op in raw["ops"]))  # type: ignore[misc]


def make_recipe(base: str, size: int, hot: list[int], seed: int, index: int) -> Recipe:
    """One mutant of ``base`` (``size`` bytes, partitions starting at ``hot``)."""
    rng = random.Random(f"{seed}:{index}:{base}")
    ops: list[tuple[str, int, str]] = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        kind = rng.choice(KINDS)
        if kind == "flip":
            ops.extend(_flips(rng, size, hot))
        elif kind == "zero":
            start = _hot_offset(rng, size, hot) // SECTOR * SECTOR
            ops.append(("zero", start, str(SECTOR * rng.choice((1, 1, 2, 8)))))
        elif kind == "truncate":
            ops.append(("truncate", rng.randrange(SECTOR, max(size, SECTOR + 1)), ""))
        else:
            ops.append(_partition_op(rng))
    return Recipe(base, seed, index, tuple(ops))


def _hot_offset(rng: random.Random, size: int, hot: list[int]) -> int:
    roll = rng.random()
    if roll < 0.4:
        return rng.randrange(min(size, 1 << 20))
    if roll < 0.85 and hot:
        return min(size - 1, rng.choice(hot) + rng.randrange(HOT_SPAN))
    return rng.randrange(size)


def _flips(rng: random.Random, size: int, hot: list[int]) -> list[tuple[str, int, str]]:
    start = _hot_offset(rng, size, hot)
    return [
        ("xor", min(size - 1, start + rng.randrange(64)), f"{1 << rng.randrange(8):02x}")
        for _ in range(rng.choice((1, 1, 2, 4, 16)))
    ]


def _partition_op(rng: random.Random) -> tuple[str, int, str]:
    """Rewrite one MBR entry field or one GPT header/entry field with a hostile value."""
    if rng.random() < 0.5:
        entry = 446 + 16 * rng.randrange(4)
        field_at, width = rng.choice(((4, 1), (8, 4), (12, 4)))  # type, start LBA, sector count
        value = rng.choice(WILD_VALUES) & ((1 << (8 * width)) - 1)
        return ("write", entry + field_at, value.to_bytes(width, "little").hex())
    header_fields = ((512 + 72, 8), (512 + 80, 4), (512 + 84, 4), (512 + 32, 8), (512 + 40, 8))
    entry_fields = ((1024 + 128 * rng.randrange(4) + 32, 8), (1024 + 128 * rng.randrange(4) + 40, 8))
    at, width = rng.choice(header_fields + entry_fields)
    value = rng.choice(WILD_VALUES) & ((1 << (8 * width)) - 1)
    return ("write", at, value.to_bytes(width, "little").hex())


def apply_recipe(recipe: Recipe, base: Path, target: Path) -> None:
    """Write the mutant of ``base`` to ``target``."""
    data = bytearray(base.read_bytes())
    for what, offset, value in recipe.ops:
        if what == "xor" and offset < len(data):
            data[offset] ^= int(value, 16)
        elif what == "zero":
            end = min(len(data), offset + int(value))
            data[offset:end] = bytes(max(0, end - offset))
        elif what == "truncate":
            del data[offset:]
        elif what == "write" and offset < len(data):
            raw = bytes.fromhex(value)[: len(data) - offset]
            data[offset : offset + len(raw)] = raw
    target.write_bytes(bytes(data))


def partition_starts(image: Path) -> list[int]:
    """Byte offsets of the partitions in an MBR (and protective-MBR GPT) image, for hot spots."""
    head = image.read_bytes()[: 34 * SECTOR]
    starts = [0]
    if len(head) >= SECTOR and head[510:512] == b"\x55\xaa":
        for slot in range(4):
            start = struct.unpack_from("<I", head, 446 + 16 * slot + 8)[0]
            if start:
                starts.append(start * SECTOR)
    if head[SECTOR : SECTOR + 8] == b"EFI PART" and len(head) >= 34 * SECTOR:
        for slot in range(16):
            first = struct.unpack_from("<Q", head, 2 * SECTOR + 128 * slot + 32)[0]
            if first:
                starts.append(first * SECTOR)
    return sorted(set(starts))
