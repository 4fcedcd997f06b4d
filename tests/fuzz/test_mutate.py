"""Mutation recipes are exact and repeatable: a kept recipe rebuilds the same mutant."""

from __future__ import annotations

import struct

from tests.fuzz.mutate import Recipe, apply_recipe, make_recipe, partition_starts


def test_same_seed_same_recipe_and_different_index_differs():
    first = make_recipe("disk.img", 1 << 20, [0, 65536], seed=19, index=7)
    assert first == make_recipe("disk.img", 1 << 20, [0, 65536], seed=19, index=7)
    assert Recipe.from_json(first.to_json()) == first
    others = {make_recipe("disk.img", 1 << 20, [0, 65536], seed=19, index=i) for i in range(20)}
    assert len(others) == 20


def test_apply_each_operation_exactly(tmp_path):
    base = tmp_path / "base"
    base.write_bytes(bytes(range(256)) * 8)
    recipe = Recipe(
        "base",
        0,
        0,
        (("xor", 3, "80"), ("zero", 512, "512"), ("write", 1000, "aabb"), ("truncate", 1536, "")),
    )
    apply_recipe(recipe, base, tmp_path / "mutant")
    mutant = (tmp_path / "mutant").read_bytes()
    expected = bytearray(bytes(range(256)) * 8)
    expected[3] ^= 0x80
    expected[512:1024] = bytes(512)
    expected[1000:1002] = b"\xaa\xbb"
    assert mutant == bytes(expected[:1536])


def test_partition_starts_from_an_mbr(tmp_path):
    disk = bytearray(34 * 512)
    struct.pack_into("<I", disk, 446 + 8, 2048)
    struct.pack_into("<I", disk, 446 + 16 + 8, 10240)
    disk[510:512] = b"\x55\xaa"
    (tmp_path / "mbr").write_bytes(bytes(disk))
    assert partition_starts(tmp_path / "mbr") == [0, 2048 * 512, 10240 * 512]
