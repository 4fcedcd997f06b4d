"""A QEMU guest's serial console driven from a test: start, wait for text, type answers.

A minimal expect: QEMU runs with ``-serial stdio``, a thread collects everything the guest
writes, and ``expect`` waits for a regular expression after the last match. Hand-written (~60
lines) rather than a pexpect dependency; the whole transcript is kept for failure messages.
"""

from __future__ import annotations

import io
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import cast


class ConsoleTimeout(AssertionError):
    pass


class SerialConsole:
    def __init__(self, command: list[str], transcript: Path) -> None:
        self.started = time.monotonic()
        self._buffer = bytearray()
        self._position = 0
        self._changed = threading.Condition()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._transcript = transcript.open("wb")  # written as it arrives, to follow a long boot
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stdout = cast(io.BufferedReader, self.process.stdout)  # Popen without bufsize=0: buffered
        while chunk := stdout.read1(65536):
            with self._changed:
                self._buffer += chunk
                self._transcript.write(chunk)
                self._transcript.flush()
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def expect(self, pattern: bytes, timeout: float) -> re.Match[bytes]:
        """Wait for ``pattern`` after the previous match; the match object, or ConsoleTimeout."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = regex.search(self._buffer, self._position)
                if found:
                    self._position = found.end()
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    tail = bytes(self._buffer[-3000:]).decode("utf-8", "replace")
                    raise ConsoleTimeout(f"no {pattern!r} within {timeout:.0f} s; console ends:\n{tail}")
                self._changed.wait(min(left, 1.0))

    def send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def text(self) -> str:
        with self._changed:
            return bytes(self._buffer).decode("utf-8", "replace")

    def close(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            self._reader.join(5)
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
            self._transcript.close()
