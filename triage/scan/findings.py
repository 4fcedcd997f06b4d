"""Turn matches into numbered findings, each carrying the evidence behind it."""

from __future__ import annotations

from collections import defaultdict
from itertools import count

from triage.library import HashMatch
from triage.match.hit_context import NOTES, by_term_and_context
from triage.match.keywords import KeywordHit
from triage.records import Artefact, Entry, Examined, Finding, VolumeCoverage

MAX_CONTEXTS = 5


class FindingLog:
    """Numbers findings in the order they arrive (F0001, F0002, ...)."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._ids = count(1)

    def add(self, **fields: object) -> Finding:
        finding = Finding(id=f"F{next(self._ids):04d}", **fields)  # type: ignore[arg-type]
        self.findings.append(finding)
        return finding

    def hash_match(self, examined: Examined, match: HashMatch) -> Finding:
        summary = (
            f"File matches {match.label} hash set {match.set_name!r}"
            f" ({match.algorithm.upper()}{', ' + match.category if match.category else ''})"
        )
        detail: dict[str, object] = {
            "set": match.set_name,
            "algorithm": match.algorithm,
            "digest": match.digest,
            "category": match.category,
        }
        if match.series:
            detail["series"] = match.series
        if match.detail:  # what the hash set says about this file (e.g. VICS MediaSize, DateUpdated)
            detail["library_detail"] = dict(match.detail)
        entry = examined.entry
        return self.add(
            kind="hash-match",
            label=match.label,
            summary=summary,
            entry=entry,
            examined=examined,
            detail=detail,
        )

    def keyword_hits(self, examined: Examined, hits: list[KeywordHit], where: str) -> list[Finding]:
        """One finding per keyword per context per file, with its count and first few contexts."""
        made = []
        for (term, context), group in by_term_and_context(examined, hits, where).items():
            keyword = group[0].keyword
            detail = {
                "term": term,
                "category": keyword.category,
                "where": where,
                "context": context,
                "occurrences": len(group),
                "encodings": sorted({h.encoding for h in group}),
                "contexts": [
                    {"encoding": h.encoding, "offset": h.offset, "text": h.context}
                    for h in group[:MAX_CONTEXTS]
                ],
            }
            note = f" ({NOTES[context]})" if NOTES[context] else ""
            summary = f"Keyword {term!r} ({keyword.category or 'uncategorised'}) in file {where}{note}"
            made.append(
                self.add(
                    kind="keyword",
                    label=keyword.category,
                    summary=summary,
                    entry=examined.entry,
                    examined=examined,
                    weight=keyword.weight,
                    detail=detail,
                )
            )
        return made

    def artefact_keyword_hits(
        self, source: Entry, hits: list[tuple[Artefact, str, KeywordHit]]
    ) -> list[Finding]:
        """One finding per keyword per artefact file (History, places.sqlite, a hive), naming the
        artefacts (a visit, a search, a download) and the field it was found in."""
        grouped: dict[str, list[tuple[Artefact, str, KeywordHit]]] = defaultdict(list)
        for item in hits:
            grouped[item[2].keyword.term].append(item)
        made = []
        for term, group in grouped.items():
            keyword = group[0][2].keyword
            first = group[0][0]
            detail = {
                "term": term,
                "category": keyword.category,
                "where": f"{first.parser} artefacts",
                "occurrences": len(group),
                "encodings": ["text"],
                "contexts": [
                    {"encoding": f"{a.kind} {field}", "offset": _when(a), "text": h.context}
                    for a, field, h in group[:MAX_CONTEXTS]
                ],
                "context": "artefact",
                "artefact": first.kind,
                "user": first.user,
            }
            who = f" of user {first.user}" if first.user else ""
            summary = f"Keyword {term!r} ({keyword.category or 'uncategorised'}) in {first.kind}{who}"
            made.append(
                self.add(
                    kind="keyword",
                    label=keyword.category,
                    summary=summary,
                    entry=source,
                    weight=keyword.weight,
                    detail=detail,
                )
            )
        return made

    def coverage_gap(self, volume: VolumeCoverage) -> Finding:
        summary = f"Volume {volume.volume.name} was not examined: {volume.reason}"
        detail = {
            "offset": volume.volume.offset,
            "length": volume.volume.length,
            "description": volume.volume.description,
            "reason": volume.reason,
        }
        label = (
            "encrypted"
            if volume.reason.startswith(("encrypted", "no file system; contents look random"))
            else "unreadable"
        )
        return self.add(kind="coverage-gap", label=label, summary=summary, detail=detail)


def _when(artefact: Artefact) -> str:
    return artefact.time.strftime("%Y-%m-%d %H:%M:%S UTC") if artefact.time else "time unknown"
