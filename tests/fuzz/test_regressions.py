"""Every mutant the fuzzer ever caught breaking a promise, replayed from its recipe (tests/fuzz/regressions/).

A recipe names its base image (built by script or unpacked, see harness.collect_bases), the
seed and index it came from, and the exact byte operations; the mutant is rebuilt and scanned
with the same oracle as the fuzzer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.harness import collect_bases, run_recipe
from tests.fuzz.mutate import Recipe

REGRESSIONS = sorted((Path(__file__).parent / "regressions").glob("*.json"))


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    needs_demo = any(Recipe.from_json(p.read_text()).base == "demo-disk.img" for p in REGRESSIONS)
    return collect_bases(tmp_path_factory.mktemp("bases"), demo=needs_demo)


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.stem for p in REGRESSIONS])
def test_regression_keeps_every_promise(path, bases, tmp_path):
    recipe = Recipe.from_json(path.read_text())
    if recipe.base not in bases:
        pytest.skip(f"base image {recipe.base} not available here")
    outcome, broken = run_recipe(recipe, bases[recipe.base], tmp_path, timeout=60)
    assert broken == [], outcome.stderr[-2000:]
