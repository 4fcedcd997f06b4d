"""When a scan stops early: a time budget (``--budget 15m``), the first SEIZE-grade finding
(``--stop-on-seize``), or the officer's Ctrl-C. Each gives a partial report that says why."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from triage.decide import decide
from triage.profile import Rule
from triage.records import Coverage, Finding, Verdict

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(h|m|s)", re.I)
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(text: str) -> float:
    """Seconds in '15m', '90s', '1h30m', '1.5h' or a bare number of minutes ('15')."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text) * 60
    parts = _PART.findall(text)
    if not parts or _PART.sub("", text).strip():
        raise ValueError(f"{text!r} is not a duration such as 15m, 90s or 1h30m")
    return sum(float(n) * _UNIT[unit] for n, unit in parts)


def now() -> float:
    """The scan's clock (a test may replace it)."""
    return time.monotonic()


def describe_seconds(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


@dataclass
class StopRules:
    """Checked between files; ``reason`` is set once the scan must stop."""

    budget_seconds: float = 0.0  # 0: no budget
    stop_on_seize: bool = False
    clock: Callable[[], float] | None = None  # time.monotonic unless a test gives its own
    reason: str = ""
    budget_used: bool = False

    def __post_init__(self) -> None:
        self._started = self._now()

    def _now(self) -> float:
        return self.clock() if self.clock else now()

    def check_time(self) -> bool:
        if self.budget_seconds and not self.reason and self._now() - self._started >= self.budget_seconds:
            self.reason = f"time budget of {describe_seconds(self.budget_seconds)} used up (--budget)"
            self.budget_used = True
        return bool(self.reason)

    def check_findings(self, findings: Sequence[Finding], rules: Sequence[Rule]) -> bool:
        """Stop at the first finding that alone makes the verdict SEIZE (--stop-on-seize)."""
        if self.stop_on_seize and not self.reason and findings:
            whole = Coverage(volumes=(), files_seen=0, files_examined=0, bytes_read=0)
            if decide(findings, whole, rules).verdict is Verdict.SEIZE:
                self.reason = "stopped at the first SEIZE-grade finding (--stop-on-seize)"
        return bool(self.reason)

    def interrupted(self, why: str) -> None:
        self.reason = self.reason or why
