"""Keywords in a user's registry hive are reported as the key and value they are in (regipy),
on plaso's NTUSER-CCLEANER.DAT (peerdata MANIFEST: a Software\\Piriform\\CCleaner key whose
values include CookiesToSave = *.piriform.com)."""

from __future__ import annotations

import pytest

from triage.library import HashLibrary
from triage.match.analyzers import ANALYZERS
from triage.match.inputs import StageInputs
from triage.match.keywords import Keyword, KeywordScanner
from triage.match.registry_keywords import REGISTRY_KEYWORDS
from triage.profile import load_profile
from triage.records import Content, Entry, Examined, FindingDraft, Problem
from triage.scan.examine import examine_content

HIVE = "MS Windows registry file, NT/2000 or above"


def inputs(*keywords: Keyword) -> StageInputs:
    return StageInputs(load_profile("default"), HashLibrary([]), KeywordScanner(keywords))


def examined(path: str, size: int) -> Examined:
    return Examined(Entry("disk.dd", 1, path, size), "application/octet-stream", HIVE)


@pytest.mark.peerdata
def test_a_hit_in_a_hive_names_its_key_and_value(peerdata):
    data = peerdata("plaso", "test_data", "NTUSER-CCLEANER.DAT").read_bytes()
    user_hive = examined("/Users/dave/NTUSER.DAT", len(data))
    assert REGISTRY_KEYWORDS in ANALYZERS and REGISTRY_KEYWORDS.wants(user_hive)
    [finding] = REGISTRY_KEYWORDS.analyze(user_hive, data, inputs(Keyword("piriform", "tools", 2.0)))
    assert isinstance(finding, FindingDraft)
    assert finding.summary == (
        "Keyword 'piriform' (tools) in registry key '\\\\Software\\\\Piriform\\\\CCleaner'"
        " value 'CookiesToSave' and 1 more"
    )
    assert finding.detail["registry"] == [
        "key '\\\\Software\\\\Piriform\\\\CCleaner' value 'CookiesToSave'",
        "key '\\\\Software\\\\Piriform'",
    ]
    assert [(c["encoding"], c["text"]) for c in finding.detail["contexts"]] == [
        ("value data", "*.piriform.com"),
        ("key name", "Piriform"),
    ]
    assert (finding.detail["context"], finding.weight, finding.detail["occurrences"]) == ("registry", 2.0, 2)


@pytest.mark.peerdata
def test_the_pipeline_reports_both_the_raw_hit_and_the_key(peerdata):
    data = peerdata("plaso", "test_data", "NTUSER-CCLEANER.DAT").read_bytes()
    entry = Entry("disk.dd", 1, "/Users/dave/NTUSER.DAT", len(data))
    records = list(examine_content(Content(entry, data), inputs(Keyword("piriform"))))
    keyword = [r for r in records if isinstance(r, FindingDraft) and r.kind == "keyword"]
    assert sorted((f.detail["where"], f.detail["context"]) for f in keyword) == [
        ("content", "registry"),
        ("registry keys and values", "registry"),
    ]


def test_system_hives_are_not_walked_and_damage_is_reported():
    assert not REGISTRY_KEYWORDS.wants(examined("/Windows/System32/config/SOFTWARE", 10))
    broken = b"regf" + bytes(5000)
    [problem] = REGISTRY_KEYWORDS.analyze(examined("/Users/a/NTUSER.DAT", 5004), broken, inputs(Keyword("x")))
    assert isinstance(problem, Problem) and problem.kind == "damaged"
    assert problem.what.startswith("registry hive not walked for keywords (the raw bytes were scanned)")
