"""Headless Chromium over the DevTools protocol on a pipe: load a report, measure it, print it.

Used by the browser tests of report.html (page one, widths, print) and by ``triage export
--format pdf``. Chromium is started with ``--remote-debugging-pipe``: it reads protocol
messages from file descriptor 3 and writes to 4, each a JSON object ended by a NUL byte
(Chrome DevTools Protocol, tested with Debian's chromium 156). No port is opened and no
network is used: the page is a local file, and report.html's content security policy forbids
every load but inline styles and data: images. Written by hand because no small, well-kept
library drives the pipe transport (Playwright and pyppeteer bring or download their own browser).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",  # as root in a container; the page runs no script (CSP) and is our own file
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-pipe",
)
A4_PORTRAIT = (8.27, 11.69)  # inches, as Page.printToPDF takes them
LETTER_PORTRAIT = (8.5, 11.0)
A4_WIDTH_PX = 794  # 210 mm at 96 CSS px per inch


class BrowserError(RuntimeError):
    """Chromium is absent, did not start, or answered with an error."""


def find_chromium() -> str | None:
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


class Page:
    """One tab of a headless Chromium, driven synchronously over the pipe."""

    def __init__(self, process: subprocess.Popen[bytes], to_browser: int, from_browser: int) -> None:
        self._process, self._out, self._in = process, to_browser, from_browser
        self._buffer, self._next_id, self._session = b"", 0, ""
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, timeout: float = 60.0, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self._session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self._session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))
            self.events.append(answer)

    def wait_for(self, event: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            seen = next((e for e in self.events if e.get("method") == event), None)
            if seen is not None:
                self.events.remove(seen)
                return seen
            self.events.append(self._receive(deadline))

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium closed the pipe (exit code {self._process.poll()})")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(message))

    def attach(self, width: int, height: int) -> None:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def load(self, path: Path, timeout: float = 60.0) -> float:
        """Open a local file, wait for its load event and lay it out (asking for its height makes
        the layout happen now, not lazily); returns the seconds until it could be read."""
        started = time.monotonic()
        self.send("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired", timeout)
        self.evaluate("document.documentElement.scrollHeight")
        return time.monotonic() - started

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression, run by DevTools (the page itself runs none)."""
        answer = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in answer:
            raise BrowserError(f"evaluate: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def media(self, kind: str) -> None:
        """Emulate "print" or "screen" CSS media for what follows."""
        self.send("Emulation.setEmulatedMedia", media=kind)

    def pdf(self, paper: tuple[float, float] = A4_PORTRAIT) -> bytes:
        """Print as a person would, with the page's own @page rules (size, margins, footers)."""
        width, height = paper
        answer = self.send(
            "Page.printToPDF",
            timeout=300.0,
            paperWidth=width,
            paperHeight=height,
            printBackground=True,
            preferCSSPageSize=False,
            displayHeaderFooter=False,
        )
        return base64.b64decode(answer["data"])

    def screenshot(self, full_page: bool = False) -> bytes:
        answer = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=full_page)
        return base64.b64decode(answer["data"])


@contextmanager
def headless_page(
    width: int = A4_WIDTH_PX, height: int = 1123, chromium: str | None = None
) -> Iterator[Page]:
    """A Page in a fresh headless Chromium with its own throw-away profile folder."""
    executable = chromium or find_chromium()
    if not executable:
        raise BrowserError("Chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="triage-chromium-") as profile:
        to_browser_read, to_browser = os.pipe()
        from_browser, from_browser_write = os.pipe()
        process = _start(executable, profile, to_browser_read, from_browser_write)
        os.close(to_browser_read)
        os.close(from_browser_write)
        page = Page(process, to_browser, from_browser)
        try:
            page.attach(width, height)
            yield page
        finally:
            _stop(page, process, to_browser, from_browser)


def _start(executable: str, profile: str, reads: int, writes: int) -> subprocess.Popen[bytes]:
    """Chromium with the pipe ends as its descriptors 3 (commands in) and 4 (answers out)."""

    def descriptors() -> None:  # in the child: copies above 9 first, so 3 and 4 cannot collide
        high_reads, high_writes = (
            fcntl.fcntl(reads, fcntl.F_DUPFD, 10),
            fcntl.fcntl(writes, fcntl.F_DUPFD, 10),
        )
        os.dup2(high_reads, 3)
        os.dup2(high_writes, 4)

    command = [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"]
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=False,  # Python's own descriptors are close-on-exec; only 3 and 4 are inherited
        preexec_fn=descriptors,
    )


def _stop(page: Page, process: subprocess.Popen[bytes], to_browser: int, from_browser: int) -> None:
    with suppress(BrowserError, OSError):
        page.send("Browser.close", timeout=10.0)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    os.close(to_browser)
    os.close(from_browser)
