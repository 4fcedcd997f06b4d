"""``extends``: a profile builds on another and states only what differs (merge.py)."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from triage.profile import ProfileError, ProfileFile, Rule, data_root, load_profile
from triage.records import Verdict
from triage.scan import ScanOptions, run_scan

PARENT = """name = "base"
description = "the base"
[scan]
agent_time_tolerance_seconds = 120
max_keyword_hits_per_file = 7
[perceptual]
pdq_max_distance = 20
phash_max_distance = 8
[[hashsets]]
name = "h"
path = "h.txt"
[[rules]]
id = "A"
verdict = "SEIZE"
kind = "hash-match"
[[rules]]
id = "B"
verdict = "REVIEW"
kind = "keyword"
[[rules]]
id = "D"
verdict = "REVIEW"
kind = "indicator"
"""

CHILD = """extends = "../base/base.toml"
name = "unit"
[scan]
max_keyword_hits_per_file = 5
[perceptual]
phash_max_distance = 6
[[rules]]
id = "B"
verdict = "REVIEW"
kind = "keyword"
min_count = 3
[[rules]]
id = "C"
verdict = "SEIZE"
kind = "coverage-gap"
text = "new"
[remove]
rules = ["A"]
"""


@pytest.fixture
def chain(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "base").mkdir()
    (tmp_path / "unit").mkdir()
    (tmp_path / "base" / "h.txt").write_text("0123456789abcdef0123456789abcdef\n")
    parent = tmp_path / "base" / "base.toml"
    parent.write_text(PARENT)
    child = tmp_path / "unit" / "unit.toml"
    child.write_text(CHILD)
    return parent, child


def test_a_profile_overrides_only_what_it_states(chain: tuple[Path, Path]) -> None:
    parent, child = chain
    profile = load_profile(str(child))
    assert (profile.name, profile.description) == ("unit", "")  # never inherited
    assert [r.id for r in profile.rules] == ["B", "D", "C"]  # A removed, B replaced in place, C added
    assert profile.rules[0] == Rule("B", Verdict.REVIEW, "keyword", "B", min_count=3)
    assert profile.rules[2].text == "new"
    assert profile.scan.max_keyword_hits_per_file == 5
    assert profile.scan.agent_time_tolerance_seconds == 120.0  # inherited key by key
    assert profile.perceptual.max_distance == {"pdq": 20, "phash": 6, "dhash": 10}
    assert profile.hashsets[0].path == parent.parent / "h.txt"  # the parent's own folder


def test_the_profile_sha256_covers_every_file_of_the_chain(chain: tuple[Path, Path]) -> None:
    parent, child = chain
    profile = load_profile(str(child))
    own, base = (hashlib.sha256(p.read_bytes()).hexdigest() for p in (child, parent))
    assert profile.extends == (ProfileFile(parent, base),)
    lines = f"{own}  unit.toml\n{base}  base.toml\n"
    assert profile.sha256 == hashlib.sha256(lines.encode()).hexdigest()
    parent.write_text(PARENT.replace("120", "121"))
    assert load_profile(str(child)).sha256 != profile.sha256  # a changed parent changes the policy


def test_an_error_in_the_parent_names_the_parent(chain: tuple[Path, Path]) -> None:
    parent, child = chain
    parent.write_text(PARENT + "[other]\nx = 1\n")
    with pytest.raises(ProfileError, match=f"^profile {parent}: unknown key 'other'"):
        load_profile(str(child))


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ('rules = ["A"]', 'rules = ["Z"]', "[remove] rules: 'Z' is not in the profile it extends"),
        ('extends = "../base/base.toml"', 'extends = "../base/none.toml"', "no such file"),
        ('extends = "../base/base.toml"', 'extends = "unit.toml"', "extends 'unit.toml' makes a loop"),
        ('extends = "../base/base.toml"', "extends = 3", "extends must be a profile name or path"),
    ],
)
def test_extends_errors(chain: tuple[Path, Path], replace: str, by: str, message: str) -> None:
    _, child = chain
    child.write_text(CHILD.replace(replace, by))
    with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_profile(str(child))


def test_demo_states_only_what_differs_and_has_the_default_policy() -> None:
    text = (data_root() / "profiles" / "demo.toml").read_text()
    settings = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert settings[0] == 'extends = "default"' and len(settings) == 3
    demo, default = load_profile("demo"), load_profile("default")
    same = ("name", "path", "sha256", "description", "extends")
    assert dataclasses.replace(demo, **{f: getattr(default, f) for f in same}) == default
    assert demo.extends == (ProfileFile(default.path, default.sha256),)


def test_a_copy_of_default_elsewhere_keeps_the_bundled_indicator_library(tmp_path: Path) -> None:
    """Issue 13: a copy resolved indicators.toml beside itself and silently lost every indicator."""
    (tmp_path / "hashsets").symlink_to(data_root() / "hashsets")  # its ../hashsets paths as shipped
    copy = tmp_path / "unit-profiles" / "default.toml"
    copy.parent.mkdir()
    copy.write_text((data_root() / "profiles" / "default.toml").read_text())
    folder = tmp_path / "device"
    folder.mkdir()
    (folder / "tor.exe").write_bytes(b"MZ")
    result = run_scan(ScanOptions((str(folder),), str(copy), hash_sources=False))
    (used,) = [lib for lib in result.libraries if lib.kind == "indicator library"]
    assert used.path == str(data_root() / "profiles" / "indicators.toml")
    assert [(f.kind, f.label) for f in result.findings] == [("indicator", "anonymising-tools")]
