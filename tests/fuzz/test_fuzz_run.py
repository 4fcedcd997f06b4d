"""A bounded mutation run (slow): every mutant keeps the verdict's promises (tests/fuzz/harness.py)."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import collect_bases, run

pytestmark = pytest.mark.slow


def test_two_hundred_mutants_keep_every_promise(tmp_path):
    bases = collect_bases(tmp_path / "bases", demo=False)
    summary = run(bases, seed=1919, count=200, timeout=60, work=tmp_path, keep=None)
    assert summary["failures"] == []
    assert sum(v for k, v in summary["tallies"].items() if k.startswith("code ")) == 200
