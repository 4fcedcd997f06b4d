"""The officer's commands as a process: messages, exit codes, reports, signatures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXIT = {"NO GROUNDS FOUND": 0, "REVIEW": 10, "SEIZE": 20}


def triage(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "triage", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def report_folder(out: Path) -> Path:
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    return folder


def assert_one_line_error(result: subprocess.CompletedProcess, code: int, text: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], result.stderr


def test_help_documents_exit_codes():
    result = triage("scan", "--help")
    assert result.returncode == 0
    for code in ("0   NO GROUNDS FOUND", "10  REVIEW", "20  SEIZE", "3   bad input"):
        assert code in result.stdout


def test_missing_source(tmp_path):
    result = triage("scan", str(tmp_path / "nope.dd"), "--out", str(tmp_path / "out"))
    assert_one_line_error(result, 3, "nope.dd: no such file, directory or device")
    assert not (tmp_path / "out").exists()


def test_empty_file(tmp_path):
    (tmp_path / "empty.dd").write_bytes(b"")
    result = triage("scan", str(tmp_path / "empty.dd"), "--out", str(tmp_path / "out"))
    assert_one_line_error(result, 3, "the file is empty")


def test_random_bytes_give_review_with_nothing_examined(tmp_path):
    (tmp_path / "random.dd").write_bytes(os.urandom(256 * 1024))
    result = triage("scan", str(tmp_path / "random.dd"), "--out", str(tmp_path / "out"), "-q")
    assert result.returncode == EXIT["REVIEW"], result.stderr
    document = json.loads((report_folder(tmp_path / "out") / "findings.json").read_text())
    [volume] = document["coverage"]["volumes"]
    assert not volume["examined"] and "contents look random" in volume["reason"]
    assert document["decision"]["reasons"][0]["rule_id"] in (
        "BUILTIN-NOTHING-EXAMINED",
        "REVIEW-VOLUME-NOT-EXAMINED",
    )


def test_truncated_image_reports_errors_not_a_crash(demo_disk, tmp_path):
    truncated = tmp_path / "truncated.dd"
    truncated.write_bytes(demo_disk.read_bytes()[: 30 * 1024 * 1024])  # ends inside the FAT32 volume
    result = triage("scan", str(truncated), "--out", str(tmp_path / "out"), "-q")
    assert "Traceback" not in result.stderr
    assert result.returncode in (EXIT["REVIEW"], EXIT["SEIZE"]), result.stderr
    document = json.loads((report_folder(tmp_path / "out") / "findings.json").read_text())
    assert document["coverage"]["complete"] is False
    assert any(not v["examined"] for v in document["coverage"]["volumes"])


@pytest.mark.parametrize(
    ("profile_text", "message"),
    [
        ("name = \n", "not valid TOML"),
        ('[[hashsets]]\nname = "x"\npath = "missing.txt"\n', "[[hashsets]] 'x' path: no such file or folder"),
        ('[scan]\nindicators = "missing.toml"\n', "[scan] indicators: no such file or folder"),
        ("[scan]\nmax_keyword_hits = 5\n", "[scan]: unknown key 'max_keyword_hits'"),
        ('extends = "no-such-profile"\n', "profile 'no-such-profile': no such file"),
        ('[[rules]]\nid = "R"\nverdict = "MAYBE"\nkind = "keyword"\n', "verdict must be SEIZE or REVIEW"),
        ('[[rules]]\nverdict = "SEIZE"\nkind = "keyword"\n', "missing required key 'id'"),
    ],
)
def test_profile_errors(demo_disk, tmp_path, profile_text, message):
    profile = tmp_path / "bad.toml"
    profile.write_text(profile_text)
    result = triage("scan", str(demo_disk), "--profile", str(profile), "--out", str(tmp_path / "out"))
    assert_one_line_error(result, 3, message)


def test_unknown_profile_name(demo_disk, tmp_path):
    result = triage("scan", str(demo_disk), "--profile", "no-such-profile", "--out", str(tmp_path))
    assert_one_line_error(result, 3, "profile 'no-such-profile': no such file")


def test_demo_ends_in_a_verified_seize_report(tmp_path):
    result = triage("demo", "--out", str(tmp_path), "-q")
    assert result.returncode == EXIT["SEIZE"], result.stderr
    assert "VERDICT: SEIZE" in result.stdout and "Signature: verified" in result.stdout
    assert triage("verify", str(report_folder(tmp_path))).returncode == 0


@pytest.fixture(scope="module")
def signed_report(tmp_path_factory, demo_disk) -> tuple[Path, Path]:
    """A scan signed with an officer's passphrase-protected key: (report folder, public key)."""
    home = tmp_path_factory.mktemp("officer")
    (home / "pass").write_text("correct horse battery staple\n")
    made = triage("keygen", str(home / "officer.key"), "--passphrase-file", str(home / "pass"))
    assert made.returncode == 0, made.stderr
    assert b"ENCRYPTED PRIVATE KEY" in (home / "officer.key").read_bytes()
    out = home / "reports"
    scanned = triage(
        "scan",
        str(demo_disk),
        "--profile",
        "demo",
        "--key",
        str(home / "officer.key"),
        "--passphrase-file",
        str(home / "pass"),
        "--out",
        str(out),
        "-q",
        "--examiner",
        "PC 1234",
        "--case",
        "CASE/42",
    )
    assert scanned.returncode == EXIT["SEIZE"], scanned.stderr
    return report_folder(out), home / "officer.key.pub"


