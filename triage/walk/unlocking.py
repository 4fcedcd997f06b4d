"""Which locked volumes of a source the officer's keys open, without scanning it (``triage unlock-test``).

The stick's console asks for a key per locked volume and checks it here before the scan, so a wrong
key is said at once ("three wrong tries and it moves on"). Read-only, like everything that opens
evidence; the lines name kinds of keys, never a key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triage.sources.keys import Key
from triage.sources.media import Media
from triage.walk.volumes import open_volumes

UNLOCKED_MARK = "unlocked with the "


@dataclass(frozen=True)
class LockState:
    volume: str
    unlocked: bool
    note: str


def lock_states(source_name: str, media: Media, keys: Sequence[Key]) -> list[LockState]:
    """One line per encrypted volume: unlocked (and by which kind of key) or still locked (and why)."""
    states = []
    for opened in open_volumes(source_name, media, keys):
        description = opened.volume.description
        if UNLOCKED_MARK in description or "no key needed" in description:
            note = description.rsplit("; ", 1)[-1]
            states.append(LockState(opened.volume.name, True, note))
        elif opened.reason.startswith("encrypted:"):
            states.append(LockState(opened.volume.name, False, opened.reason))
    return states
