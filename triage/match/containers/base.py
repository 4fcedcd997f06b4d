"""What every container format hands back, and the bounds that keep hostile archives harmless.

A format reads one container held in memory and yields, member by member, either the member's
bytes (``Member``) or why a member was not read (``Skipped``: over a size or ratio bound,
encrypted, a count bound reached). It never writes anything anywhere: members are read into
memory, at most ``limits.max_member_bytes + 1`` bytes each, so a lying header costs one capped
read. Member names are kept as the archive spells them (``../``, absolute paths and all: they are
evidence) with control characters escaped, and are only ever used as labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ContainerLimits:
    """Bounds against bombs. Reaching any of them is reported as a coverage gap.

    ``max_ratio`` applies only once a member has expanded past ``ratio_floor_bytes``: a small file
    of zeros legitimately compresses a thousandfold; a bomb is large *and* highly compressed.
    """

    max_depth: int = 8  # containers inside containers, counted from the file on disk
    max_members: int = 10_000  # members of one container
    max_members_total: int = 50_000  # members of everything inside one file on disk
    max_member_bytes: int = 256 << 20  # one member, decompressed
    max_total_bytes: int = 1 << 30  # everything inside one file on disk, decompressed
    max_ratio: int = 200  # decompressed / compressed
    ratio_floor_bytes: int = 1 << 20


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes


@dataclass(frozen=True)
class Skipped:
    """A member not examined: ``why`` in plain words, ``size`` in bytes where known (-1 unknown)."""

    name: str
    why: str
    size: int = -1
    encrypted: bool = False


class Damaged(Exception):
    """The container is malformed; members already yielded are kept."""


class ContainerFormat(Protocol):
    @property
    def kind(self) -> str:
        """The container's prefix in ``Entry.container``: "zip", "tar", "gzip", ..."""
        ...

    def recognises(self, mime: str, head: bytes) -> bool: ...

    def members(self, data: bytes, name: str, limits: ContainerLimits) -> Iterator[Member | Skipped]:
        """``name`` is the container's own name (for a gzip member's default name)."""
        ...


def safe_name(raw: str | bytes) -> str:
    """A member name fit for a label: undecodable bytes and control characters escaped."""
    text = raw.decode("utf-8", errors="backslashreplace") if isinstance(raw, bytes) else raw
    return "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" for ch in text)[:1024]


def over_ratio(expanded: int, compressed: int, limits: ContainerLimits) -> bool:
    return expanded > limits.ratio_floor_bytes and expanded > limits.max_ratio * max(compressed, 1)


def bounded_read(stream, declared: int, limits: ContainerLimits, name: str) -> Member | Skipped:
    """Read a member's stream, never more than the member cap (+1 to see that it is over)."""
    data = stream.read(limits.max_member_bytes + 1)
    if len(data) > limits.max_member_bytes:
        return Skipped(name, f"over the {limits.max_member_bytes:,}-byte member cap", max(declared, -1))
    if declared >= 0 and len(data) != declared:
        return Skipped(name, f"holds {len(data):,} bytes, not the {declared:,} its header declares", declared)
    return Member(name, data)
