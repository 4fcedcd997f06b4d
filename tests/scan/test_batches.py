"""Small files go to the workers in groups (one task each), with the same results and stops."""

from __future__ import annotations

from dataclasses import dataclass

from tests.scan.helpers import make_profile, make_tree
from triage.records import Entry, Examined
from triage.scan import ScanOptions, run_scan, workers
from triage.scan.workers import BATCH_BYTES, BATCH_FILES, FileOutcome, batches, examine_group
from triage.walk.files import FileHandle


@dataclass(frozen=True)
class Item:
    handle: FileHandle


def item(size: int, name: str = "f") -> Item:
    return Item(FileHandle(Entry("src", 0, f"/{name}", size), lambda offset, length: b""))


def test_small_files_are_grouped_and_a_large_one_is_a_task_of_its_own() -> None:
    small = [item(1000, f"s{i}") for i in range(2 * BATCH_FILES)]
    large = item(BATCH_BYTES + 1, "large")
    groups = batches([*small[:10], large, *small[10:]])
    assert [len(g) for g in groups] == [10, 1, BATCH_FILES, BATCH_FILES - 10]
    assert groups[1] == (large,)
    assert [i for g in groups for i in g] == [*small[:10], large, *small[10:]]  # order kept


def test_a_group_is_cut_by_its_byte_limit() -> None:
    quarter = BATCH_BYTES // 4
    assert [len(g) for g in batches([item(quarter, str(i)) for i in range(9)])] == [4, 4, 1]


def test_a_stop_between_files_leaves_the_rest_of_the_group_not_examined() -> None:
    group = tuple(item(10, str(i)) for i in range(4))
    seen: list[str] = []

    def examine(handle: FileHandle) -> FileOutcome:
        seen.append(handle.entry.path)
        return FileOutcome(Examined(handle.entry, complete=True), ())

    outcomes = examine_group(group, examine, stop=lambda: len(seen) >= 2)
    assert seen == ["/0", "/1"]
    assert [o.stopped for o in outcomes] == [False, False, True, True]


def test_a_scan_in_groups_finds_what_one_file_per_task_finds(tmp_path, monkeypatch) -> None:
    evidence = make_tree(tmp_path / "evidence")
    profile = make_profile(tmp_path / "profile")
    options = ScanOptions((str(evidence),), str(profile), hash_sources=False, workers=2)
    grouped = run_scan(options)
    monkeypatch.setattr(workers, "BATCH_FILES", 1)
    single = run_scan(options)
    assert [(x.entry.path, x.sha256) for x in grouped.inventory] == [
        (x.entry.path, x.sha256) for x in single.inventory
    ]
    assert [(f.kind, f.summary) for f in grouped.findings] == [(f.kind, f.summary) for f in single.findings]
    assert grouped.coverage.files_examined == single.coverage.files_examined == 62
