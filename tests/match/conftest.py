"""The keyword engine fixture: the keyword tests run once with each engine (issue 15).

A module that sets ``pytestmark = pytest.mark.usefixtures("keyword_engine")`` runs all its tests
under pyahocorasick, then again under Hyperscan, by setting TRIAGE_KEYWORD_ENGINE for the module
(module scope, so hypothesis tests are not warned about a function-scoped fixture). Hyperscan is
skipped, with the reason, on a CPU that cannot run it; under CI=true its absence fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from triage.match.keyword_engine import (
    ENGINE_VARIABLE,
    ENGINES,
    HYPERSCAN,
    hyperscan_usable,
    missing_cpu_flags,
)


def require_hyperscan() -> None:
    """Skip (fail under CI=true) where Hyperscan cannot run."""
    if hyperscan_usable():
        return
    missing = missing_cpu_flags()
    cause = f"the CPU lacks {', '.join(missing)}" if missing else "no package, or its trial run failed"
    reason = f"Hyperscan cannot run here: {cause}"
    if os.environ.get("CI", "").lower() == "true" and not missing:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module", params=ENGINES)
def keyword_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == HYPERSCAN:
        require_hyperscan()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENGINE_VARIABLE, request.param)
        yield request.param
