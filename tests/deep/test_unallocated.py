"""Unallocated space, slack and carving on a built NTFS volume (issue 16), bytes planted by offset."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import peerdata_path
from tests.deep.image import CLUSTER, FACTS, FREE, at, plant, unpack
from tests.deep.support import known_jpeg, sha256
from triage.match.keywords import Keyword, KeywordScanner
from triage.match.unallocated import (
    SECTION,
    ChunkMapper,
    ChunkResult,
    SegmentStream,
    UnallocatedLimits,
    scan_unallocated,
)
from triage.records import Content, FindingDraft, Problem, Record, Tally
from triage.report import write_report
from triage.scan import ScanOptions, run_scan
from triage.scan.workers import forked_map
from triage.signing import one_time_key
from triage.sources import open_source
from triage.walk.tsk import walk_filesystem
from triage.walk.unowned import volume_layout
from triage.walk.volumes import open_volumes

pytestmark = pytest.mark.peerdata  # the carved History is plaso's
JPEG = known_jpeg(11)
HISTORY_URL = "https://raw.githubusercontent.com/dfirlabs/chrome-specimens/master/generate-specimens.sh"
WORDS = ("unallocword", "widemarker", "boundaryword", "slackword")
BOUNDARY = at(FREE + 3) - 5  # straddles two free clusters (and, in one test, a chunk boundary)
CARRIER_JPEG = 3000  # file offset in /keep/carrier.bin


def planted(folder: Path, history: bytes) -> Path:
    image = unpack(folder)
    plant(image, at(FREE, 100), b" unallocword ")
    plant(image, at(FREE + 1, 200), " widemarker ".encode("utf-16-le"))
    plant(image, BOUNDARY - 1, b" boundaryword ")
    plant(image, at(FREE + 4, 1000), b"junk before the picture" * 10)
    plant(image, at(FREE + 5), JPEG)
    plant(image, at(FREE + 8), history)
    plant(image, at(FACTS["slack_txt_cluster"], 2000), b" slackword ")
    plant(image, at(FACTS["carrier_clusters"][0], CARRIER_JPEG), JPEG)
    return image


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    history = peerdata_path("plaso", "test_data", "chrome", "History-59.0.3071.86").read_bytes()
    assert len(history) <= 28 * CLUSTER
    return planted(tmp_path_factory.mktemp("unalloc"), history)


def keywords() -> KeywordScanner:
    return KeywordScanner([Keyword(w, "test", 1.0, whole_word=True) for w in WORDS])


def run_pass(
    image: Path, limits: UnallocatedLimits | None = None, map_chunks: ChunkMapper | None = None
) -> tuple[list, SegmentStream]:
    source = open_source(str(image))
    [opened] = open_volumes(source.name, source.media)
    entries = [h.entry for h in walk_filesystem(opened.fs, opened.volume, print, lambda why: None)]

    def read(offset: int, length: int) -> bytes:
        return source.media.read(offset, length)

    records = list(
        scan_unallocated(
            opened.fs, opened.volume, entries, read, keywords(), lambda: False, limits, map_chunks
        )
    )
    layout = volume_layout(opened.fs, "NTFS", entries)
    return records, SegmentStream(layout.segments, read)


def contexts(records: list) -> dict[str, list[tuple[str, int, int, str]]]:
    found = {}
    for r in records:
        if isinstance(r, FindingDraft) and r.kind == "keyword":
            found[r.detail["term"]] = [
                (c["encoding"], c["offset"], c["cluster"], c["area"]) for c in r.detail["contexts"]
            ]
    return found


def test_keywords_in_unallocated_space_and_slack_with_offsets(image: Path) -> None:
    records, _ = run_pass(image)
    assert contexts(records) == {
        "unallocword": [("utf-8", at(FREE, 101), FREE, "unallocated")],
        "widemarker": [("utf-16le", at(FREE + 1, 202), FREE + 1, "unallocated")],
        "boundaryword": [("utf-8", BOUNDARY, FREE + 2, "unallocated")],
        "slackword": [
            (
                "utf-8",
                at(FACTS["slack_txt_cluster"], 2001),
                FACTS["slack_txt_cluster"],
                "slack of /Users/bob/Documents/slack.txt",
            )
        ],
    }


def test_a_word_across_a_chunk_boundary_is_found_once(image: Path) -> None:
    _, stream = run_pass(image)
    index = next(i for i, s in enumerate(stream.segments) if s.start <= BOUNDARY < s.start + s.length)
    before = sum(s.length for s in stream.segments[:index])
    at_in_stream = before + BOUNDARY - stream.segments[index].start
    assert stream.locate(at_in_stream)[1] == BOUNDARY
    records, _ = run_pass(image, UnallocatedLimits(chunk=at_in_stream + 5, max_carve=1 << 20))
    [finding] = [r for r in records if isinstance(r, FindingDraft) and r.detail["term"] == "boundaryword"]
    assert finding.detail["occurrences"] == 1
    assert finding.detail["contexts"][0]["offset"] == BOUNDARY


def test_jpeg_and_history_are_carved_from_unallocated_space(image: Path) -> None:
    records, _ = run_pass(image)
    carved = {r.entry.container[1]: r.data for r in records if isinstance(r, Content)}
    history_length = len(next(d for d in carved.values() if d.startswith(b"SQLite format 3")))
    assert set(carved) == {
        f"offset {at(FREE + 5)} (jpeg, {len(JPEG):,} bytes), cluster {FREE + 5}, unallocated",
        f"offset {at(FREE + 8)} (sqlite, {history_length:,} bytes), cluster {FREE + 8}, unallocated",
    }
    assert hashlib.sha256(
        carved[f"offset {at(FREE + 5)} (jpeg, {len(JPEG):,} bytes), cluster {FREE + 5}, unallocated"]
    ).hexdigest() == sha256(JPEG)


def test_byte_accounting(image: Path) -> None:
    records, stream = run_pass(image)
    tallies = {
        r.name.split(": ", 1)[1]: r.count for r in records if isinstance(r, Tally) and r.section == SECTION
    }
    carved = {r.name: r.count for r in records if isinstance(r, Tally) and r.section == "Carving"}
    assert carved == {
        "jpeg carved from unallocated space and slack": 1,
        "sqlite carved from unallocated space and slack": 1,
    }
    assert tallies["unallocated and slack bytes examined"] == stream.length
    assert tallies["unallocated bytes"] + tallies["slack bytes"] == stream.length
    assert tallies["slack bytes"] >= CLUSTER - 1000  # slack.txt alone leaves 3,096
    in_clusters = (
        "bytes in live files' clusters",
        "unallocated bytes",
        "bytes in no file the walk lists (folders, file-system records)",
        "free bytes deleted files still name (read as those files)",
    )
    assert sum(tallies[name] for name in in_clusters) == 16 << 20  # the whole volume, each byte once
    assert not [r for r in records if isinstance(r, Problem)]


def test_a_stop_is_a_coverage_gap_with_the_bytes_not_read(image: Path) -> None:
    source = open_source(str(image))
    [opened] = open_volumes(source.name, source.media)
    entries = [h.entry for h in walk_filesystem(opened.fs, opened.volume, print, lambda why: None)]
    calls = iter([False, True])
    records = list(
        scan_unallocated(
            opened.fs,
            opened.volume,
            entries,
            source.media.read,
            keywords(),
            lambda: next(calls),
            UnallocatedLimits(chunk=1 << 20),
        )
    )
    [problem] = [r for r in records if isinstance(r, Problem)]
    examined = next(r.count for r in records if isinstance(r, Tally) and r.name.endswith("examined"))
    assert examined == 1 << 20
    assert problem.kind == "error" and problem.what.startswith(
        "unallocated space and slack: stopped after 1,048,576 of"
    )
    assert problem.size > 0


def profile(folder: Path) -> Path:
    (folder / "bad.txt").write_text(f"{sha256(JPEG)} test-category\n")
    (folder / "keywords.csv").write_text(
        "term,category,weight,whole_word\n" + "".join(f"{w},test,1,yes\n" for w in WORDS)
    )
    (folder / "sites.txt").write_text("raw.githubusercontent.com\n")  # the carved History's one visit
    path = folder / "deep.toml"
    path.write_text(
        'name = "deep"\n'
        '[[hashsets]]\nname = "bad"\npath = "bad.txt"\nlabel = "known-bad"\n'
        '[[keywords]]\nname = "kw"\npath = "keywords.csv"\n'
        '[[url_lists]]\nname = "sites"\npath = "sites.txt"\nlabel = "watch"\n'
        '[[rules]]\nid = "SEIZE-BAD"\nverdict = "SEIZE"\nkind = "hash-match"\n'
        'label = "known-bad"\ntext = "bad"\n'
    )
    return path


def test_full_scan_reports_carves_keywords_and_the_carved_history(image: Path, tmp_path: Path) -> None:
    result = run_scan(ScanOptions((str(image),), str(profile(tmp_path)), hash_sources=False))
    matches = {f.entry.container for f in result.findings if f.kind == "hash-match"}
    assert matches == {
        ("carve:/keep/carrier.bin", f"offset {CARRIER_JPEG} (jpeg, {len(JPEG):,} bytes)"),
        (
            f"unallocated:{image}",
            f"offset {at(FREE + 5)} (jpeg, {len(JPEG):,} bytes), cluster {FREE + 5}, unallocated",
        ),
    }
    unallocated = {
        f.detail["term"] for f in result.findings if f.kind == "keyword" and f.entry.path == "/$Unallocated"
    }
    assert unallocated == set(WORDS)
    visits = [a for a in result.artefacts if a.kind == "browser/visit"]
    assert [(a.values["url"], a.recovered, a.source.container[0]) for a in visits] == [
        (HISTORY_URL, True, f"unallocated:{image}")
    ]
    [listed] = [f for f in result.findings if f.kind == "url-match"]  # matched though only carved
    assert (listed.label, listed.detail["entry"], listed.entry.container[0]) == (
        "watch",
        "raw.githubusercontent.com",
        f"unallocated:{image}",
    )
    assert listed.detail["addresses"][0]["recovered"] is True
    assert result.sections["Coverage in bytes"][f"{image}: unallocated and slack bytes examined"] > 14_000_000
    html = write_report(result, tmp_path / "report", one_time_key()).read_text()
    assert f"[utf-8 @ {at(FREE, 101)}, cluster {FREE}, unallocated]" in html
    assert "slack of /Users/bob/Documents/slack.txt]" in html


def test_no_unallocated_says_it_was_not_read(image: Path, tmp_path: Path) -> None:
    result = run_scan(
        ScanOptions((str(image),), str(profile(tmp_path)), hash_sources=False, unallocated=False)
    )
    assert [p.what for p in result.problems if "unallocated" in p.what] == [
        "unallocated space and slack not read (--no-unallocated)"
    ]
    assert not [f for f in result.findings if f.entry and f.entry.path == "/$Unallocated"]


@pytest.mark.parametrize("into", [-3, 1, 100])  # the chunk boundary falls just before or inside the JPEG
def test_a_picture_across_a_chunk_boundary_is_carved_once(image: Path, into: int) -> None:
    _, stream = run_pass(image)
    index = next(i for i, s in enumerate(stream.segments) if s.start <= at(FREE + 5) < s.start + s.length)
    in_stream = sum(s.length for s in stream.segments[:index]) + at(FREE + 5) - stream.segments[index].start
    records, _ = run_pass(image, UnallocatedLimits(chunk=in_stream + into, max_carve=1 << 20))
    jpegs = [r for r in records if isinstance(r, Content) and r.data.startswith(b"\xff\xd8")]
    assert [(r.entry.container[1], r.data == JPEG) for r in jpegs] == [
        (f"offset {at(FREE + 5)} (jpeg, {len(JPEG):,} bytes), cluster {FREE + 5}, unallocated", True)
    ]


def test_stop_on_seize_before_the_pass_says_it_was_not_read(image: Path, tmp_path: Path) -> None:
    """The JPEG carved from /keep/carrier.bin (a live file) is SEIZE-grade: the pass never starts."""
    options = ScanOptions((str(image),), str(profile(tmp_path)), hash_sources=False, stop_on_seize=True)
    result = run_scan(options)
    assert [f.entry.container[0] for f in result.findings if f.kind == "hash-match"] == [
        "carve:/keep/carrier.bin"
    ]
    assert [p.what for p in result.problems if "unallocated" in p.what] == [
        "unallocated space and slack not read (the scan stopped early)"
    ]


def test_resume_replays_the_pass_from_the_journal_and_does_not_read_it_again(
    image: Path, tmp_path: Path
) -> None:
    """Were the pass run again on resume, its findings would come twice (replayed and new)."""
    from tests.scan.helpers import summary
    from triage.scan.journal import JOURNAL_NAME

    journal = tmp_path / "report" / JOURNAL_NAME
    journal.parent.mkdir()
    folder = tmp_path / "profile"
    folder.mkdir()
    options = ScanOptions((str(image),), str(profile(folder)), hash_sources=False, journal=str(journal))
    whole = run_scan(options)
    assert f"{image} unallocated space and slack" in journal.read_text()
    resumed = run_scan(dataclasses.replace(options, resume=True))
    assert summary(resumed) == summary(whole)
    on_free_space = [f.kind for f in resumed.findings if f.entry and f.entry.path == "/$Unallocated"]
    assert sorted(on_free_space) == ["hash-match"] + ["keyword"] * 4 + ["url-match"]  # each once


def test_slack_follows_the_runs_and_skips_holes() -> None:
    from triage.walk.unowned import Run, Segment, slack_segments

    runs = [Run(10, 2), Run(0, 3, sparse=True), Run(50, 1)]  # 2 clusters, a 3-cluster hole, 1 cluster
    assert list(slack_segments(5 * 4096 + 100, runs, 4096, "/f")) == [
        Segment(50 * 4096 + 100, 3996, "slack", "/f")
    ]
    assert list(slack_segments(4096 + 1, runs[:1], 4096, "/g")) == [
        Segment(10 * 4096 + 4096 + 1, 4095, "slack", "/g")
    ]


def comparable(records: list[Record]) -> list[object]:
    return [(r.entry, sha256(r.data)) if isinstance(r, Content) else r for r in records]


@pytest.mark.parametrize("chunk", [4096, 65_536 + 3])  # many chunks: words and the JPEG across boundaries
def test_chunks_on_worker_processes_give_what_one_pass_gives(image: Path, chunk: int) -> None:
    def on_two_processes(scan: Callable[[int], ChunkResult], positions: list[int]) -> Iterator[ChunkResult]:
        return forked_map(scan, positions, 2, lambda: False)

    whole, _ = run_pass(image, UnallocatedLimits(chunk=1 << 30, max_carve=1 << 20))
    parted, _ = run_pass(image, UnallocatedLimits(chunk=chunk, max_carve=1 << 20), on_two_processes)
    assert comparable(parted) == comparable(whole)
    assert len([r for r in whole if isinstance(r, Content)]) == 2  # the JPEG and the History
    assert len(contexts(whole)) == len(WORDS)


def test_a_full_scan_finds_the_same_on_processes_and_on_threads(image: Path, tmp_path: Path) -> None:
    options = ScanOptions((str(image),), str(profile(tmp_path)), hash_sources=False, workers=2)
    forked = run_scan(dataclasses.replace(options, processes=True))
    threads = run_scan(dataclasses.replace(options, processes=False))
    summary = lambda result: [(f.kind, f.summary, f.entry.container) for f in result.findings]  # noqa: E731
    assert summary(forked) == summary(threads)
    assert forked.sections["Coverage in bytes"] == threads.sections["Coverage in bytes"]
    # the four words, the carved JPEG's hash match and the carved History's listed address
    assert len([f for f in forked.findings if f.entry.path == "/$Unallocated"]) == len(WORDS) + 2


def test_free_space_is_read_once_the_look_ahead_only_where_a_signature_matches(image: Path) -> None:
    source = open_source(str(image))
    [opened] = open_volumes(source.name, source.media)
    entries = [h.entry for h in walk_filesystem(opened.fs, opened.volume, print, lambda why: None)]
    asked: list[int] = []

    def read(offset: int, length: int) -> bytes:
        asked.append(length)
        return source.media.read(offset, length)

    limits = UnallocatedLimits(chunk=64 * 1024, max_carve=1 << 20)
    records = list(
        scan_unallocated(opened.fs, opened.volume, entries, read, keywords(), lambda: False, limits)
    )
    stream = SegmentStream(volume_layout(opened.fs, "NTFS", entries).segments, read)
    assert len([r for r in records if isinstance(r, Content)]) == 2  # the JPEG and the History
    # a 1 MiB look-ahead for every 64 KiB chunk would read ~17 times the free space
    assert stream.length < sum(asked) < 1.5 * stream.length
