"""Run the indicator library over one volume: paths, installed programs, encrypted containers,
and the monitoring agent the profile expects.

One finding per indicator per volume (kind "indicator", label = the order condition), with
how many traces were found, the first few paths or programs, and whose profile they are in;
and one ``indicator/<condition>`` artefact per trace group, so the report lists them with
user and time. Runs after the registry parsers (PARSERS order), so installed programs from
this volume are among the artefacts found before it (``ArtefactInputs.earlier``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from triage.artefacts.indicators import Indicator, IndicatorLibrary, indicators_of
from triage.artefacts.indicators.activity import activity_traces
from triage.artefacts.indicators.agents import missing_agents
from triage.artefacts.indicators.encrypted import HEAD_BYTES, encryption_signature, looks_like_container
from triage.artefacts.users import user_for_path
from triage.identify import identify
from triage.records import Artefact, Entry, FindingDraft, Record
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import ArtefactInputs, VolumeFiles

NAME = "indicators/order-conditions"
MAX_SHOWN = 10
ACTIVITY = ("windows/prefetch", "windows/shortcut", "windows/jumplist")  # parsed in triage.artefacts.windows
ENCRYPTED = Indicator("encrypted-container", "Encrypted volume or container file", "encryption")


@dataclass
class _Traces:
    indicator: Indicator
    entries: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # path or "program: <name>"
    users: set[str] = field(default_factory=set)


class OrderConditionChecks:
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream

    def parse(
        self, selected: list[FileHandle], files: VolumeFiles, inputs: ArtefactInputs
    ) -> Iterator[Record]:
        library = inputs.indicators or indicators_of(inputs.profile)
        traces: dict[str, _Traces] = {}
        for handle in selected:
            indicator = library.match_path(handle.entry.path)
            if indicator:
                _add(traces, indicator, handle.entry, handle.entry.path)
            _check_container(traces, handle)
        if selected:
            _check_software(traces, library, selected[0].entry, inputs.earlier)
            for indicator, source, note, user in activity_traces(library, selected[0].entry, inputs.earlier):
                _add(traces, indicator, source, note, user)
        for found in traces.values():
            yield from _report(found)
        if selected:
            yield from missing_agents(selected, inputs.profile)


def _add(traces: dict[str, _Traces], indicator: Indicator, entry: Entry, note: str, user: str = "") -> None:
    found = traces.setdefault(indicator.id, _Traces(indicator))
    found.entries.append(entry)
    found.notes.append(note)
    found.users.add(user or user_for_path(entry.path))


def _check_container(traces: dict[str, _Traces], handle: FileHandle) -> None:
    entry = handle.entry
    if entry.size < 1024 * 1024 or entry.size % 512:
        return
    try:
        head = handle.read_at(0, HEAD_BYTES)
    except (OSError, RuntimeError):
        return
    scheme = encryption_signature(head)
    entropy = 0.0 if scheme else looks_like_container(entry.path, entry.size, head, identify(head[:8192])[0])
    if scheme or entropy:
        what = (
            scheme or f"no file type, random-looking ({entropy:.2f} bits/byte): possible VeraCrypt/TrueCrypt"
        )
        _add(traces, ENCRYPTED, entry, f"{entry.path} ({what})")


def _check_software(
    traces: dict[str, _Traces], library: IndicatorLibrary, first: Entry, earlier: tuple[Artefact, ...]
) -> None:
    """Installed or executed programs (Uninstall keys, Amcache, Prefetch), programs and files used
    (jump lists, shortcuts) and mounted volumes (MountedDevices, MountPoints2: a VeraCrypt or
    TrueCrypt volume mounted in the past) named in the library."""
    for artefact in earlier:
        source = artefact.source
        if not artefact.kind.startswith(("software/", "volume/", *ACTIVITY)) or source is None:
            continue
        if (source.source, source.volume_index) != (first.source, first.volume_index):
            continue
        if artefact.kind in ACTIVITY:
            _check_activity(traces, library, artefact, source)
            continue
        if artefact.kind.startswith("software/"):
            text, what = str(artefact.values.get("name", "")), "program"
        else:
            text, what = " ".join(str(v) for v in artefact.values.values()), "mounted volume"
        indicator = library.match_software(text)
        if indicator:
            _add(traces, indicator, source, f"{what}: {text[:200]}", artefact.user)


def _check_activity(
    traces: dict[str, _Traces], library: IndicatorLibrary, found: Artefact, source: Entry
) -> None:
    """What the user ran or opened, which stays after an uninstall: a program Prefetch says ran
    (its name against ``software``, its path ``\\USERS\\A\\TOR BROWSER\\...`` against ``paths``),
    the program a jump list belongs to (``software``), a shortcut or jump-list target (``paths``)."""
    v = found.values
    if found.kind == "windows/prefetch":
        name, path = str(v.get("name", "")), str(v.get("path", ""))
        when = found.time.strftime(" last %Y-%m-%d %H:%M UTC") if found.time else ""
        note = f"ran: {path or name} ({v.get('run_count', '?')} runs{when})"
        indicator = library.match_software(name) or _match_windows_path(library, path)
    else:
        app, target = str(v.get("app", "")), str(v.get("target", ""))
        note = f"{'jump list of ' + app if app else 'opened'}: {target}"
        indicator = (library.match_software(app) if app else None) or _match_windows_path(library, target)
    if indicator:
        _add(traces, indicator, source, note[:300], found.user)


def _match_windows_path(library: IndicatorLibrary, path: str) -> Indicator | None:
    return library.match_path(path.replace("\\", "/")) if path else None


def _report(found: _Traces) -> Iterator[Record]:
    indicator, first = found.indicator, found.entries[0]
    users = sorted(u for u in found.users if u)
    count = len(found.notes)
    who = f" (user {', '.join(users)})" if users else ""
    summary = f"{indicator.name}: {count} trace{'s' if count != 1 else ''}{who}, e.g. {found.notes[0]}"
    detail = {
        "indicator": indicator.id,
        "condition": indicator.condition,
        "traces": count,
        "users": users,
        "examples": found.notes[:MAX_SHOWN],
    }
    yield FindingDraft("indicator", indicator.condition, summary, first, detail=detail)
    times = [e.mtime for e in found.entries if e.mtime]
    values = {"name": indicator.name, "indicator": indicator.id, "traces": count, "example": found.notes[0]}
    yield (
        Artefact(
            f"indicator/{indicator.condition}",
            NAME,
            first,
            min(times, default=None),
            ", ".join(users),
            values,
        )
    )
