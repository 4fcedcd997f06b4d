"""When a scan stops early: a time budget (``--budget 15m``), the first SEIZE-grade finding
(``--stop-on-seize``), or the officer's Ctrl-C. Each gives a partial report that says why."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from triage.decide import selects
from triage.profile import Rule
from triage.records import Finding, Verdict

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


INTERRUPTED = "interrupted by the officer (Ctrl-C)"  # or SIGTERM, treated the same


def now() -> float:
    """The scan's clock (a test may replace it)."""
    return time.monotonic()


def describe_seconds(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


@dataclass
class SeizeWatch:
    """Running count and weight per SEIZE rule, so each new finding costs one look per rule
    (``decide`` over every finding after every file grew quadratically with the findings)."""

    rules: tuple[Rule, ...]
    counts: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rules = tuple(r for r in self.rules if r.verdict is Verdict.SEIZE)
        self.counts = [0] * len(self.rules)
        self.weights = [0.0] * len(self.rules)

    def add(self, findings: Sequence[Finding], commit: bool = True) -> bool:
        """True when the findings so far and these fire a SEIZE rule; ``commit`` keeps them."""
        counts, weights = list(self.counts), list(self.weights)
        for finding in findings:
            for i, rule in enumerate(self.rules):
                if selects(rule, finding):
                    counts[i] += 1
                    weights[i] += finding.weight
        if commit:
            self.counts, self.weights = counts, weights
        return any(
            c >= max(r.min_count, 1) and w >= r.min_weight
            for r, c, w in zip(self.rules, counts, weights, strict=True)
        )


@dataclass
class StopRules:
    """Checked between files and between a file's chunks; ``reason`` is set once the scan must stop."""

    budget_seconds: float = 0.0  # 0: no budget
    stop_on_seize: bool = False
    clock: Callable[[], float] | None = None  # time.monotonic unless a test gives its own
    reason: str = ""
    budget_used: bool = False

    rules: tuple[Rule, ...] = ()  # the profile's, for --stop-on-seize
    request: threading.Event | None = None  # set by a signal handler (Ctrl-C, SIGTERM): stop soon

    def __post_init__(self) -> None:
        self._started = self._now()
        self._seize = SeizeWatch(self.rules)

    def _now(self) -> float:
        return self.clock() if self.clock else now()

    def check_time(self) -> bool:
        """True once the scan must stop: asked to, or the budget used up."""
        self.requested()
        if self.budget_seconds and not self.reason and self._now() - self._started >= self.budget_seconds:
            self.reason = f"time budget of {describe_seconds(self.budget_seconds)} used up (--budget)"
            self.budget_used = True
        return bool(self.reason)

    def start_budget(self) -> None:
        """The budget counts from here: after a whole-source hash that runs first (one that runs
        alongside the scan, scan/source_hash.py, is inside the budget: it never delays the scan)."""
        self._started = self._now()

    def requested(self) -> bool:
        """Only whether the officer asked to stop (not the budget): for the whole-source hash."""
        if self.request is not None and self.request.is_set() and not self.reason:
            self.reason = INTERRUPTED
        return bool(self.reason)

    def officer_asked(self) -> bool:
        """Whether a Ctrl-C or SIGTERM came, whatever else stopped the scan (a budget, a SEIZE)."""
        return self.request is not None and self.request.is_set()

    def should_stop(self) -> bool:
        """Asked by workers between chunks: a stop, or the budget used up."""
        return bool(self.reason) or self.check_time()

    def check_findings(self, new: Sequence[Finding]) -> bool:
        """Stop at the first findings that make the verdict SEIZE (--stop-on-seize)."""
        if self.stop_on_seize and not self.reason and new and self._seize.add(new):
            self.reason = "stopped at the first SEIZE-grade finding (--stop-on-seize)"
        return bool(self.reason)

    def would_seize(self, new: Sequence[Finding]) -> bool:
        """Whether these findings, with those kept so far, make the verdict SEIZE (not kept)."""
        return self._seize.add(new, commit=False)

    def interrupted(self, why: str) -> None:
        self.reason = self.reason or why
