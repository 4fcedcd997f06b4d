"""A scan with a signed bundle built from VICS: what the set says about a file reaches the report."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from triage.library.bundle import add_hashset, sign_bundle
from triage.report import write_report
from triage.scan import ScanOptions, run_scan
from triage.signing import generate_keypair, load_signing_key, one_time_key


def test_vics_details_reach_the_findings_and_are_escaped_in_the_html(tmp_path: Path) -> None:
    source = tmp_path / "device"
    source.mkdir()
    content = b"generated test image bytes, not a real image"
    (source / "pic.dat").write_bytes(content)
    vics = {
        "odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.2.xml/UK#Media",
        "value": [
            {
                "MD5": hashlib.md5(content).hexdigest().upper(),
                "Category": 1,
                "Series": "<b>x</b>",
                "MediaSize": 4,
            }
        ],
    }
    (tmp_path / "v.json").write_text(json.dumps(vics))
    bundle = tmp_path / "lib"
    add_hashset(bundle, [tmp_path / "v.json"], "vics", "vics-uk", "known-bad")
    public = generate_keypair(tmp_path / "unit.key", b"pw")
    sign_bundle(bundle, load_signing_key(tmp_path / "unit.key", b"pw"), "1", "test")
    profile = tmp_path / "p.toml"
    profile.write_text(
        f'name = "t"\n[[bundles]]\npath = "{bundle}"\nissuers = ["{public}"]\n'
        '[[rules]]\nid = "SEIZE-HASH"\nverdict = "SEIZE"\nkind = "hash-match"\nlabel = "known-bad"\n'
    )
    result = run_scan(ScanOptions((str(source),), str(profile), hash_sources=False))
    (finding,) = [f for f in result.findings if f.kind == "hash-match"]
    assert finding.detail["category"] == "UK category 1"
    assert finding.detail["series"] == "<b>x</b>"
    assert finding.detail["library_detail"] == {"VICS": "1.2 UK", "MediaSize": "4"}
    html = (write_report(result, tmp_path / "report", one_time_key()).parent / "report.html").read_text()
    assert "series <strong>&lt;b&gt;x&lt;/b&gt;</strong>" in html
    assert "<b>x</b>" not in html
