"""Volume Shadow Copies of plaso's vsstest.qcow2 (peerdata MANIFEST §3): two stores, created
2013-12-03 06:35:09 (vss1) and 06:37:48 (vss2); store 1 holds /syslog (1247 B, md5 8b32710e...),
store 2 holds /another_file and /syslog.gz, which the live volume holds unchanged."""

from __future__ import annotations

from collections import Counter

import pytest

from triage.scan import ScanOptions, run_scan
from triage.walk.shadow import UNCHANGED

pytest.importorskip("pyvshadow", reason="libvshadow-python (optional extra 'snapshots') is not installed")
pytest.importorskip("pyqcow", reason="libqcow-python (optional extra 'virtual') is not installed")
pytestmark = pytest.mark.peerdata


@pytest.fixture(scope="module")
def vss_result():
    from tests.conftest import peerdata_path

    return run_scan(ScanOptions((str(peerdata_path("plaso", "test_data", "vsstest.qcow2")),), "demo"))


def test_each_snapshot_is_a_volume_named_with_its_creation_time(vss_result):
    described = [
        (v.volume.source.rsplit("@", 1)[-1], v.volume.description.split(", ")[-1], v.examined)
        for v in vss_result.coverage.volumes
    ]
    assert described[1:] == [
        ("vss1", "created 2013-12-03 06:35:09 UTC", True),
        ("vss2", "created 2013-12-03 06:37:48 UTC", True),
    ]


def test_a_file_only_in_a_snapshot_is_in_the_inventory_marked_with_it(vss_result):
    [syslog] = [x for x in vss_result.inventory if x.entry.path == "/syslog"]
    assert syslog.entry.source.endswith("vsstest.qcow2@vss1")
    assert syslog.entry.container == ("shadow copy vss1, created 2013-12-03 06:35:09 UTC",)
    assert (syslog.entry.size, syslog.md5) == (1247, "8b32710e60ce9f650b8b4dcc2b3ee927")


def test_files_unchanged_in_a_snapshot_are_not_analysed_twice(vss_result):
    files = [x.entry for x in vss_result.inventory if not x.entry.container or "@vss" in x.entry.source]
    counts = Counter(e.path for e in files)  # files themselves, not members decompressed from them
    assert counts["/syslog.gz"] == counts["/another_file"] == counts["/password.txt"] == 1
    assert not [
        e for e in files if "@vss" in e.source and e.path != "/syslog" and not e.path.startswith("/$")
    ]
    [gz] = [x for x in vss_result.inventory if x.entry.path == "/syslog.gz" and not x.entry.container]
    assert (gz.entry.container, gz.md5) == ((), "69075a6252d60c09086e2f247aa07203")
    assert vss_result.coverage.skipped[UNCHANGED] >= 2
    assert vss_result.coverage.complete
