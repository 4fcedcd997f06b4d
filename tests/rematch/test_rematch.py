"""Re-match a signed report against a new hash set, with the evidence gone."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import triage.scan
import triage.sources
from tests.batch.devices import BENIGN_TEXT, build_clean_image, md5_of
from triage.cli import cli
from triage.decide import decide
from triage.library import load_hashset
from triage.plain import from_plain, to_plain
from triage.profile import load_profile
from triage.records import Verdict
from triage.rematch import SECTION, new_hash_set, rematch
from triage.report import write_report
from triage.report.load import ReportError, load_report
from triage.scan import ScanOptions, ScanResult, run_scan
from triage.signing import one_time_key, verify_folder


@pytest.fixture(scope="module")
def clean_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A NO GROUNDS FOUND report of a clean FAT image; the image is then moved away."""
    folder = tmp_path_factory.mktemp("clean")
    image = folder / "stick.img"
    build_clean_image(image)
    result = run_scan(ScanOptions((str(image),), "demo"))
    assert result.decision.verdict is Verdict.NO_GROUNDS
    write_report(result, folder / "report", one_time_key())
    image.rename(folder / "stick.img.moved")
    return folder / "report"


@pytest.fixture
def no_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: str) -> None:
        raise AssertionError(f"rematch opened evidence {path}")

    monkeypatch.setattr(triage.sources, "open_source", refuse)
    monkeypatch.setattr(triage.scan, "open_source", refuse, raising=False)


def _new_set(tmp_path: Path, lines: str, name: str = "unit-update"):
    path = tmp_path / f"{name}.txt"
    path.write_text(lines)
    return new_hash_set(load_hashset(path, name, "known-bad"), str(path)), path


