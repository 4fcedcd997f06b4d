"""`triage library`: import, sign, info, lookup through the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.library.helpers import made
from triage.cli import cli
from triage.signing import generate_keypair

A, B = made(1), made(2)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["library", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_import_sign_info_lookup(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TRIAGE_KEY_PASSPHRASE", "pw")
    public = generate_keypair(tmp_path / "unit.key", b"pw")
    sums = tmp_path / "sums.txt"
    sums.write_text(f"{A.md5}  a.jpg\n{B.sha1}  b.jpg\ngarbage\n")
    bundle = str(tmp_path / "lib")
    code, out = run("import", "md5sum", str(sums), "--name", "unit-bad", "--label", "known-bad", "-b", bundle)
    assert code == 0
    assert out.splitlines()[:3] == [
        "unit-bad (known-bad): 2 records -> 1 MD5, 1 SHA1",
        "repeated digests dropped: 0; bad lines: 1",
        "  bad: sums.txt line 3: not a checksum line: 'garbage'",
    ]
    code, out = run("sign", bundle, "--key", str(tmp_path / "unit.key"), "--version", "7", "--source", "test")
    assert (code, out[:31]) == (0, "signed lib 7: 9 files, issuer S")
    code, out = run("info", bundle, "--issuer", str(public))
    assert code == 0
    assert "set      unit-bad (known-bad): 1 MD5, 1 SHA1; bad lines 1" in out.splitlines()
    assert out.splitlines()[-1].startswith("VERIFIED by SHA256:")
    code, out = run("lookup", A.md5.upper(), made(3).md5, "-b", bundle)
    assert code == 0
    assert out.splitlines() == [
        f"{A.md5} (MD5): found",
        "  unit-bad [known-bad] FileName=a.jpg",
        f"{made(3).md5} (MD5): not found",
    ]
    assert run("lookup", "xyz", "-b", bundle) == (0, "xyz: not an MD5, SHA-1 or SHA-256\n")


def test_lookup_in_a_profiles_verified_libraries() -> None:
    from triage.profile import data_root

    lines = (data_root() / "hashsets" / "demo" / "known-bad.txt").read_text().splitlines()
    digest, category = next(line.split() for line in lines if line and not line.startswith("#"))
    code, out = run("lookup", digest, "--profile", "demo")
    algorithm = {32: "MD5", 64: "SHA256"}[len(digest)]
    expected = [f"{digest} ({algorithm}): found", f"  demo-known-bad [known-bad] {category}"]
    assert (code, out.splitlines()) == (0, expected)
