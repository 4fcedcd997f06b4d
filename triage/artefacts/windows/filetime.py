"""Windows times to the 100 ns the files store, for values that must be shown exactly.

``triage.artefacts.times.filetime`` gives a datetime, which holds microseconds: the last
digit of a FILETIME is lost there. Artefacts keep that datetime for sorting and the report,
and the exact text from here (``2013-10-04T15:40:09.0378333``) for the record.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from triage.artefacts.times import filetime

MAX_FILETIME = 0x7FFF_FFFF_FFFF_FFFF
_UUID_EPOCH_BEFORE_1601 = 0x0146_BF33_E42C_000  # 1582-10-15 to 1601-01-01 in 100 ns ticks


def exact(ticks: int) -> str:
    """ISO text with seven fractional digits, or "" for 0 or a time no datetime holds."""
    when = filetime(ticks) if 0 < ticks <= MAX_FILETIME else None
    if when is None:
        return ""
    return f"{when:%Y-%m-%dT%H:%M:%S}.{ticks % 10_000_000:07d}"


def time_and_exact(ticks: int) -> tuple[datetime | None, str]:
    text = exact(ticks)
    return (filetime(ticks) if text else None), text


def uuid1_ticks(value: uuid.UUID) -> int:
    """The FILETIME of a version-1 UUID's timestamp (0 for any other version)."""
    return value.time - _UUID_EPOCH_BEFORE_1601 if value.version == 1 else 0


def uuid1_mac(value: uuid.UUID) -> str:
    """The MAC address in a version-1 UUID's node field, as 00:1d:09:fa:5a:1c ("" otherwise)."""
    if value.version != 1:
        return ""
    return ":".join(f"{b:02x}" for b in value.node.to_bytes(6, "big"))