def test_a_new_hash_flips_the_clean_device_to_seize_without_the_evidence(
    clean_report: Path, tmp_path: Path, no_evidence: None
) -> None:
    new, path = _new_set(tmp_path, f"{md5_of(BENIGN_TEXT)} test-category\n")
    outcome = rematch(load_report(clean_report), [new], load_profile("demo"))
    result = outcome.result
    assert (outcome.before.verdict, result.decision.verdict) == (Verdict.NO_GROUNDS, Verdict.SEIZE)
    [finding] = result.findings
    assert (finding.id, finding.kind, finding.label, finding.entry.path) == (
        "F0001",
        "hash-match",
        "known-bad",
        "/notes.txt",
    )
    assert finding.detail == {
        "set": "unit-update",
        "algorithm": "md5",
        "digest": md5_of(BENIGN_TEXT),
        "category": "test-category",
    }
    assert [u.name for u in outcome.changed_by] == ["unit-update"]
    section = result.sections[SECTION]
    assert section["Verdict before"] == "NO GROUNDS FOUND" and section["Verdict now"] == "SEIZE"
    assert section["Verdict changed by"] == (
        f"hash set 'unit-update' version (none given) SHA-256 {outcome.changed_by[0].sha256}"
    )
    import hashlib

    assert outcome.changed_by[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    out = tmp_path / "rematched"
    write_report(result, out, one_time_key())
    assert verify_folder(out).ok
    assert "unit-update" in (out / "report.html").read_text()
    assert len((out / "inventory.jsonl").read_text().splitlines()) == len(result.inventory) == 3


def test_an_unrelated_hash_leaves_the_verdict_and_says_so(clean_report: Path, tmp_path: Path) -> None:
    new, _ = _new_set(tmp_path, "0" * 64 + "\n")
    outcome = rematch(load_report(clean_report), [new], load_profile("demo"))
    assert outcome.result.decision.verdict is Verdict.NO_GROUNDS
    assert (outcome.changed_by, outcome.new_matches) == ((), 0)
    assert outcome.result.sections[SECTION]["Verdict changed by"] == "(verdict unchanged)"


def test_a_replaced_set_drops_its_old_matches_and_keeps_other_findings(
    demo_disk: Path, tmp_path: Path
) -> None:
    result = run_scan(ScanOptions((str(demo_disk),), "demo", hash_sources=False))
    write_report(result, tmp_path / "demo", one_time_key())
    new, _ = _new_set(tmp_path, "0" * 32 + "\n", name="demo-known-bad")
    outcome = rematch(load_report(tmp_path / "demo"), [new], load_profile("demo"))
    others = [f for f in result.findings if f.kind != "hash-match"]
    assert any(f.kind == "hash-match" for f in result.findings)
    assert list(outcome.result.findings) == others  # same records, same ids, no old matches
    profile = load_profile("demo")
    assert outcome.result.decision == decide(others, result.coverage, profile.rules)
    changed = outcome.result.decision.verdict is not Verdict.SEIZE
    assert [u.name for u in outcome.changed_by] == (["demo-known-bad"] if changed else [])
    others_used = [lib.name for lib in result.libraries if lib.name != "demo-known-bad"]
    assert [lib.name for lib in outcome.result.libraries] == [*others_used, "demo-known-bad"]
    assert outcome.result.libraries[-1].sha256 == new.used.sha256


def test_a_tampered_report_is_refused(clean_report: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for item in clean_report.iterdir():
        (copy / item.name).write_bytes(item.read_bytes())
    inventory = copy / "inventory.jsonl"
    inventory.write_text(inventory.read_text().replace("/notes.txt", "/other.txt"))
    with pytest.raises(ReportError, match=r"inventory.jsonl: altered"):
        load_report(copy)


def test_findings_json_reads_back_into_the_same_records(demo_disk: Path, tmp_path: Path) -> None:
    result = run_scan(ScanOptions((str(demo_disk),), "demo", hash_sources=False))
    plain = json.loads(json.dumps(to_plain(result)))
    back: ScanResult = from_plain(ScanResult, plain)
    for name in ("findings", "coverage", "decision", "sources", "libraries", "problems", "inventory"):
        assert getattr(back, name) == getattr(result, name), name
    assert replace(back, sections={}, artefacts=(), environment={}).started == result.started


def test_cli_rematch_exits_seize_and_writes_a_verified_report(clean_report: Path, tmp_path: Path) -> None:
    hashes = tmp_path / "update.txt"
    hashes.write_text(f"{md5_of(BENIGN_TEXT)}\n")
    out = tmp_path / "out"
    run = CliRunner().invoke(
        cli, ["rematch", str(clean_report), "--library", f"update={hashes}", "--out", str(out)]
    )
    assert run.exit_code == 20, run.output
    assert run.output.splitlines()[0] == "VERDICT: SEIZE (was NO GROUNDS FOUND)"
    [folder] = out.iterdir()
    assert verify_folder(folder).ok


def test_a_signed_bundle_update_names_its_version_and_needs_a_trusted_issuer(
    clean_report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIAGE_KEY_PASSPHRASE", "unit test passphrase")
    runner = CliRunner()
    hashes, bundle, key = tmp_path / "update.txt", tmp_path / "unit-bundle", tmp_path / "issuer.key"
    hashes.write_text(f"{md5_of(BENIGN_TEXT)} test-category\n")
    steps = [
        ["keygen", str(key)],
        [
            "library",
            "import",
            "plain",
            str(hashes),
            "-n",
            "unit-known-bad",
            "-l",
            "known-bad",
            "-b",
            str(bundle),
        ],
        [
            "library",
            "sign",
            str(bundle),
            "--key",
            str(key),
            "--version",
            "2026.11.2",
            "--source",
            "unit test",
        ],
    ]
    for step in steps:
        assert runner.invoke(cli, step).exit_code == 0, step
    untrusted = runner.invoke(
        cli, ["rematch", str(clean_report), "--library", str(bundle), "-o", str(tmp_path / "x")]
    )
    assert untrusted.exit_code == 3 and "failed verification" in untrusted.output
    args = [
        "rematch",
        str(clean_report),
        "--library",
        str(bundle),
        "--issuer",
        str(key.with_name(key.name + ".pub")),
    ]
    run = runner.invoke(cli, [*args, "-o", str(tmp_path / "out")])
    assert run.exit_code == 20, run.output
    assert run.output.splitlines()[1].startswith(
        "  changed by hash set 'unit-known-bad' version unit-bundle 2026.11.2 "
    )
    [folder] = (tmp_path / "out").iterdir()
    section = json.loads((folder / "findings.json").read_text())["sections"][SECTION]
    assert section["Verdict changed by"].startswith(
        "hash set 'unit-known-bad' version unit-bundle 2026.11.2 SHA-256 "
    )
