"""Progress reporting: a quiet default and a rich progress bar for the officer."""

from __future__ import annotations

from collections import Counter
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


class ScanProgress(Protocol):
    def stage(self, text: str, total_bytes: int) -> None: ...
    def advance(self, nbytes: int) -> None: ...
    def file_done(self) -> None: ...
    def hit(self, kind: str) -> None: ...
    def close(self) -> None: ...


class QuietProgress:
    def stage(self, text: str, total_bytes: int) -> None:
        pass

    def advance(self, nbytes: int) -> None:
        pass

    def file_done(self) -> None:
        pass

    def hit(self, kind: str) -> None:
        pass

    def close(self) -> None:
        pass


class BarProgress:
    """Bytes done, rate and ETA for the current stage, files done and hits so far."""

    def __init__(self, console: Console | None = None) -> None:
        self._hits: Counter[str] = Counter()
        self._files = 0
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[status]}"),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._bar.start()
        self._task: int | None = None

    def stage(self, text: str, total_bytes: int) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=self._bar.tasks[self._task].total)
        self._task = self._bar.add_task(text, total=max(total_bytes, 1), status=self._status())

    def advance(self, nbytes: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, nbytes)

    def file_done(self) -> None:
        self._files += 1
        if self._task is not None and self._files % 50 == 0:
            self._bar.update(self._task, status=self._status())

    def hit(self, kind: str) -> None:
        self._hits[kind] += 1
        if self._task is not None:
            self._bar.update(self._task, status=self._status())

    def _status(self) -> str:
        hits = ", ".join(f"{k} {n}" for k, n in sorted(self._hits.items())) or "no hits"
        return f"{self._files} files · {hits}"

    def close(self) -> None:
        self._bar.stop()
