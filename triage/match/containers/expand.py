"""Open a file's containers depth-first, under one budget for everything inside that file.

Why one walk per file on disk rather than one container at a time: the bounds against bombs
(42.zip nests 16 archives five deep) only hold if the depth, the member count and the
decompressed bytes are counted across the whole tree. So the walk opens nested containers itself
and yields every member once, as ``Content`` with its full path through the containers
(``("gzip:/home/a/x.tar.gz", "x.tar", "tar:x.tar", "pics/a.jpg")``); the pipeline examines each
like a file, and ``ContainerAnalyzer.wants`` declines content this walk has already opened.
Every bound reached is a ``Problem`` of kind "error" (a coverage gap); encrypted members are one
"encryption" indicator finding per container; a malformed container is "damaged".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field

from triage.identify import MAGIC_BYTES, identify
from triage.match.containers.archives import NotAvailable
from triage.match.containers.base import ContainerFormat, ContainerLimits, Damaged, Member, Skipped
from triage.records import Content, Entry, FindingDraft, Problem, Record

MAX_PROBLEMS_PER_CONTAINER = 20  # then one line for the rest, so a bomb cannot flood the report


@dataclass
class Budget:
    """What is left for one file on disk (local to one walk: never shared)."""

    members: int
    bytes: int


@dataclass
class Refusals:
    """Members of one container not examined, gathered so the report gets a few lines, not 10,000."""

    shown: list[Skipped] = field(default_factory=list)
    more: int = 0
    more_bytes: int = 0
    encrypted: list[Skipped] = field(default_factory=list)

    def add(self, skipped: Skipped) -> None:
        if skipped.encrypted:
            self.encrypted.append(skipped)
        elif len(self.shown) < MAX_PROBLEMS_PER_CONTAINER:
            self.shown.append(skipped)
        else:
            self.more += 1
            self.more_bytes += max(skipped.size, 0)


def expand(
    entry: Entry, data: bytes, mime: str, formats: tuple[ContainerFormat, ...], limits: ContainerLimits
) -> Iterator[Record]:
    """Every member of every container in ``data`` (a file, or content a carver or parser found)."""
    budget = Budget(limits.max_members_total, limits.max_total_bytes)
    yield from _open(entry, data, mime, 0, formats, limits, budget)


def find_format(mime: str, head: bytes, formats: tuple[ContainerFormat, ...]) -> ContainerFormat | None:
    return next((f for f in formats if f.recognises(mime, head)), None)


def _open(
    entry: Entry,
    data: bytes,
    mime: str,
    depth: int,
    formats: tuple[ContainerFormat, ...],
    limits: ContainerLimits,
    budget: Budget,
) -> Iterator[Record]:
    form = find_format(mime, data[:MAGIC_BYTES], formats)
    if form is None:
        return
    here = container_label(entry)
    if depth >= limits.max_depth:
        what = f"{form.kind} container nested {depth} deep: not opened (depth limit {limits.max_depth})"
        yield Problem(where(entry), what, "error", len(data))
        return
    refusals = Refusals()
    try:
        for item in form.members(data, here, limits):
            if isinstance(item, Skipped):
                refusals.add(item)
                continue
            if not _spend(budget, item):
                yield _budget_problem(entry, limits)
                break
            child = dataclasses.replace(
                entry, size=len(item.data), container=(*entry.container, f"{form.kind}:{here}", item.name)
            )
            yield Content(child, item.data)
            child_mime = identify(item.data[:MAGIC_BYTES])[0]
            yield from _open(child, item.data, child_mime, depth + 1, formats, limits, budget)
    except Damaged as exc:
        yield Problem(where(entry), f"{form.kind} container damaged: {exc}"[:400], "damaged")
    except NotAvailable as exc:
        yield Problem(where(entry), f"{form.kind} container not examined: {exc}", "error", len(data))
    yield from _refusal_records(entry, form.kind, refusals)


def _spend(budget: Budget, member: Member) -> bool:
    budget.members -= 1
    budget.bytes -= len(member.data)
    return budget.members >= 0 and budget.bytes >= 0


def _budget_problem(entry: Entry, limits: ContainerLimits) -> Problem:
    what = (
        f"containers inside this file hold more than {limits.max_members_total:,} members or "
        f"{limits.max_total_bytes:,} bytes: the rest not examined"
    )
    return Problem(where(entry), what, "error")


def _refusal_records(entry: Entry, kind: str, refusals: Refusals) -> Iterator[Record]:
    for skipped in refusals.shown:
        member = f"member {skipped.name!r} " if skipped.name else ""
        yield Problem(where(entry), f"{kind} {member}not examined: {skipped.why}", "error", skipped.size)
    if refusals.more:
        what = f"{kind}: {refusals.more:,} more members not examined (size, ratio or count caps)"
        yield Problem(where(entry), what, "error", refusals.more_bytes or -1)
    if refusals.encrypted:
        yield from _encrypted_records(entry, kind, refusals.encrypted)


def _encrypted_records(entry: Entry, kind: str, encrypted: list[Skipped]) -> Iterator[Record]:
    names = [s.name for s in encrypted if s.name][:20]
    size = sum(max(s.size, 0) for s in encrypted)
    summary = (
        f"Encrypted container: {kind} with {len(encrypted):,} encrypted member(s) that could not be read"
    )
    detail = {
        "container": kind,
        "encrypted_members": len(encrypted),
        "names": names,
        "reason": encrypted[0].why,
    }
    yield FindingDraft(kind="indicator", label="encryption", summary=summary, entry=entry, detail=detail)
    what = f"{kind}: {len(encrypted):,} encrypted member(s) not examined"
    yield Problem(where(entry), what, "error", size or -1)


def container_label(entry: Entry) -> str:
    """How a container is named in the path: the file's path on disk, or its member name."""
    return entry.container[-1] if entry.container else entry.path


def where(entry: Entry) -> str:
    """The file's location, and for content inside it the path through its containers."""
    inside = f" › {' › '.join(entry.container)}" if entry.container else ""
    return entry.location + inside
