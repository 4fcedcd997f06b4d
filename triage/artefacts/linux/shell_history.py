"""Shell histories: the commands a user typed, with times where the shell kept them.

Locations: ``~/.bash_history`` (bash; with ``HISTTIMEFORMAT`` set, each command follows a
``#<POSIX seconds>`` line, and a command that spans lines keeps all its lines until the next
``#`` line: they are joined with spaces, as plaso joins them), ``~/.zsh_history`` (zsh's
extended format ``: <start>:<elapsed>;<command>``, a trailing ``\\`` continues a command),
``~/.sh_history``, ``~/.history`` (one command per line, no time). Written by hand: the
formats are a few lines of text. Tested on plaso's bash_history (4 commands, one of 4 lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from triage.artefacts.common import Damaged, FileParser, Record, read_all
from triage.artefacts.times import unix
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "linux/shell-history"
FILES = {"/.bash_history": "bash", "/.zsh_history": "zsh", "/.sh_history": "sh", "/.history": "sh"}
MAX_FILE = 64 * 1024 * 1024
BASH_TIME = re.compile(r"^#(\d{9,11})$")
ZSH_LINE = re.compile(r"^: (\d+):\d+;(.*)$", re.S)


class ShellHistory(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith(tuple(FILES))

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        shell = next((s for end, s in FILES.items() if source.path.lower().endswith(end)), "")
        if not shell:
            return
        lines = _text(read_all(handle, MAX_FILE)).splitlines()
        commands = _zsh(lines) if shell == "zsh" else _bash(lines)
        user = user_for_path(source.path)
        for number, (time, command) in enumerate(commands, start=1):
            values = {"command": command, "shell": shell, "number": number}
            yield Artefact("linux/shell-command", NAME, source, time, user, values)


def _text(data: bytes) -> str:
    """The history as text; Damaged when it is binary (NUL bytes, or mostly undecodable)."""
    decoded = data.decode("utf-8", "replace")
    if b"\0" in data or decoded.count("\ufffd") > len(decoded) // 20:
        raise Damaged("binary content where a shell history (text) belongs")
    return decoded


def _bash(lines: list[str]) -> list[tuple[datetime | None, str]]:
    """Commands in file order; with ``#epoch`` lines, each spans the lines up to the next one."""
    if not any(BASH_TIME.match(line) for line in lines):
        return [(None, line) for line in lines if line.strip()]
    commands: list[tuple[datetime | None, str]] = []
    time: datetime | None = None
    pending: list[str] = []
    for line in [*lines, "#0000000000"]:
        stamp = BASH_TIME.match(line)
        if not stamp:
            pending.append(line)
            continue
        if pending and " ".join(pending).strip():
            commands.append((time, " ".join(pending)))
        time, pending = unix(int(stamp.group(1))), []
    return commands


def _zsh(lines: list[str]) -> list[tuple[datetime | None, str]]:
    commands: list[tuple[datetime | None, str]] = []
    joined = ""
    for line in lines:
        joined = f"{joined}\n{line}" if joined else line
        if line.endswith("\\"):
            continue
        match = ZSH_LINE.match(joined)
        commands.append((unix(int(match.group(1))), match.group(2)) if match else (None, joined))
        joined = ""
    return [c for c in commands if c[1].strip()]
