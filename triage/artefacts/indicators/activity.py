"""Order-condition traces in what the registry and activity parsers found (issue 17).

A tool counts even after it was uninstalled and its folder deleted: Amcache file entries,
UserAssist and the Windows Timeline keep the path of what ran, and that path is matched
against the library's ``paths``; Amcache programs, CCleaner's settings in NTUSER.DAT and
signed-in cloud accounts (``OneDrive account <e-mail>``, ``Dropbox account (personal)``) are
matched by name against ``software``. ``checks.OrderConditionChecks`` adds each trace to its
indicator's finding, like a file path or an installed program.
"""

from __future__ import annotations

from collections.abc import Iterator

from triage.artefacts.indicators import Indicator, IndicatorLibrary
from triage.records import Artefact, Entry

# kind -> how the trace is named; the artefact's "name" is matched against ``software``
NAMED = {
    "windows/amcache-program": "program",
    "windows/ccleaner-settings": "settings",
    "account/cloud": "account",
}
# kind -> the field holding the path of a program that ran, matched against ``paths``
RAN = {"windows/amcache-file": "path", "windows/userassist": "name", "windows/timeline-activity": "package"}


def activity_traces(
    library: IndicatorLibrary, first: Entry, earlier: tuple[Artefact, ...]
) -> Iterator[tuple[Indicator, Entry, str, str]]:
    """(indicator, artefact file, note, user) for each earlier artefact of this volume that matches."""
    for artefact in earlier:
        source = artefact.source
        if source is None or (source.source, source.volume_index) != (first.source, first.volume_index):
            continue
        if artefact.kind in NAMED:
            name = str(artefact.values.get("name", ""))
            indicator, note = library.match_software(name), f"{NAMED[artefact.kind]}: {name[:200]}"
        elif artefact.kind in RAN:
            path = str(artefact.values.get(RAN[artefact.kind], ""))
            indicator = library.match_path("/" + path.replace("\\", "/")) if path else None
            note = f"ran: {path[:200]}"
        else:
            continue
        if indicator:
            yield indicator, source, note, artefact.user
