"""Progress reporting: a quiet default and a rich progress bar for the officer."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text


class ScanProgress(Protocol):
    def stage(self, text: str, total_bytes: int, total_files: int = 0) -> None: ...
    def advance(self, nbytes: int) -> None: ...
    def file_done(self) -> None: ...
    def hit(self, kind: str) -> None: ...
    def area(self, text: str) -> None: ...
    def close(self) -> None: ...


class QuietProgress:
    def stage(self, text: str, total_bytes: int, total_files: int = 0) -> None:
        pass

    def area(self, text: str) -> None:
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


class BarProgress:
    """Bytes done, rate and ETA for the current stage; files done of all, files per second,
    the area being scanned (user pictures, OS folders, ...) and hits so far by kind."""

    def __init__(self, console: Console | None = None) -> None:
        self._hits: Counter[str] = Counter()
        self._files = 0
        self._total_files = 0
        self._area = ""
        self._started = time.monotonic()
        self._bar = _BarWithStatus(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._bar.start()
        self._task: TaskID | None = None

    def stage(self, text: str, total_bytes: int, total_files: int = 0) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=self._bar.tasks[self._task].total)
        self._files, self._total_files, self._started = 0, total_files, time.monotonic()
        self._task = self._bar.add_task(text, total=max(total_bytes, 1))
        self._bar.status = self._status()

    def advance(self, nbytes: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, nbytes)

    def file_done(self) -> None:
        self._files += 1
        if self._task is not None and self._files % 50 == 0:
            self._bar.status = self._status()

    def hit(self, kind: str) -> None:
        self._hits[kind] += 1
        if self._task is not None:
            self._bar.status = self._status()

    def area(self, text: str) -> None:
        self._area = text
        if self._task is not None:
            self._bar.status = self._status()

    def _status(self) -> str:
        return status_line(
            self._files, self._total_files, time.monotonic() - self._started, self._area, self._hits
        )

    def close(self) -> None:
        if self._task is not None:
            self._bar.status = self._status()
        self._bar.stop()


def status_line(files: int, total: int, seconds: float, area: str, hits: Counter[str]) -> str:
    """'1,200/60,000 files · 850 files/s · user profiles · hash-match 1, keyword 4'."""
    done = f"{files:,}/{total:,} files" if total else f"{files:,} files"
    rate = f"{files / seconds:,.0f} files/s" if seconds > 1 and files else ""
    found = ", ".join(f"{k} {n}" for k, n in sorted(hits.items())) or "no hits"
    return " · ".join(part for part in (done, rate, area, found) if part)
