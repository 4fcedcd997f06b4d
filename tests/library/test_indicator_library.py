"""The indicator library is a library like the others: recorded, reported, signed in bundles."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.library.cli import library
from triage.library.indicators import KIND, import_indicators, load_indicators, read_indicator_file
from triage.library.loading import UNSIGNED_WARNING, load_libraries, open_bundles
from triage.library.perceptual.loading import import_perceptual, load_perceptual
from triage.profile import ProfileError, bundled_indicators, data_root, load_profile
from triage.report.html import render_html
from triage.scan import ScanOptions, run_scan
from triage.signing import SigningKey

SHIPPED = bundled_indicators()
SHIPPED_SHA256 = hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
PDQ = data_root() / "hashsets" / "demo" / "known-bad.pdq.txt"


@pytest.fixture(scope="module")
def signed_bundle(tmp_path_factory: pytest.TempPathFactory, issuer: tuple[SigningKey, Path]) -> Path:
    from triage.library.bundle import sign_bundle

    bundle = tmp_path_factory.mktemp("b") / "unit-lib"
    assert import_indicators(bundle, SHIPPED, "unit-indicators") == 17
    assert import_perceptual(bundle, PDQ, "unit-pdq", "pdq", "known-bad") == len(_lines(PDQ))
    sign_bundle(bundle, issuer[0], "2026.2", "generated test data")
    return bundle


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def profile_with(tmp_path: Path, bundle: Path, issuer_pub: Path, extra: str = "") -> Path:
    path = tmp_path / "p.toml"
    path.write_text(f'name = "t"\n{extra}[[bundles]]\npath = "{bundle}"\nissuers = ["{issuer_pub}"]\n')
    return path


def test_the_shipped_library_is_recorded_with_its_sha256() -> None:
    used: list = []
    library = load_indicators(load_profile("default"), used)
    assert len(library.indicators) == 17 and library.version == "2026-12-02"
    assert [(u.kind, u.name, u.path, u.sha256, u.entries, u.version) for u in used] == [
        (KIND, "indicators", str(SHIPPED), SHIPPED_SHA256, 17, "2026-12-02")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[indicator]]\nname = 'no id'\ncondition = 'c'\n", "an [[indicator]] is malformed"),
        ("[[indicator]]\nid = 'x'\ncondition = 'c'\npaths = '*/x'\n", "paths and software must be lists"),
        ("version = '1'\n", "no [[indicator]] entries"),
        ("[[indicator]\n", "not valid TOML"),
    ],
)
def test_a_malformed_indicator_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ind.toml"
    path.write_text(text)
    with pytest.raises(ProfileError, match=f"^indicator library {path}: .*{message.replace('[', '.')}"):
        read_indicator_file(path)


def test_a_scan_lists_the_indicator_library_in_the_report(tmp_path: Path) -> None:
    (tmp_path / "device").mkdir()
    (tmp_path / "device" / "a.txt").write_text("hello")
    result = run_scan(ScanOptions((str(tmp_path / "device"),), "default", hash_sources=False))
    rows = [(u.kind, u.sha256, u.entries) for u in result.libraries if u.kind == KIND]
    assert rows == [(KIND, SHIPPED_SHA256, 17)]
    html = render_html(result, {"key": "k", "fingerprint": "f"})
    row = f"<td>{KIND}</td><td>indicators</td><td></td><td>17</td><td>2026-12-02</td><td>not checked</td>"
    assert f'{row}<td class="mono">{SHIPPED_SHA256}</td>' in html


def test_indicators_and_perceptual_sets_in_a_signed_bundle_are_verified(
    signed_bundle: Path, issuer, tmp_path: Path
) -> None:
    profile = load_profile(str(profile_with(tmp_path, signed_bundle, issuer[1])))
    bundles = open_bundles(profile)
    used: list = []
    indicators = load_indicators(profile, used, bundles)  # the bundle's only: it carries indicators
    perceptual = load_perceptual(profile, used, bundles)
    assert len(indicators.indicators) == 17 and [s.name for s in perceptual.sets] == ["unit-pdq"]
    assert [(u.kind, u.name, u.version, u.signed) for u in used] == [
        (KIND, "unit-indicators", "unit-lib 2026.2", "verified"),
        ("perceptual hash set", "unit-pdq", "unit-lib 2026.2", "verified"),
    ]
    assert used[0].sha256 == SHIPPED_SHA256
    assert used[1].sha256 == hashlib.sha256(PDQ.read_bytes()).hexdigest()


def test_an_altered_indicator_file_in_a_bundle_is_refused(
    signed_bundle: Path, issuer, tmp_path: Path
) -> None:
    bundle = Path(shutil.copytree(signed_bundle, tmp_path / "copy"))
    target = bundle / "indicators" / "unit-indicators.toml"
    target.write_text(target.read_text().replace('"*/tor.exe", ', ""))
    profile = load_profile(str(profile_with(tmp_path, bundle, issuer[1])))
    with pytest.raises(ProfileError, match=r"indicators/unit-indicators\.toml: altered"):
        open_bundles(profile)
    used: list = []
    load_indicators(profile, used, open_bundles(profile, allow_unsigned=True))
    assert (
        used[0].signed
        == UNSIGNED_WARNING
        + "indicators/unit-indicators.toml: altered (SHA-256 differs from the signed manifest)"
    )


def test_the_same_indicator_from_two_libraries_is_refused(
    signed_bundle: Path, issuer, tmp_path: Path
) -> None:
    extra = f'[scan]\nindicators = "{SHIPPED}"\n'
    profile = load_profile(str(profile_with(tmp_path, signed_bundle, issuer[1], extra)))
    with pytest.raises(
        ProfileError, match="indicator 'tor-browser' is defined by more than one indicator library"
    ):
        load_indicators(profile, [], open_bundles(profile))


def test_a_bundle_without_the_new_lists_still_loads(tmp_path: Path) -> None:
    """Bundles signed before indicators and perceptual sets could be in them (the demo bundle)."""
    profile = load_profile("default")
    (checked,) = open_bundles(profile)
    assert (checked.bundle.indicator_files, checked.bundle.perceptual_files) == ((), ())
    _, _, used = load_libraries(profile, bundles=open_bundles(profile))
    assert [u.name for u in used] == ["demo-known-bad", "demo-keywords"]


def test_the_import_commands_check_the_file_first(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[indicator]]\nname = 'x'\n")
    runner = CliRunner()
    bundle = tmp_path / "b"
    result = runner.invoke(library, ["import-indicators", str(SHIPPED), "-n", "ind", "-b", str(bundle)])
    assert result.output == "ind: 17 indicators; bundle is now UNSIGNED: run `triage library sign`\n"
    result = runner.invoke(library, ["import-indicators", str(bad), "-n", "bad", "-b", str(bundle)])
    assert isinstance(result.exception, ProfileError)
    result = runner.invoke(
        library, ["import-perceptual", "pdq", str(PDQ), "-n", "p", "-l", "watch", "-b", str(bundle)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()) == [
        "indicators/ind.toml",
        "manifest.json",
        "perceptual/p.txt",
    ]


def test_info_lists_indicators_and_perceptual_sets(signed_bundle: Path) -> None:
    output = CliRunner().invoke(library, ["info", str(signed_bundle)]).output.splitlines()
    assert output[-2:] == [
        "indicators unit-indicators: 17 indicators (indicators/unit-indicators.toml)",
        f"perceptual unit-pdq (pdq, known-bad): {len(_lines(PDQ))} hashes (perceptual/unit-pdq.txt)",
    ]
