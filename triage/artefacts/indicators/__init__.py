"""Order conditions as checks: traces of tools and files that bear on an SHPO's conditions.

The indicator library is a library like the hash sets (``triage/library/indicators.py``): loaded
and recorded with its SHA-256 when the scan starts, handed to the checks here (checks.py) as
``ctx.indicators``. Each indicator names the condition it bears on; findings are kind
"indicator" with that condition as label, so the profile's rules decide its weight in the verdict.
"""

from __future__ import annotations

from triage.library.indicators import Indicator, IndicatorLibrary, load_indicators
from triage.library.loading import open_bundles
from triage.profile import Profile

__all__ = ["Indicator", "IndicatorLibrary", "indicators_of"]

_LOADED: dict[tuple[str, str], IndicatorLibrary] = {}


def indicators_of(profile: Profile) -> IndicatorLibrary:
    """The profile's indicator library, for a stage handed none (a test or a tool run outside
    ``run_scan``): loaded as the scan loads it, once per profile file version."""
    key = (str(profile.path), profile.sha256)
    if key not in _LOADED:
        _LOADED[key] = load_indicators(profile, [], open_bundles(profile, allow_unsigned=False))
    return _LOADED[key]
