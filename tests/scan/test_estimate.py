"""The scan-time cost model (issue 15): kinds by name, CPU and wall time, calibration, running estimate."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from triage.records import Entry
from triage.scan.estimate import (
    ARCHIVE,
    KNOWN_GOOD,
    OTHER,
    PICTURE,
    TEXT,
    VIDEO,
    CostModel,
    KindCost,
    Workload,
    amdahl,
    calibrated,
    cpu_seconds,
    free_bytes,
    kind_of,
    source_hash_seconds,
    unallocated_seconds,
    wall_seconds,
)
from triage.scan.estimate_live import Estimate, RunningEstimate, describe_span

MB = 1_000_000
# round numbers so every expected value below can be worked out by hand
MODEL = CostModel(
    full={
        PICTURE: KindCost(0.010, 10e-9),  # 10 ms a picture + 10 ns a byte
        TEXT: KindCost(0.002, 20e-9),
        OTHER: KindCost(0.001, 5e-9),
        KNOWN_GOOD: KindCost(0.0005, 2e-9),
    },
    hash_only=KindCost(0.0001, 2e-9),
    serial_share=0.2,  # all CPU = workers' / 0.8
    serial_share_hash_only=0.0,
    unallocated_per_byte=4e-9,
    measured="test",
)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/Users/a/Pictures/IMG_0001.JPG", PICTURE),
        ("/Users/a/Pictures/x.heic", PICTURE),
        ("/Users/a/Videos/VID_1.mp4", VIDEO),
        ("/Users/a/Documents/report.docx", TEXT),
        ("/Windows/Logs/setup.log", TEXT),
        ("/Users/a/Downloads/backup.7z", ARCHIVE),
        ("/Windows/System32/kernel32.dll", OTHER),
        ("/Users/a/AppData/Local/Google/Chrome/User Data/Default/History", OTHER),
        ("/Users/a.jpg/README", OTHER),  # a folder's name does not make the file a picture
        ("/x/.jpg", PICTURE),
    ],
)
def test_kind_by_name(path, kind):
    assert kind_of(path) == kind


@pytest.mark.parametrize(
    ("serial", "cores", "share"),
    [(0.1, 1, 1.0), (0.1, 2, 0.55), (0.1, 4, 0.325), (0.0, 8, 0.125), (1.0, 8, 1.0), (0.2, 0, 1.0)],
)
def test_amdahl(serial, cores, share):
    assert amdahl(serial, cores) == pytest.approx(share)


WORK = Workload(
    {PICTURE: 1000, TEXT: 2000, OTHER: 10_000}, {PICTURE: 3000 * MB, TEXT: 100 * MB, OTHER: 1000 * MB}
)


def test_cpu_seconds_sum_per_file_and_per_byte_costs_and_the_main_process():
    # workers: pictures 1000 x 0.01 + 3e9 x 1e-8 = 10 + 30; text 2000 x 0.002 + 1e8 x 2e-8 = 4 + 2;
    # other 10,000 x 0.001 + 1e9 x 5e-9 = 10 + 5; 61 s, and the main process 20% of all: 61 / 0.8
    assert cpu_seconds(MODEL, WORK) == pytest.approx(76.25)
    # hash-only (no serial share in this model): 13,000 x 0.0001 + 4.1e9 x 2e-9 = 1.3 + 8.2
    assert cpu_seconds(MODEL, WORK, hash_only=True) == pytest.approx(9.5)


@pytest.mark.parametrize(
    ("cores", "rate", "hash_only", "seconds"),
    [
        # CPU-bound everywhere: pictures 50, text 7.5, other 18.75 all-CPU s, x (0.2 + 0.8 / 2)
        (2, 500 * MB, False, 76.25 * 0.6),
        # 4 cores: x 0.4: pictures 20 (read 6 s), text 3 (0.2 s), other 7.5 (2 s)
        (4, 500 * MB, False, 30.5),
        # hash-only from a SATA SSD on 4 cores: every kind read-bound: pictures 6 s, text 0.2 s, other 2 s
        (4, 500 * MB, True, 8.2),
        # hash-only on 8 cores from NVMe: pictures max(6.1 / 8, 1.2) = 1.2; text max(0.4 / 8, 0.04) = 0.05;
        # other max(3 / 8, 0.4) = 0.4
        (8, 2500 * MB, True, 1.65),
    ],
)
def test_wall_seconds_is_amdahl_bounded_below_by_the_read(cores, rate, hash_only, seconds):
    assert wall_seconds(MODEL, WORK, cores, rate, hash_only) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("per_byte", "cores", "rate", "seconds"),
    [
        (4e-9, 1, 500 * MB, 40.0),  # 10 GB x 4 ns on one core: 40 s; its read 20 s
        (4e-9, 1, 2500 * MB, 40.0),
        (1e-9, 1, 500 * MB, 20.0),
        (0.0, 1, 2500 * MB, 4.0),
        (4e-9, 4, 500 * MB, 20.0),  # 40 s x (0.2 + 0.8 / 4) = 16 s: the read's 20 s bounds it
        (4e-9, 4, 2500 * MB, 16.0),
    ],
)
def test_unallocated_space_is_its_work_on_the_cores_or_its_read(per_byte, cores, rate, seconds):
    model = replace(MODEL, unallocated_per_byte=per_byte)
    assert unallocated_seconds(model, 10_000 * MB, cores, rate) == pytest.approx(seconds)


def test_free_bytes_are_the_volume_less_its_live_files():
    entries = [
        _entry("/a", 100),
        replace(_entry("/deleted", 50), deleted=True),
        replace(_entry("/a.zip", 30), container=("zip:/a.zip",)),
    ]
    assert free_bytes(1000, entries) == 900
    assert free_bytes(120, entries) == 20
    assert free_bytes(90, entries) == 0


def test_an_unknown_kind_costs_what_other_files_cost():
    archive = Workload({ARCHIVE: 10}, {ARCHIVE: 0})
    assert cpu_seconds(MODEL, archive) == pytest.approx(0.01 / 0.8)


def test_calibrated_scales_costs_to_the_observed_cpu():
    done = Workload({PICTURE: 100}, {PICTURE: 100 * MB})  # modelled: (1 + 1) / 0.8 = 2.5 CPU s
    twice = calibrated(MODEL, done, observed_cpu=5.0)
    assert twice.full[PICTURE] == KindCost(pytest.approx(0.02), pytest.approx(20e-9))
    assert cpu_seconds(twice, WORK) == pytest.approx(152.5)
    assert twice.hash_only == MODEL.hash_only
    assert calibrated(MODEL, done, observed_cpu=0.0) is MODEL
    hashed = calibrated(MODEL, done, observed_cpu=0.03, hash_only=True)  # modelled 0.01 + 0.2 = 0.21
    assert hashed.hash_only.per_byte == pytest.approx(2e-9 * 0.03 / 0.21)
    assert hashed.full == MODEL.full


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [
        (10, 50, "under a minute"),
        (2400, 3300, "40-55 min"),
        (61, 119, "1-2 min"),
        (600, 600, "about 10 min"),
        (4200, 5400, "1 h 10 min - 1 h 30 min"),
        (3000, 7200, "50 min - 2 h"),
    ],
)
def test_describe_span(low, high, text):
    assert describe_span(low, high) == text


def test_estimate_says_it_is_one_and_how_it_was_made():
    start = Estimate(2400.0, 0.3, 4, calibrated=False)  # 1680 .. 3120 s
    assert start.text() == "estimated 28-52 min on 4 cores (from the cost model)"
    longer = Estimate(2828.0, 0.3, 4, calibrated=False)  # 1979.6 .. 3676.4 s
    assert longer.span() == "32 min - 1 h 2 min"
    running = Estimate(600.0, 0.15, 1, calibrated=True)
    assert running.text(left=True) == "estimated 8-12 min left on 1 core (from this scan's rate)"


def _entry(path: str, size: int) -> Entry:
    return Entry("src", 0, path, size, mtime=datetime(2026, 1, 1, tzinfo=UTC))


# 10 pictures of 1 MB, then 90 "other" files of 100 kB: modelled on 1 core (share 1.0) from a SATA SSD:
# pictures 10 x (0.01 + 0.01) = 0.2 s (reads 0.02 s); other 90 x (0.001 + 0.0005) = 0.135 s (reads 0.018 s)
ENTRIES = [_entry(f"/Users/a/Pictures/{i}.jpg", MB) for i in range(10)] + [
    _entry(f"/Windows/System32/{i}.dll", 100_000) for i in range(90)
]


ONE_PROCESS = replace(MODEL, serial_share=0.0)


def test_running_estimate_starts_from_the_model():
    running = RunningEstimate(ONE_PROCESS, ENTRIES, cores=1)
    assert running.scan_seconds == pytest.approx(0.335)
    assert running.sweep_seconds == 0.0
    start = running.at_start()
    assert (start.seconds, start.spread, start.calibrated) == (pytest.approx(0.335), 0.3, False)


def test_the_sweep_is_the_first_tier_hashed_first():
    running = RunningEstimate(ONE_PROCESS, ENTRIES, cores=1, sweep=True)
    # the 10 pictures hash-only: max(10 x 0.0001 + 1e7 x 2e-9 = 0.021, reads 0.02) = 0.021
    assert running.sweep_seconds == pytest.approx(0.021)
    assert running.at_start().seconds == pytest.approx(0.356)


def test_running_estimate_recalibrates_from_the_scans_own_rate():
    running = RunningEstimate(ONE_PROCESS, ENTRIES, cores=1)
    first = running.update(1, now=100.0)  # starts the clock: nothing observed yet, the model's time left
    assert first.seconds == pytest.approx(0.335 - 0.02) and not first.calibrated
    # 10 files later (9 pictures, 0.18 modelled s) after 36 s: the disk is 200x slower than modelled
    calibrated_estimate = running.update(10, now=136.0)
    assert calibrated_estimate.calibrated and calibrated_estimate.spread == 0.15
    assert calibrated_estimate.seconds == pytest.approx(0.135 * 200)
    # half-way to CALIBRATE_AFTER (30 s): half model, half observed
    blended = RunningEstimate(ONE_PROCESS, ENTRIES, cores=1)
    blended.update(1, now=0.0)
    halfway = blended.update(10, now=15.0)
    assert halfway.seconds == pytest.approx(0.5 * 0.135 + 0.5 * 0.135 * 15 / 0.18)
    assert halfway.spread == pytest.approx(0.225) and not halfway.calibrated


def test_unallocated_space_is_added_after_the_files():
    running = RunningEstimate(ONE_PROCESS, ENTRIES, cores=1, free=10 * MB)  # max(0.04, 0.02 s to read)
    assert running.unallocated_seconds == pytest.approx(0.04)
    assert running.at_start().seconds == pytest.approx(0.375)
    running.update(1, now=0.0)
    assert running.update(10, now=36.0).seconds == pytest.approx(0.135 * 200 + 0.04)
    assert running.unallocated_estimate().text() == "estimated under a minute on 1 core (from the cost model)"


def test_running_estimate_of_nothing_is_zero():
    running = RunningEstimate(MODEL, [], cores=4)
    assert running.at_start().seconds == 0.0
    assert running.update(0, now=5.0).seconds == 0.0
    free = CostModel({OTHER: KindCost(0, 0)}, KindCost(0, 0), 0.1, 0.1, 0.0, "t")
    empty_files = RunningEstimate(free, [_entry(f"/{i}", 0) for i in range(3)], 2)
    assert empty_files.update(2, now=9.0).seconds == 0.0


# --- the whole-source hash alongside the scan: the report waits for it


def test_a_hash_longer_than_the_scan_sets_the_time_to_the_report():
    hashing = 30_000 * MB  # 60 s at the SATA disk's 500 MB/s (slower than the hash's 681 MB/s)
    running = RunningEstimate(ONE_PROCESS, ENTRIES, cores=1, hashing=hashing)
    assert running.hash_seconds == pytest.approx(60.0)
    assert running.at_start().seconds == pytest.approx(60.0)  # the scan's 0.335 s inside it
    first = running.update(1, now=0.0)
    assert first.seconds == pytest.approx(0.335 - 0.02 + 60.0 - 0.335)
    assert running.unallocated_estimate().seconds == pytest.approx(60.0 - 0.335)  # after the files


def test_cores_busy_with_both_share_their_cpu():
    busy = CostModel({OTHER: KindCost(0.5, 0.0)}, KindCost(0.1, 0.0), 0.0, 0.0, 0.0, "t")
    files = [_entry(f"/Data/{i}.bin", 0) for i in range(40)]  # 20 CPU s: 10 s on 2 cores
    running = RunningEstimate(busy, files, cores=2, hashing=5_000 * MB)  # 10 s alone, 8.56 CPU s
    assert running.scan_seconds == pytest.approx(10.0) and running.hash_seconds == pytest.approx(10.0)
    assert running.at_start().seconds == pytest.approx((20.0 + 5_000 * MB / 584e6) / 2)


def test_no_hash_alongside_adds_nothing():
    assert RunningEstimate(ONE_PROCESS, ENTRIES, cores=1).hash_extra == 0.0
    assert source_hash_seconds(0) == 0.0
