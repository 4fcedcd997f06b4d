"""Re-match: re-judge a device from its signed report against new hash sets, without the evidence.

Every line of the report's ``inventory.jsonl`` (provenance, type, MD5/SHA-1/SHA-256,
complete flag) is looked up in the new hash sets; hash-match findings from a set
of the same name are replaced, all other findings (keywords, coverage gaps,
artefacts, perceptual matches) are carried over unchanged with their ids, and
``triage.decide.decide`` re-decides under the profile's rules. The new report
names the original report (manifest SHA-256) and which hash set, by name,
version and file SHA-256, changed the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from triage.decide import decide
from triage.library import CompiledSet, HashLibrary
from triage.match import findings as drafts_of
from triage.profile import Profile
from triage.records import Decision, Examined, Finding
from triage.report.load import LoadedReport
from triage.result import LibraryUsed, ScanResult

__all__ = ["NewHashSet", "Rematched", "new_hash_set", "rematch"]

SECTION = "Re-match"


@dataclass(frozen=True)
class NewHashSet:
    compiled: CompiledSet
    used: LibraryUsed  # how the new report names it: name, file, SHA-256, version, count


def new_hash_set(compiled: CompiledSet, path: str) -> NewHashSet:
    info = compiled.info
    sources = info.get("sources", [])
    sha256 = sources[0].get("sha256", "") if len(sources) == 1 else str(info.get("sha256", ""))
    used = LibraryUsed(
        "hash set",
        compiled.name,
        path,
        sha256,
        compiled.count,
        compiled.label,
        version=str(info.get("version", "") or ""),
        bad_lines=int(info.get("bad_lines", 0) or 0),
    )
    return NewHashSet(compiled, used)


@dataclass(frozen=True)
class Rematched:
    result: ScanResult
    before: Decision
    changed_by: tuple[LibraryUsed, ...]  # sets whose matches the new deciding reasons cite
    new_matches: int


def rematch(report: LoadedReport, sets: Sequence[NewHashSet], profile: Profile) -> Rematched:
    old = report.result
    replaced = {s.compiled.name for s in sets}
    kept = [f for f in old.findings if not (f.kind == "hash-match" and f.detail.get("set") in replaced)]
    library = HashLibrary(s.compiled for s in sets)
    found = _renumber(_match_inventory(old.inventory, library), _next_number(old.findings))
    findings = tuple(kept + found)
    decision = decide(findings, old.coverage, profile.rules)
    used = tuple(s.used for s in sets)
    changed_by = _changed_by(old.decision, decision, findings, used)
    libraries = tuple(x for x in old.libraries if x.name not in replaced) + used
    sections = {**old.sections, SECTION: _section(report, profile, decision, changed_by, len(found))}
    result = replace(
        old,
        findings=findings,
        decision=decision,
        libraries=libraries,
        sections=sections,
        profile_name=profile.name,
        profile_path=str(profile.path),
        profile_sha256=profile.sha256,
    )
    return Rematched(result, old.decision, changed_by, len(found))


def _match_inventory(inventory: Sequence[Examined], library: HashLibrary) -> list[Finding]:
    """Every complete file's digests in one batch lookup; findings in inventory order."""
    complete = [x for x in inventory if x.complete]
    matches = library.match_batch(
        [x.md5 for x in complete], [x.sha1 for x in complete], [x.sha256 for x in complete]
    )
    drafts = [
        drafts_of.hash_match(examined, match)
        for examined, found in zip(complete, matches, strict=True)
        for match in found
        if match.label != "known-good"
    ]
    return [draft.numbered(f"F{i:04d}") for i, draft in enumerate(drafts, 1)]


def _next_number(findings: Sequence[Finding]) -> int:
    numbers = [int(f.id[1:]) for f in findings if f.id[1:].isdigit()]
    return max(numbers, default=0) + 1


def _renumber(findings: list[Finding], start: int) -> list[Finding]:
    return [replace(f, id=f"F{n:04d}") for n, f in enumerate(findings, start=start)]


def _changed_by(
    before: Decision, after: Decision, findings: Sequence[Finding], used: Sequence[LibraryUsed]
) -> tuple[LibraryUsed, ...]:
    """The new sets whose findings the reasons for a changed verdict cite; where the verdict
    fell (a replaced set no longer lists a file), every new set, as the only input that changed."""
    if before.verdict is after.verdict:
        return ()
    by_id = {f.id: f for f in findings}
    cited = {i for r in after.reasons if r.verdict is after.verdict for i in r.finding_ids}
    names = {by_id[i].detail.get("set") for i in cited if by_id[i].kind == "hash-match"}
    return tuple(u for u in used if u.name in names) or tuple(used)


def _section(
    report: LoadedReport, profile: Profile, after: Decision, changed_by: Sequence[LibraryUsed], found: int
) -> dict[str, Any]:
    before = report.result.decision.verdict.value
    change = "; ".join(
        f"hash set {u.name!r} version {u.version or '(none given)'} SHA-256 {u.sha256}" for u in changed_by
    )
    return {
        "Re-matched at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "Evidence read again": "no: re-judged from the signed file inventory of the original report",
        "Original report": str(report.folder),
        "Original manifest SHA-256": report.manifest_sha256,
        "Original signer": report.fingerprint,
        "Verdict before": before,
        "Verdict now": after.verdict.value,
        "Verdict changed by": change or "(verdict unchanged)",
        "New hash matches": str(found),
        "Profile": f"{profile.name} ({profile.path}, SHA-256 {profile.sha256})",
        "Profile at the scan": f"{report.result.profile_name} (SHA-256 {report.result.profile_sha256})",
    }
