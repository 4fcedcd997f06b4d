"""bench/projection.py's measurements (issue 15): per-file and per-byte CPU costs of the scan's own
examination by kind of file, the unallocated-space pass, the whole-source hash, and the serial
shares from whole scans in a subprocess. The data folder is only read; ``work`` is a temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from run_bench import LAST_CPU, PYTHON, timed

from triage.scan.estimate import (
    KNOWN_GOOD,
    OTHER,
    PICTURE,
    CostModel,
    KindCost,
    Workload,
    calibrated,
    cpu_seconds,
    kind_of,
)
from triage.scan.workers import examine_and_match
from triage.walk.files import FileHandle

Sample = list[tuple[int, float]]  # (bytes, CPU seconds) per file


RUNNER = """
import json, resource, sys
from triage.scan import ScanOptions, run_scan
source, profile, workers, hash_only = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
options = ScanOptions((source,), profile, hash_sources=False, workers=workers, hash_only=hash_only,
                      unallocated=False)
result = run_scan(options)
own = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"bytes": result.coverage.bytes_read, "files": result.coverage.files_examined,
    "main_cpu": own.ru_utime + own.ru_stime}))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float  # all processes, from wait4
    main_cpu: float  # the main process's own
    nbytes: int
    files: int


def scan_run(source: Path, profile: Path, work: Path, hash_only: bool = False) -> Run:
    """One scan in a subprocess with a worker process per core, unallocated space not read (its
    pass is measured on its own, in unallocated_cost)."""
    out = work / f"run-{source.name}-{int(hash_only)}.json"
    command = [PYTHON, "-c", RUNNER, str(source), str(profile), str(os.cpu_count() or 2), str(int(hash_only))]
    seconds, _ = timed(command, stdout=out)
    document = json.loads(out.read_text())
    return Run(seconds, LAST_CPU[0], float(document["main_cpu"]), document["bytes"], document["files"])


def stage_inputs(profile_path: Path):  # type: ignore[no-untyped-def]
    """The StageInputs run_scan builds for this profile (triage/scan/__init__.py)."""
    from triage.library.indicators import load_indicators
    from triage.library.loading import load_libraries, open_bundles
    from triage.library.perceptual.loading import load_perceptual
    from triage.library.urls.loading import load_url_lists
    from triage.match.inputs import StageInputs
    from triage.match.keywords import KeywordScanner
    from triage.match.urls import UrlLibrary
    from triage.profile import load_profile

    profile = load_profile(str(profile_path))
    bundles = open_bundles(profile)
    library, keywords, used = load_libraries(profile, False, bundles)
    scanner = KeywordScanner(keywords, max_hits_per_keyword=profile.scan.max_keyword_hits_per_file)
    perceptual = load_perceptual(profile, used, bundles)
    indicators = load_indicators(profile, used, bundles)
    urls = UrlLibrary(load_url_lists(profile, used, bundles))
    return StageInputs(profile, library, scanner, perceptual, indicators, urls)


def image_handles(image: Path) -> tuple[list[FileHandle], object]:
    from triage.sources import open_source
    from triage.walk.volumes import open_volumes, walk_volume

    source = open_source(str(image))
    assert source.media is not None
    handles: list[FileHandle] = []
    for opened in open_volumes(source.name, source.media, (), lambda problem: None):
        if opened.fs is not None and opened.baseline is None:
            handles += [h for h in walk_volume(opened, lambda p: None, lambda why: None) if h.entry.size]
    return handles, source


