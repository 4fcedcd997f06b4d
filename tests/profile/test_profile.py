"""Typed, checked profiles: every setting is read and checked when the profile loads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from triage.profile import (
    BundleRef,
    MonitoringAgent,
    ProfileError,
    Rule,
    ScanSettings,
    data_root,
    load_profile,
)
from triage.records import Verdict
from triage.scan import ScanOptions, run_scan

DATA = data_root()


def write(folder: Path, text: str, name: str = "p.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_the_default_profile_is_read_into_typed_settings() -> None:
    profile = load_profile("default")
    assert profile.scan == ScanSettings(20, 300.0, 60.0, None, ())
    assert profile.bundles == (
        BundleRef(
            DATA / "profiles" / "../hashsets/demo-bundle",
            (DATA / "profiles" / "../hashsets/issuers/demo-issuer.pub",),
        ),
    )
    assert len(profile.rules) == 21  # with REVIEW-REMOVABLE-STORAGE-NOT-PRESENT (issue 17)
    assert profile.rules[0] == Rule(
        "SEIZE-KNOWN-BAD-HASH",
        Verdict.SEIZE,
        "hash-match",
        "A file matches a known-bad hash set",
        "known-bad",
    )
    assert profile.perceptual.max_distance == {"pdq": 31, "phash": 10, "dhash": 10}
    assert [s.name for s in profile.perceptual_sets] == [
        "demo-known-bad-pdq",
        "demo-known-bad-phash",
        "demo-known-bad-dhash",
    ]


def test_scan_settings_and_monitoring_agents_are_typed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[scan]\nagent_time_tolerance_seconds = 90\nagent_heartbeat_gap_minutes = 2.5\n"
        '[[scan.monitoring_agents]]\nname = "M"\nos = "linux"\npaths = ["/opt/m/*"]\n',
    )
    scan = load_profile(str(path)).scan
    assert scan == ScanSettings(20, 90.0, 2.5, None, (MonitoringAgent("M", "linux", ("/opt/m/*",), ()),))
    assert isinstance(scan.agent_time_tolerance_seconds, float)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[scan]\nagent_time_tolerance_seconds = "5m"\n',
            "[scan] agent_time_tolerance_seconds must be a number >= 0, not '5m'",
        ),
        (
            "[scan]\nmax_keyword_hits_per_file = true\n",
            "[scan] max_keyword_hits_per_file must be a whole number",
        ),
        (
            "[scan]\nmax_keyword_hits_per_file = -1\n",
            "[scan] max_keyword_hits_per_file must be a whole number >= 0",
        ),
        (
            "[scan]\nthumbnails = true\n",
            "[scan]: unknown key 'thumbnails' (known: max_keyword_hits_per_file, ",
        ),
        (
            "[scan]\nmax_keyword_hits = 5\n",
            "unknown key 'max_keyword_hits' (did you mean 'max_keyword_hits_per_file'?)",
        ),
        ("colour = 1\n", "unknown key 'colour'"),
        ('[scan]\nindicators = "missing.toml"\n', "[scan] indicators: no such file or folder "),
        ("[scan]\nindicators = 3\n", "[scan] indicators must be a list, not 3"),
        (
            '[[rules]]\nid = "R"\nverdict = "SEIZE"\nkind = "k"\nmin_cout = 2\n',
            "[[rules]] 'R': unknown key 'min_cout'",
        ),
        (
            '[[rules]]\nid = "R"\nverdict = "SEIZE"\nkind = "k"\nmin_count = "2"\n',
            "[[rules]] 'R' min_count must",
        ),
        (
            '[[rules]]\nid = "R"\nverdict = "NO GROUNDS FOUND"\nkind = "k"\n',
            "[[rules]] 'R' verdict must be SEIZE",
        ),
        (
            '[[rules]]\nid = "R"\nverdict = "SEIZE"\nkind = "k"\n' * 2,
            "[[rules]] 'R' appears twice",
        ),
        (
            '[[scan.monitoring_agents]]\nname = "M"\nos = "beos"\n',
            "[scan] monitoring_agents[0] os must be one of windows, linux, macos, not 'beos'",
        ),
        (
            '[[perceptual_sets]]\nname = "p"\nformat = "pdq"\n',
            "[[perceptual_sets]] 'p': missing required key 'path'",
        ),
        (
            "[perceptual]\npdq_max_distance = -1\n",
            "[perceptual] pdq_max_distance must be a whole number >= 0",
        ),
        ('[remove]\nrules = ["R"]\n', "[remove] needs extends"),
        ("rules = 3\n", "rules must be an array of tables"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    assert str(caught.value).startswith(f"profile {path}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_file_a_profile_names_must_exist(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    path = write(tmp_path, '[[bundles]]\npath = "b"\nissuers = ["missing.pub"]\n')
    with pytest.raises(
        ProfileError, match=r"\[\[bundles\]\] 'b' issuers\[0\]: no such file or folder .*missing.pub"
    ):
        load_profile(str(path))


def test_relative_paths_resolve_against_the_profile_folder(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "unit"
    write(folder, "0123456789abcdef0123456789abcdef\n", "h.txt")
    write(folder, "[[indicator]]\nid = 'x'\ncondition = 'c'\n", "ind.toml")
    path = write(folder, '[scan]\nindicators = "ind.toml"\n[[hashsets]]\nname = "h"\npath = "h.txt"\n')
    monkeypatch.chdir(tmp_path)
    profile = load_profile("unit/p.toml")
    assert profile.hashsets[0].path == path.parent / "h.txt"
    assert profile.scan.indicators == (path.parent / "ind.toml",)


def test_the_5m_setting_stops_the_scan_before_any_evidence_is_opened(tmp_path: Path) -> None:
    """Issue 13: it used to run the whole scan, then end in "internal error" (exit 1)."""
    path = write(tmp_path, '[scan]\nagent_time_tolerance_seconds = "5m"\n')
    options = ScanOptions((str(tmp_path / "no-such-source.dd"),), str(path), hash_sources=False)
    with pytest.raises(ProfileError, match="agent_time_tolerance_seconds must be a number"):
        run_scan(options)  # a SourceError would mean the evidence was opened first


def triage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRIAGE_PASSPHRASE": "x"}
    return subprocess.run([sys.executable, "-m", "triage", *args], capture_output=True, text=True, env=env)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[scan]\nagent_time_tolerance_seconds = "5m"\n',
            "[scan] agent_time_tolerance_seconds must be a number",
        ),
        ('[scan]\nindicators = "missing.toml"\n', "[scan] indicators: no such file or folder"),
        ("[scan]\nmax_keyword_hits = 5\n", "[scan]: unknown key 'max_keyword_hits'"),
    ],
)
def test_the_cli_exits_3_with_one_line_before_reading_evidence(
    tmp_path: Path, text: str, message: str
) -> None:
    profile = write(tmp_path, text)
    (tmp_path / "device").mkdir()
    (tmp_path / "device" / "a.txt").write_text("hello")
    alerts = DATA / "docs" / "agent-exchange" / "examples" / "alerts.csv"
    result = triage(
        "scan", str(tmp_path / "device"), "--profile", str(profile), "--out", str(tmp_path / "out"),
        "--agent-alerts", str(alerts), "--skip-source-hash", "--quiet",
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: profile {profile}: ") and message in lines[0]
    assert not list((tmp_path / "out").rglob("scan.journal"))  # stopped before the journal began


def test_default_toml_documents_every_field() -> None:
    """A new setting is a field in triage/profile/model.py and a line in profiles/default.toml."""
    import dataclasses

    from triage.profile import HashSetRef, KeywordListRef, PerceptualSetRef, PerceptualSettings
    from triage.profile.merge import Removals

    text = (DATA / "profiles" / "default.toml").read_text()
    documented = set(re.findall(r"[a-z_]+", text))
    classes = (
        ScanSettings,
        MonitoringAgent,
        Rule,
        BundleRef,
        HashSetRef,
        KeywordListRef,
        PerceptualSetRef,
        Removals,
    )
    fields = {f.name for cls in classes for f in dataclasses.fields(cls)}
    fields |= {f.name for f in dataclasses.fields(PerceptualSettings)} - {"max_distance"}
    fields |= {"pdq_max_distance", "phash_max_distance", "dhash_max_distance", "extends", "remove", "name"}
    assert sorted(fields - documented) == []


def test_batch_checks_the_profile_once_before_any_device(tmp_path: Path) -> None:
    profile = write(tmp_path, "[scan]\nmax_keyword_hits_per_file = 1.5\n")
    result = triage(
        "batch", str(tmp_path / "none"), "--profile", str(profile), "--out", str(tmp_path / "out")
    )
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: profile {profile}: [scan] max_keyword_hits_per_file must be a whole number >= 0, not 1.5"
    ]
    assert not (tmp_path / "out").exists()


def test_an_unknown_hash_set_format_names_the_profile_and_set(tmp_path: Path) -> None:
    from triage.library.loading import load_libraries

    write(tmp_path, "0123456789abcdef0123456789abcdef\n", "h.txt")
    path = write(tmp_path, '[[hashsets]]\nname = "h"\npath = "h.txt"\nformat = "nope"\n')
    with pytest.raises(
        ProfileError, match=rf"^profile {path}: \[\[hashsets\]\] 'h': unknown hash-set format 'nope'"
    ):
        load_libraries(load_profile(str(path)))
