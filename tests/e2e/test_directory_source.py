"""A folder as the source (a mounted or live file system): hostile names, links, read-only."""

from __future__ import annotations

import hashlib
import os

from triage.report import write_report
from triage.scan import ScanOptions, run_scan
from triage.signing import one_time_key

HOSTILE = '"><script>alert(1)<!-- <img src=x onerror=alert(2)>.txt'


def _tree_digest(root) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_folder_scan_escapes_hostile_names_and_never_follows_links(tmp_path):
    evidence = tmp_path / "evidence"
    (evidence / "docs").mkdir(parents=True)
    (evidence / "docs" / HOSTILE).write_text("we met at the hidden stash near Essex\n")
    (evidence / "docs" / "plain.txt").write_text("nothing to see\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("hidden stash outside the evidence\n")
    os.symlink(outside, evidence / "link-out")
    os.mkfifo(evidence / "pipe")
    before = _tree_digest(evidence)

    result = run_scan(ScanOptions((str(evidence),), "demo"))

    assert _tree_digest(evidence) == before
    assert {x.entry.path for x in result.inventory} == {f"/docs/{HOSTILE}", "/docs/plain.txt"}
    [finding] = [f for f in result.findings if f.kind == "keyword"]
    assert finding.detail["term"] == "hidden stash" and finding.entry.path.endswith(HOSTILE)
    assert result.coverage.skipped == {
        "symbolic link (not followed)": 1,
        "special file (device, FIFO or socket)": 1,
    }
    html = write_report(result, tmp_path / "report", one_time_key()).read_text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;!-- &lt;img src=x onerror=alert(2)&gt;.txt" in html
    assert result.sources[0].kind == "directory"


def test_a_file_that_cannot_be_read_is_a_gap_shown_first_and_never_no_grounds(tmp_path, monkeypatch):
    from triage.walk.files import FileHandle

    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "letter.txt").write_text("nothing to see\n")
    (evidence / "unreadable.bin").write_bytes(b"x" * 5000)
    real_chunks = FileHandle.chunks

    def failing(self, chunk_size=1 << 20):
        if self.entry.path == "/unreadable.bin":
            raise OSError(5, "Input/output error")
        return real_chunks(self, chunk_size)

    monkeypatch.setattr(FileHandle, "chunks", failing)
    result = run_scan(ScanOptions((str(evidence),), "demo", hash_sources=False))
    assert result.coverage.gaps == 1 and result.coverage.gap_bytes == 5000
    assert result.decision.verdict.value == "REVIEW"
    assert [r.rule_id for r in result.decision.reasons] == ["BUILTIN-INCOMPLETE-COVERAGE"]
    html = write_report(result, tmp_path / "report", one_time_key()).read_text()
    top = html[: html.index('id="reasons"')]
    assert "Not the whole device was examined" in top and "/unreadable.bin" in top and "5,000 bytes" in top