def generated_handles(folder: Path, photos: int, archives: int) -> list[FileHandle]:
    """12-megapixel camera JPEGs (perceptual_robustness.camera_jpeg) and zips of text and a JPEG."""
    from perceptual_robustness import camera_jpeg

    from triage.walk.directory import walk_directory

    for seed in range(photos):
        (folder / f"IMG_{seed:04d}.jpg").write_bytes(camera_jpeg(seed))
    rng = random.Random(15)
    words = [bytes(rng.choices(b"abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))) for _ in range(2000)]
    picture = (folder / "IMG_0000.jpg").read_bytes()[:400_000] if photos else b""
    for n in range(archives):
        with zipfile.ZipFile(folder / f"archive_{n:03d}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for member in range(rng.randint(3, 30)):
                text = b" ".join(rng.choices(words, k=rng.randint(2_000, 60_000)))
                archive.writestr(f"docs/note_{member}.txt", text)
            archive.writestr("photo.jpg", picture)
    return list(walk_directory(folder, "generated", lambda p: None, lambda why: None))


def timed_examination(handles: list[FileHandle], inputs: object, hash_only: bool) -> Sample:
    sample: Sample = []
    for handle in handles:
        started = time.process_time()
        examine_and_match(handle, inputs, hash_only)  # type: ignore[arg-type]
        sample.append((handle.entry.size, time.process_time() - started))
    return sample


def fit(sample: Sample) -> KindCost:
    """Least squares CPU = per_file + bytes x per_byte, neither below zero."""
    n = len(sample)
    if not n:
        return KindCost(0.0, 0.0)
    mean_x = sum(x for x, _ in sample) / n
    mean_y = sum(y for _, y in sample) / n
    var = sum((x - mean_x) ** 2 for x, _ in sample)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in sample) / var if var else 0.0
    if slope <= 0:
        return KindCost(mean_y, 0.0)
    if mean_y - slope * mean_x < 0:
        return KindCost(0.0, sum(y for _, y in sample) / max(sum(x for x, _ in sample), 1))
    return KindCost(mean_y - slope * mean_x, slope)


def by_kind(handles: list[FileHandle], per_kind: int, rng: random.Random) -> dict[str, list[FileHandle]]:
    groups: dict[str, list[FileHandle]] = {}
    for handle in handles:
        groups.setdefault(kind_of(handle.entry.path), []).append(handle)
    return {kind: rng.sample(group, min(per_kind, len(group))) for kind, group in groups.items()}


def known_good_cost(others: list[FileHandle], data: Path, work: Path) -> KindCost:
    """The "other" files again, their own SHA-256s loaded as a known-good set."""
    digests = [hashlib.sha256(b"".join(h.chunks())).hexdigest() for h in others]
    (work / "known-good.txt").write_text("\n".join(digests) + "\n")
    (work / "known-good.toml").write_text(
        f'extends = "{data / "bench.toml"}"\nname = "bench-known-good"\n'
        '[[hashsets]]\nname = "bench-known-good"\npath = "known-good.txt"\n'
        'format = "plain"\nlabel = "known-good"\n'
    )
    return fit(timed_examination(others, stage_inputs(work / "known-good.toml"), False))


def _mean(sample: Sample) -> tuple[int, float]:
    return sum(x for x, _ in sample) // max(len(sample), 1), sum(y for _, y in sample) / max(len(sample), 1)


def picture_cost(small: Sample, camera: Sample) -> tuple[KindCost, str]:
    """The line through the mean of the image's pictures and the mean of the 12-megapixel JPEGs: a
    least-squares line over both would follow the hundreds of small ones and miss the photos that
    make up most of a disk's bytes."""
    if not camera:
        return fit(
            small
        ), "no 12-megapixel JPEGs generated (--photos 0): pictures fitted on the image's alone"
    (small_x, small_y), (camera_x, camera_y) = _mean(small), _mean(camera)
    note = (
        f"pictures: the line through the image's {len(small)} pictures (mean {small_x / 1e3:,.0f} kB, "
        f"{small_y * 1e3:.1f} ms CPU each) and {len(camera)} generated 12-megapixel camera JPEGs (mean "
        f"{camera_x / 1e6:.1f} MB, {camera_y * 1e3:.0f} ms CPU each, {1 / camera_y:.0f} photos per CPU-s)"
    )
    return fit([(small_x, small_y), (camera_x, camera_y)]), note


def measure_costs(data: Path, work: Path, per_kind: int, photos: int) -> tuple[CostModel, list[str]]:
    inputs = stage_inputs(data / "bench.toml")
    handles, source = image_handles(data / "laptop.img")
    groups = by_kind(handles, per_kind, random.Random(15))
    extra = work / "generated"
    extra.mkdir()
    generated = generated_handles(extra, photos, archives=max(4, per_kind // 20))
    cameras = [h for h in generated if kind_of(h.entry.path) == PICTURE]
    for handle in generated:
        if kind_of(handle.entry.path) != PICTURE:
            groups.setdefault(kind_of(handle.entry.path), []).append(handle)
    for group in [*groups.values(), cameras]:  # first calls load libmagic, PIL plugins, ...: not per file
        timed_examination(group[:2], inputs, False)
    samples = {kind: timed_examination(group, inputs, False) for kind, group in groups.items()}
    full = {kind: fit(sample) for kind, sample in samples.items()}
    full[PICTURE], pictures = picture_cost(
        samples.get(PICTURE, []), timed_examination(cameras, inputs, False)
    )
    every = [h for group in groups.values() for h in group] + cameras
    hash_only = fit(timed_examination(every, inputs, True))
    full[KNOWN_GOOD] = known_good_cost(groups.get(OTHER, []), data, work)
    counts = ", ".join(f"{kind} {len(group)}" for kind, group in groups.items())
    source.close()  # type: ignore[attr-defined]
    cpu, nbytes = unallocated_cost(data / "laptop.img", inputs)
    notes = [
        f"files timed by kind (examine_and_match in this process, CPU from process_time): {counts}, "
        f"12-megapixel JPEGs {len(cameras)}",
        pictures,
        f"unallocated space and slack: {nbytes / 1e6:,.0f} MB of the image in {cpu:.1f} CPU s",
    ]
    return CostModel(full, hash_only, 0.1, 0.5, cpu / max(nbytes, 1), ""), notes


def source_hash_per_byte(megabytes: int = 256) -> float:
    """CPU seconds per byte of the whole-source hash (SHA-256 + MD5 in one process, as
    triage.sources.hash_media does it), over pseudo-random bytes in memory."""
    block = random.Random(16).randbytes(1 << 20)
    sha256, md5 = hashlib.sha256(), hashlib.md5()
    started = time.process_time()
    for _ in range(megabytes):
        sha256.update(block)
        md5.update(block)
    return (time.process_time() - started) / (megabytes << 20)


def unallocated_cost(image: Path, inputs: object) -> tuple[float, int]:
    """CPU seconds and bytes of the pass over the image's unallocated space and slack, in this process."""
    from triage.match.unallocated import SECTION, unallocated_pass
    from triage.records import Tally
    from triage.sources import open_source
    from triage.walk.volumes import absolute_reader, open_volumes, walk_volume

    source = open_source(str(image))
    assert source.media is not None
    cpu, nbytes = 0.0, 0
    for opened in open_volumes(source.name, source.media, (), lambda problem: None):
        reader = absolute_reader(opened)
        if opened.fs is None or opened.baseline is not None or reader is None:
            continue
        entries = [h.entry for h in walk_volume(opened, lambda p: None, lambda why: None)]
        run = unallocated_pass(opened.fs, opened.volume, reader)
        started = time.process_time()
        keywords = inputs.keywords  # type: ignore[attr-defined]
        records = list(run(entries, keywords, lambda: False, None))  # chunks one after another, here
        cpu += time.process_time() - started
        read = (r for r in records if isinstance(r, Tally) and r.section == SECTION)
        nbytes += sum(r.count for r in read if r.name.endswith("unallocated and slack bytes examined"))
    source.close()
    return cpu, nbytes


@dataclass(frozen=True)
class WholeImage:
    serial_share: float
    serial_share_hash_only: float
    notes: list[str]


def whole_image(data: Path, work: Path, model: CostModel) -> WholeImage:
    """Serial shares from scans with worker processes (less a scan of an empty folder: start-up and
    library loading); the model's CPU for the image's files against the measured."""
    image, profile, empty = data / "laptop.img", data / "bench.toml", work / "empty"
    empty.mkdir()
    start = scan_run(empty, profile, work)
    full = scan_run(image, profile, work)
    hashed = scan_run(image, profile, work, hash_only=True)
    handles, source = image_handles(image)
    source.close()  # type: ignore[attr-defined]
    workload = Workload.of_entries(h.entry for h in handles)
    serial = (full.main_cpu - start.main_cpu) / max(full.cpu - start.cpu, 1e-9)
    serial_hashed = (hashed.main_cpu - start.main_cpu) / max(hashed.cpu - start.cpu, 1e-9)
    checked = replace(model, serial_share=serial, serial_share_hash_only=serial_hashed)
    notes = [
        f"start-up (a scan of an empty folder): {start.seconds:.1f} s wall, {start.cpu:.1f} CPU s, "
        f"{start.main_cpu:.1f} of it in the main process; subtracted below",
        f"whole image ({full.nbytes / 1e9:.2f} GB, {full.files:,} files), {os.cpu_count()} worker processes, "
        f"--no-unallocated: full scan {full.seconds:.1f} s wall, {full.cpu - start.cpu:.1f} CPU s "
        f"(the model: {cpu_seconds(checked, workload):.1f}); hash-only {hashed.seconds:.1f} s wall, "
        f"{hashed.cpu - start.cpu:.1f} CPU s "
        f"(the model: {cpu_seconds(checked, workload, hash_only=True):.1f})",
        f"serial share (main-process CPU / all CPU; the main process walks, applies and journals each "
        f"file's records and runs the artefact parsers): full scan {full.main_cpu - start.main_cpu:.1f} / "
        f"{full.cpu - start.cpu:.1f} = {serial:.1%}; hash-only {hashed.main_cpu - start.main_cpu:.1f} / "
        f"{hashed.cpu - start.cpu:.1f} = {serial_hashed:.1%}",
        _recalibration(checked, workload, full.cpu - start.cpu),
    ]
    return WholeImage(serial, serial_hashed, notes)


def _recalibration(model: CostModel, workload: Workload, observed_cpu: float) -> str:
    """What ``calibrated`` (the model scaled to a scan's observed CPU) would make of this run."""
    scaled = calibrated(model, workload, observed_cpu)
    factor = scaled.full[OTHER].per_byte / model.full[OTHER].per_byte if model.full[OTHER].per_byte else 1.0
    return (
        f"calibrated to the whole-image full scan's CPU, the model's costs would be scaled by {factor:.2f}; "
        "the table below uses them as measured file by file"
    )