def test_verify_with_the_officers_public_key(signed_report):
    folder, public = signed_report
    result = triage("verify", str(folder), "--key", str(public))
    assert result.returncode == 0 and "VERIFIED" in result.stdout and "the key you supplied" in result.stdout


def test_wrong_passphrase_is_a_clear_error(demo_disk, signed_report, tmp_path):
    _, public = signed_report
    (tmp_path / "wrong").write_text("not it")
    result = triage(
        "scan",
        str(demo_disk),
        "--key",
        str(public.with_name("officer.key")),
        "--passphrase-file",
        str(tmp_path / "wrong"),
        "--out",
        str(tmp_path / "out"),
    )
    assert_one_line_error(result, 7, "wrong passphrase")


@pytest.mark.parametrize(
    "name", ["report.html", "findings.json", "inventory.jsonl", "manifest.sha256", "manifest.sig"]
)
def test_one_changed_byte_fails_verification(signed_report, tmp_path, name):
    folder, public = signed_report
    copy = shutil.copytree(folder, tmp_path / "copy")
    data = bytearray((copy / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / name).write_bytes(bytes(data))
    result = triage("verify", str(copy), "--key", str(public))
    assert result.returncode == 4
    assert "VERIFICATION FAILED" in result.stdout
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and (name in failed[0] or "manifest" in failed[0])


def test_a_resigned_report_fails_against_the_officers_key(signed_report, tmp_path):
    from triage.signing import one_time_key, outputs_to_sign, sign_folder

    folder, public = signed_report
    copy = shutil.copytree(folder, tmp_path / "forged")
    (copy / "findings.json").write_text("{}")
    sign_folder(copy, outputs_to_sign(copy), one_time_key())
    assert triage("verify", str(copy)).returncode == 0  # self-consistent...
    assert triage("verify", str(copy), "--key", str(public)).returncode == 4  # ...but not the officer's


@pytest.mark.skipif(
    shutil.which("openssl") is None or shutil.which("sha256sum") is None,
    reason="openssl or sha256sum not installed",
)
def test_openssl_alone_verifies_the_report(signed_report):
    folder, _ = signed_report
    signature = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "signer.pub",
            "-rawin",
            "-in",
            "manifest.sha256",
            "-sigfile",
            "manifest.sig",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert signature.returncode == 0 and "Signature Verified Successfully" in signature.stdout
    assert subprocess.run(["sha256sum", "-c", "--quiet", "manifest.sha256"], cwd=folder).returncode == 0


def test_report_records_case_profile_and_libraries(signed_report):
    folder, _ = signed_report
    document = json.loads((folder / "findings.json").read_text())
    assert (document["examiner"], document["case_reference"]) == ("PC 1234", "CASE/42")
    assert document["profile_name"] == "demo" and len(document["profile_sha256"]) == 64
    assert {lib["kind"] for lib in document["libraries"]} >= {"hash set", "keyword list"}
    assert all(len(lib["sha256"]) == 64 for lib in document["libraries"])
    assert document["signer"]["key"] == "officer key officer.key"
