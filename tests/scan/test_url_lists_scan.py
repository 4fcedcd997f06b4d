"""Issue 22, done when: a folder with a Chrome History holding a listed URL written differently, a
subdomain of a listed domain and look-alike hosts gives exactly the two expected url-match
findings, with a plain list and with a hashed one, each naming its list and entry; a bundle with
a hashed list holds no listed address in clear."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.agent.device import ALICE_CHROME, Visit, write_history
from triage.library.bundle import add_urls, sign_bundle
from triage.report import write_report
from triage.scan import ScanOptions, ScanResult, run_scan
from triage.signing import generate_keypair, load_signing_key, one_time_key

LISTED_URL = "https://forum.example.org/board/42"
LISTED_DOMAIN = "risky-shop.test"
PLAIN_LIST = f"# generated test list, not a real one\n{LISTED_URL}\n{LISTED_DOMAIN}\n"
VISITS = [
    Visit(
        "HTTPS://FORUM.Example.ORG:443/board/42/?utm_source=mail&fbclid=abc#reply",
        "Board",
        "2026-11-20T10:00:00",
    ),
    Visit("https://kids.risky-shop.test/uniforms", "Uniforms", "2026-11-20T10:05:00"),
    Visit("https://risky-shop.test.evil.example/", "look-alike 1", "2026-11-20T10:10:00"),
    Visit("https://notrisky-shop.test/", "look-alike 2", "2026-11-20T10:11:00"),
    Visit("https://forum.example.org/board/421", "look-alike 3", "2026-11-20T10:12:00"),
    Visit("https://forum.example.org.evil.example/board/42", "look-alike 4", "2026-11-20T10:13:00"),
    Visit("https://forum.example.org/board", "parent page", "2026-11-20T10:14:00"),
    Visit("https://r\u0456sky-shop.test/", "Cyrillic i", "2026-11-20T10:15:00"),
]


def _device(tmp_path: Path) -> Path:
    root = tmp_path / "device"
    write_history(root / ALICE_CHROME, VISITS)
    return root


def _hashed_list(tmp_path: Path) -> Path:
    digests = [hashlib.sha256(x.encode()).hexdigest() for x in (LISTED_URL, LISTED_DOMAIN)]
    path = tmp_path / "hashed.txt"
    path.write_text("# SHA-256 of normalised entries\n" + "\n".join(digests) + "\n")
    return path


def _bundle(tmp_path: Path, source: Path, hash_entries: bool) -> tuple[Path, Path]:
    bundle = tmp_path / "bundle"
    add_urls(bundle, source, "unit-known-bad", "known-bad", hash_entries)
    public = generate_keypair(tmp_path / "unit.key", b"pw")
    sign_bundle(bundle, load_signing_key(tmp_path / "unit.key", b"pw"), "1", "test")
    return bundle, public


def _scan(tmp_path: Path, how: str) -> tuple[ScanResult, Path | None]:
    plain = tmp_path / "plain.txt"
    plain.write_text(PLAIN_LIST)
    profile = tmp_path / "offender" / "profile.toml"
    profile.parent.mkdir()
    text = 'extends = "default"\nname = "t"\n'
    bundle = None
    if how == "loose plain":
        (profile.parent / "risk-sites.txt").write_text(PLAIN_LIST)
        text += '[[url_lists]]\nname = "risk-sites"\npath = "risk-sites.txt"\nlabel = "known-bad"\n'
    else:
        source = _hashed_list(tmp_path) if how == "bundle hashed" else plain
        bundle, public = _bundle(tmp_path, source, how == "bundle plain, hashed on import")
        text += f'[[bundles]]\npath = "{bundle}"\nissuers = ["{public}"]\n'
    profile.write_text(text)
    return run_scan(ScanOptions((str(_device(tmp_path)),), str(profile), hash_sources=False)), bundle


@pytest.mark.parametrize("how", ["loose plain", "bundle hashed", "bundle plain, hashed on import"])
def test_exactly_the_listed_url_and_the_subdomain_are_found(tmp_path: Path, how: str) -> None:
    result, _ = _scan(tmp_path, how)
    found = sorted(
        (f for f in result.findings if f.kind == "url-match"), key=lambda f: f.detail["entry_line"]
    )
    name = "risk-sites" if how == "loose plain" else "unit-known-bad"
    hashed = how != "loose plain"
    assert [(f.label, f.detail["list"], f.detail["entry_line"], f.detail["match"]) for f in found] == [
        ("known-bad", name, 2, "any" if how == "bundle hashed" else "url"),
        ("known-bad", name, 3, "any" if how == "bundle hashed" else "domain"),
    ]
    assert [f.detail["entry"] for f in found] == (["", ""] if hashed else [LISTED_URL, LISTED_DOMAIN])
    assert [f.detail["addresses"][0]["address"] for f in found] == [VISITS[0].url, VISITS[1].url]
    assert [f.detail["addresses"][0]["matched_as"] for f in found] == (
        ["URL", "domain"] if hashed else ["URL", f"domain {LISTED_DOMAIN}"]
    )
    first = found[0].detail["addresses"][0]
    assert (first["user"], first["time"], first["visit_count"]) == ("alice", "2026-11-20T10:00:00+00:00", 1)
    (reason,) = [r for r in result.decision.reasons if r.rule_id == "REVIEW-KNOWN-BAD-URL"]
    assert reason.finding_ids == tuple(f.id for f in found)
    (used,) = [lib for lib in result.libraries if lib.kind.startswith("URL list")]
    assert (used.name, used.entries, used.label, len(used.sha256)) == (name, 2, "known-bad", 64)
    assert used.kind == ("URL list (hashed)" if hashed else "URL list")


def test_the_report_has_a_section_per_user_with_list_and_entry(tmp_path: Path) -> None:
    result, _ = _scan(tmp_path, "bundle hashed")
    rows = result.sections["Listed addresses: user alice"]
    assert [(r["Time (UTC)"], r["Visits"], r["List"], r["Entry"]) for r in rows] == [
        ("2026-11-20 10:00:00", 1, "unit-known-bad (known-bad)", "line 2 (hashed) [URL]"),
        ("2026-11-20 10:05:00", 1, "unit-known-bad (known-bad)", "line 3 (hashed) [domain]"),
    ]
    html = (write_report(result, tmp_path / "report", one_time_key()).parent / "report.html").read_text()
    assert "Listed addresses: user alice" in html
    assert "kids.risky-shop.test/uniforms" in html  # the device's own address is the evidence


@pytest.mark.parametrize("how", ["bundle hashed", "bundle plain, hashed on import"])
def test_a_hashed_bundle_holds_no_listed_address_in_clear(tmp_path: Path, how: str) -> None:
    _, bundle = _scan(tmp_path, how)
    assert bundle is not None
    data = b"".join(p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file())
    assert len(data) > 0
    for clear in (LISTED_URL, LISTED_DOMAIN, "forum.example.org", "board/42", "risky-shop"):
        for encoding in ("utf-8", "utf-16-le"):
            assert clear.encode(encoding) not in data, (clear, encoding)
