"""Progress reporting: a quiet default and a rich progress bar for the officer.

The scanning stage shows the cost model's estimate (``triage/scan/estimate.py``, issue 15) in
place of rich's bytes-rate ETA, which pictures first in the priority order would mislead: a
line when the scan knows its files ("estimated 40-55 min on 4 cores"), then the time left,
re-calibrated from the scan's own rate as files finish.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from rich import filesize
from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

if TYPE_CHECKING:
    from triage.scan.estimate_live import Estimate, RunningEstimate

UNALLOCATED_AREA = "unallocated"  # the area the pipeline names for the pass after the files
ESTIMATE_EVERY = 50  # files between re-calibrations of the estimate (and status line updates)


class ScanProgress(Protocol):
    def stage(self, text: str, total_bytes: int, total_files: int = 0) -> None: ...
    def plan(self, estimate: RunningEstimate) -> None: ...
    def advance(self, nbytes: int) -> None: ...
    def file_done(self) -> None: ...
    def hit(self, kind: str) -> None: ...
    def area(self, text: str) -> None: ...
    def alongside(self, describe: Callable[[], str]) -> None: ...
    def close(self) -> None: ...


class QuietProgress:
    def stage(self, text: str, total_bytes: int, total_files: int = 0) -> None:
        pass

    def plan(self, estimate: RunningEstimate) -> None:
        pass

    def area(self, text: str) -> None:
        pass

    def alongside(self, describe: Callable[[], str]) -> None:
        pass

    def advance(self, nbytes: int) -> None:
        pass

    def file_done(self) -> None:
        pass

    def hit(self, kind: str) -> None:
        pass

    def close(self) -> None:
        pass


class _BarWithStatus(Progress):
    """The bars, then one line of status (files, rate, area, hits) under them, so a narrow
    terminal never squeezes the bar to nothing."""

    status = ""

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(self.tasks)
        if self.status:
            yield Text(self.status, overflow="ellipsis", no_wrap=True)


class EstimateColumn(ProgressColumn):
    """The model's time left where the stage has one (the scan), else rich's bytes-rate ETA."""

    def __init__(self) -> None:
        super().__init__()
        self._eta = TimeRemainingColumn()

    def render(self, task: Task) -> Text:
        left = task.fields.get("estimate")
        if left and not task.finished:
            return Text(str(left), style="progress.remaining")
        return self._eta.render(task)


class BarProgress:
    """Bytes done and rate for the current stage, with the time left (the cost model's estimate
    while scanning); files done of all, files per second, the area being scanned (user pictures,
    OS folders, ...) and hits so far by kind."""

    def __init__(self, console: Console | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock  # a test may give its own
        self._hits: Counter[str] = Counter()
        self._files = 0
        self._total_files = 0
        self._area = ""
        self._alongside: Callable[[], str] = lambda: ""  # work running beside the scan, if any
        self._started = clock()
        self._estimate: RunningEstimate | None = None
        self._left = ""
        self._bar = _BarWithStatus(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            EstimateColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._bar.start()
        self._task: TaskID | None = None

    def stage(self, text: str, total_bytes: int, total_files: int = 0) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=self._bar.tasks[self._task].total)
        self._files, self._total_files, self._started = 0, total_files, self._clock()
        self._estimate, self._left = None, ""
        self._task = self._bar.add_task(text, total=max(total_bytes, 1))
        self._bar.status = self._status()

    def plan(self, estimate: RunningEstimate) -> None:
        """The scan's files are known: say how long the model expects, then keep it up to date."""
        self._estimate = estimate
        start = estimate.at_start()
        size = filesize.decimal(int(self._bar.tasks[self._task].total or 0)) if self._task is not None else ""
        files = f"{self._total_files:,} files, {size}: " if self._total_files else ""
        self._bar.console.print(f"{files}{start.text()}{_sweep_note(estimate)}{_hash_note(estimate)}")
        self._show_estimate(start)

    def advance(self, nbytes: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, nbytes)

    def file_done(self) -> None:
        self._files += 1
        if self._task is not None and (self._files % ESTIMATE_EVERY == 0 or self._files == 1):
            if self._estimate is not None:
                self._show_estimate(self._estimate.update(self._files, self._clock()))
            self._bar.status = self._status()

    def _show_estimate(self, estimate: Estimate) -> None:
        self._left = estimate.text(left=True)
        if self._task is not None:
            self._bar.update(self._task, estimate=f"est. {estimate.span()} left")
            self._bar.status = self._status()

    def hit(self, kind: str) -> None:
        self._hits[kind] += 1
        if self._task is not None:
            self._bar.status = self._status()

    def area(self, text: str) -> None:
        self._area = text
        if self._estimate is not None and text == UNALLOCATED_AREA:  # no files to calibrate by
            self._show_estimate(self._estimate.unallocated_estimate())
        if self._task is not None:
            self._bar.status = self._status()

    def alongside(self, describe: Callable[[], str]) -> None:
        """Work running beside the scan, asked for its state whenever the status line is drawn
        (the whole-source hash: "image hash 34%")."""
        self._alongside = describe
        if self._task is not None:
            self._bar.status = self._status()

    def _status(self) -> str:
        seconds = self._clock() - self._started
        line = status_line(self._files, self._total_files, seconds, self._area, self._hits)
        parts = (line, self._alongside(), self._left)
        return " · ".join(part for part in parts if part)

    def close(self) -> None:
        if self._task is not None:
            self._bar.status = self._status()
        self._bar.stop()


def _sweep_note(estimate: RunningEstimate) -> str:
    if not estimate.sweep_seconds:
        return ""
    sweep = estimate.sweep_estimate().span()
    return (
        f"; the first {sweep} of it: --stop-on-seize's hash sweep of user pictures, videos and browser data"
    )


def _hash_note(estimate: RunningEstimate) -> str:
    if not estimate.hash_seconds:
        return ""
    return f"; the image hash runs alongside ({estimate.hash_span()} on its own) and the report waits for it"


def status_line(files: int, total: int, seconds: float, area: str, hits: Counter[str]) -> str:
    """'1,200/60,000 files · 850 files/s · user profiles · hash-match 1, keyword 4'."""
    done = f"{files:,}/{total:,} files" if total else f"{files:,} files"
    rate = f"{files / seconds:,.0f} files/s" if seconds > 1 and files else ""
    found = ", ".join(f"{k} {n}" for k, n in sorted(hits.items())) or "no hits"
    return " · ".join(part for part in (done, rate, area, found) if part)
