"""Questions and screens of the officer session: no prompt can trap the officer.

Ctrl-C (or Ctrl-D) at any question asks "End the session?" instead of ending in a Python
traceback; the answer ends the session (SessionEnded, then the closing screen) or asks the
question again. Every failure is shown on a screen that names what happened, the real message,
and what to do next. The terminal is a small protocol so tests drive whole sessions from a script
of answers without a console.
"""

from __future__ import annotations

import getpass
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

CLEAR = "\033[2J\033[H"
RULE = "=" * 64


class SessionEnded(Exception):
    """The officer chose to end the session (Ctrl-C, then yes)."""


class Terminal(Protocol):
    def say(self, text: str) -> None: ...
    def read(self, prompt: str, secret: bool = False) -> str: ...


class ConsoleTerminal:
    """The live system's console: print, input and getpass (Ctrl-C raises KeyboardInterrupt)."""

    def say(self, text: str) -> None:
        print(text, flush=True)

    def read(self, prompt: str, secret: bool = False) -> str:
        return getpass.getpass(prompt) if secret else input(prompt)


@dataclass
class Prompter:
    terminal: Terminal

    def say(self, text: str) -> None:
        self.terminal.say(text)

    def ask(self, prompt: str, default: str = "", secret: bool = False) -> str:
        """An answer that is not empty (the default when Enter is pressed)."""
        while True:
            answer = self._read(f"{prompt}{f' [{default}]' if default else ''}: ", secret).strip() or default
            if answer:
                return answer
            self.say("  Please enter a value.")

    def ask_free(self, prompt: str, secret: bool = False) -> str:
        """An answer that may be empty (Enter alone is an answer)."""
        return self._read(prompt, secret).strip()

    def confirm(self, prompt: str, default: bool = True) -> bool:
        hint = "[Y/n]" if default else "[y/N]"
        while True:
            answer = self._read(f"{prompt} {hint}: ", False).strip().lower()
            if not answer:
                return default
            if answer in ("y", "yes", "n", "no"):
                return answer.startswith("y")
            self.say("  Please answer y or n.")

    def _read(self, prompt: str, secret: bool) -> str:
        while True:
            try:
                return self.terminal.read(prompt, secret)
            except (KeyboardInterrupt, EOFError):
                self._offer_to_end()

    def _offer_to_end(self) -> None:
        """Ctrl-C twice (or end of input) ends; y ends; anything else goes back to the question."""
        try:
            answer = self.terminal.read(
                "\n\nEnd the session? The computer will then be switched off. [y/N]: "
            )
        except (KeyboardInterrupt, EOFError):
            answer = "y"
        if answer.strip().lower() in ("y", "yes"):
            raise SessionEnded
        self.say("Carrying on.")


@dataclass(frozen=True)
class Failure:
    """A failure screen: what happened, the message the tool gave, what the officer does next."""

    title: str
    message: Sequence[str] = ()
    next_steps: Sequence[str] = field(default_factory=tuple)


def failure_screen(failure: Failure) -> str:
    lines = ["", RULE, f"  {failure.title}", RULE]
    if failure.message:
        lines += ["  The message was:", *(f"    {line}" for line in failure.message)]
    lines += ["", "  What to do next:", *(f"  - {step}" for step in failure.next_steps), RULE]
    return "\n".join(lines)


# The smallest console the session runs on: VGA text mode, or a framebuffer with the large font
# session_machine.choose_font picks (it keeps at least 80 x 25).
SCREEN_ROWS, SCREEN_COLUMNS = 25, 80
RULE_AT_END = re.compile(r" (\[[A-Z0-9-]+\])$")  # triage scan ends each reason with its rule id


def screen_rows(lines: Sequence[str]) -> int:
    """Rows these lines take on the console, long lines wrapping at the screen's width."""
    return sum(-(-max(len(row), 1) // SCREEN_COLUMNS) for line in lines for row in line.split("\n"))


def fitted_reasons(reasons: Sequence[str], rows: int) -> list[str]:
    """The reasons as ``  - reason`` lines, wrapped at word boundaries, each on at most two rows
    (a shortened one keeps its rule, ``... [RULE-ID]``), as many as fit in ``rows`` rows; a last
    line counts those left for the report."""
    lines: list[str] = []
    for index, reason in enumerate(reasons):
        rule = RULE_AT_END.search(reason)
        wrapped = textwrap.wrap(reason, SCREEN_COLUMNS - 2, max_lines=2,
                                placeholder=f" ... {rule.group(1)}" if rule else " ...",
                                initial_indent="  - ", subsequent_indent="    ")  # fmt: skip
        left = len(reasons) - index - 1
        if len(lines) + len(wrapped) + (1 if left else 0) > rows:
            return [*lines, f"  ... and {len(reasons) - index} more in the report"]
        lines += wrapped
    return lines
