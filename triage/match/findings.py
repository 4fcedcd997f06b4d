"""Matches as finding drafts, each carrying the evidence behind it (the pipeline numbers them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from triage.library import HashMatch
from triage.match.keywords import KeywordHit
from triage.records import Artefact, Entry, Examined, FindingDraft, VolumeCoverage

MAX_CONTEXTS = 5


def hash_match(examined: Examined, match: HashMatch) -> FindingDraft:
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
    return FindingDraft("hash-match", match.label, summary, examined.entry, examined, detail=detail)


def keyword_hits(examined: Examined, hits: list[KeywordHit], where: str) -> Iterator[FindingDraft]:
    """One finding per keyword per file, with its count and first few contexts."""
    grouped: dict[str, list[KeywordHit]] = defaultdict(list)
    for hit in hits:
        grouped[hit.keyword.term].append(hit)
    for term, group in grouped.items():
        keyword = group[0].keyword
        detail = {
            "term": term,
            "category": keyword.category,
            "where": where,
            "occurrences": len(group),
            "encodings": sorted({h.encoding for h in group}),
            "contexts": [
                {"encoding": h.encoding, "offset": h.offset, "text": h.context} for h in group[:MAX_CONTEXTS]
            ],
        }
        summary = f"Keyword {term!r} ({keyword.category or 'uncategorised'}) in file {where}"
        yield FindingDraft(
            "keyword", keyword.category, summary, examined.entry, examined, keyword.weight, detail
        )


def artefact_keyword_hits(
    source: Entry, hits: list[tuple[Artefact, str, KeywordHit]]
) -> Iterator[FindingDraft]:
    """One finding per keyword per artefact file (History, places.sqlite, a hive), naming the
    artefacts (a visit, a search, a download) and the field it was found in."""
    grouped: dict[str, list[tuple[Artefact, str, KeywordHit]]] = defaultdict(list)
    for item in hits:
        grouped[item[2].keyword.term].append(item)
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
            "artefact": first.kind,
            "user": first.user,
        }
        who = f" of user {first.user}" if first.user else ""
        summary = f"Keyword {term!r} ({keyword.category or 'uncategorised'}) in {first.kind}{who}"
        yield FindingDraft("keyword", keyword.category, summary, source, None, keyword.weight, detail)


def coverage_gap(volume: VolumeCoverage) -> FindingDraft:
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
    return FindingDraft("coverage-gap", label, summary, detail=detail)


def _when(artefact: Artefact) -> str:
    return artefact.time.strftime("%Y-%m-%d %H:%M:%S UTC") if artefact.time else "time unknown"
