"""Scan mutated disk images and check the promises a verdict must keep (issue 19).

    python bench/fuzz_images.py --seed 19 --count 1000 --timeout 60     # the documented run
    python -m pytest -m slow tests/fuzz                                  # a bounded run (minutes)

Bases: the demo disk, the test images built by script (tests/data/make_broken_images.py: ext2,
ext4, FAT12; tests/data/gpt-exfat-ext4-fat.img.gz; an empty NTFS from mkntfs) and small images
in ../shared/peerdata (ext2, MBR with extended partitions, HFS+, ISO 9660, FAT12, E01). Each
mutant (tests/fuzz/mutate.py) is scanned by ``triage scan --profile demo`` in a forked child of
this process (which imported triage once: the same code path as ``python -m triage scan``,
without paying the start-up per mutant), killed if it runs past the time cap.

The oracle, for each mutant:
- the exit code is a documented one (0, 10, 20, or 3 for a source that cannot be opened), and
  stderr holds no traceback and no "internal error";
- it ends before the time cap (no hang);
- NO GROUNDS FOUND (exit 0) only with complete coverage: no Problem of kind "error" or
  "tool-fault" and every volume examined;
- a report that was written verifies.
A mutant that fails is written as its recipe to ``--keep`` (replay: tests/fuzz/test_regressions.py).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.data import make_broken_images
from tests.fuzz.mutate import Recipe, apply_recipe, make_recipe, partition_starts

ROOT = Path(__file__).resolve().parents[2]
PEERDATA = ROOT.parent / "shared" / "peerdata"
DOCUMENTED_EXITS = {0, 10, 20, 3}
GAP_KINDS = ("error", "tool-fault")
PEER_BASES = {
    "sk-ext2.dd": "sleuthkit/test/data/image.dd",
    "tsk_volume_system.raw": "plaso/test_data/tsk_volume_system.raw",
    "hfsplus.raw": "dfvfs/test_data/hfsplus.raw",
    "iso9660.raw": "dfvfs/test_data/iso9660.raw",
    "sk-image.E01": "sleuthkit/test/data/image.E01",
    "daylight.dd": "sleuthkit_test_data/from_brian/5-fat-daylight.zip",
}


@dataclass(frozen=True)
class Outcome:
    code: int  # exit code; -9 when killed at the time cap
    seconds: float
    stderr: str
    report: Path | None

    @property
    def hung(self) -> bool:
        return self.code == -9


def collect_bases(work: Path, demo: bool = True, peer: bool = True) -> dict[str, Path]:
    """Every base image, unpacked or built into ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    bases: dict[str, Path] = {}
    if demo:
        bases["demo-disk.img"] = _gunzip(
            ROOT / "triage" / "demo" / "data" / "demo-disk.img.gz", work / "demo-disk.img"
        )
    bases["gpt-exfat-ext4-fat.img"] = _gunzip(
        ROOT / "tests" / "data" / "gpt-exfat-ext4-fat.img.gz", work / "gpt.img"
    )
    if not make_broken_images.missing_tools():
        build = work / "built"
        if not build.exists():
            build.mkdir()
            make_broken_images.ext_image(build, "ext2.img", "ext2")
            make_broken_images.ext_image(build, "ext4.img", "ext4")
            make_broken_images.fat12_image(build)
        bases.update({name: build / name for name in ("ext2.img", "ext4.img", "fat12.img")})
    if shutil.which("mkntfs"):
        bases["ntfs.img"] = _empty_ntfs(work / "ntfs.img")
    if peer and PEERDATA.is_dir():
        for name, relative in PEER_BASES.items():
            if (PEERDATA / relative).exists():
                bases[name] = _peer_image(PEERDATA / relative, work / name)
    return bases


def _gunzip(packed: Path, target: Path) -> Path:
    if not target.exists():
        with gzip.open(packed, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
    return target


def _empty_ntfs(target: Path) -> Path:
    if not target.exists():
        with target.open("wb") as handle:
            handle.truncate(4 << 20)
        subprocess.run(["mkntfs", "-F", "-q", "-Q", "-s", "512", "-c", "4096", "-L", "FUZZ", str(target)],
                       check=True, capture_output=True)  # fmt: skip
    return target


def _peer_image(path: Path, target: Path) -> Path:
    if not target.exists():
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                [member] = [n for n in archive.namelist() if n.endswith(".dd")]
                target.write_bytes(archive.read(member))
        else:
            shutil.copyfile(path, target)
    return target


def scan(image: Path, out: Path, timeout: float) -> Outcome:
    """``triage scan IMAGE --profile demo`` in a forked child, killed at ``timeout`` seconds."""
    import triage.cli  # noqa: F401  (imported once, before the fork, so every child has it)

    out.mkdir(parents=True, exist_ok=True)
    errors = out / "stderr.txt"
    started = time.monotonic()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        _child_scan(image, out, errors)
    code = _wait(child, started + timeout)
    reports = [p for p in out.iterdir() if p.is_dir()]
    stderr = errors.read_text(errors="replace") if errors.exists() else ""
    return Outcome(code, time.monotonic() - started, stderr, reports[0] if reports else None)


def _child_scan(image: Path, out: Path, errors: Path) -> None:  # pragma: no cover - child only
    code = 99
    try:
        os.setsid()
        stderr = os.open(errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(stderr, 2)
        sys.argv = [
            "triage",
            "scan",
            str(image),
            "--profile",
            "demo",
            "--out",
            str(out),
            "-q",
            "--skip-source-hash",
        ]
        from triage.cli import main

        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)


def _wait(child: int, deadline: float) -> int:
    while True:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            try:
                os.killpg(child, signal.SIGKILL)  # the child and anything it started
            except ProcessLookupError:
                os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            return -9
        time.sleep(0.02)


def judge(outcome: Outcome) -> list[str]:
    """The promises this mutant broke (empty: it kept them all)."""
    if outcome.hung:
        return ["hang: still running at the time cap"]
    broken = []
    last = outcome.stderr.strip().splitlines()[-1:] or [""]
    if outcome.code not in DOCUMENTED_EXITS:
        broken.append(f"undocumented exit {outcome.code}: {last[0][:300]}")
    if "Traceback" in outcome.stderr or "internal error" in outcome.stderr:
        broken.append(f"crash: {last[0][:300]}")
    if outcome.report is not None and (outcome.report / "findings.json").exists():
        broken.extend(_judge_report(outcome))
    return broken


CATEGORIES = (
    "hang",
    "undocumented exit",
    "crash",
    "NO GROUNDS FOUND with a gap",
    "the report does not verify",
)


def category(promise: str) -> str:
    return next(c for c in CATEGORIES if promise.startswith(c))


def _judge_report(outcome: Outcome) -> list[str]:
    from triage.signing import verify_folder

    assert outcome.report is not None
    broken = []
    doc = json.loads((outcome.report / "findings.json").read_text(encoding="utf-8"))
    if doc["decision"]["verdict"] == "NO GROUNDS FOUND":
        gaps = [p for p in doc["problems"] if p.get("kind", "error") in GAP_KINDS]
        unexamined = [v["volume"]["description"] for v in doc["coverage"]["volumes"] if not v["examined"]]
        if gaps or unexamined or not doc["coverage"]["complete"]:
            first = gaps[0]["what"][:200] if gaps else f"volumes not examined: {unexamined}"
            broken.append(f"NO GROUNDS FOUND with a gap ({len(gaps)} gap problems): {first}")
    if not verify_folder(outcome.report).ok:
        broken.append("the report does not verify")
    return broken


def run(bases: dict[str, Path], seed: int, count: int, timeout: float, work: Path, keep: Path | None) -> dict:
    """Scan ``count`` mutants; returns the tallies a results page records."""
    names = sorted(bases)
    weights = [1 if name == "demo-disk.img" else 3 for name in names]
    tallies: Counter[str] = Counter()
    failures: list[tuple[Recipe, list[str]]] = []
    slowest = (0.0, "")
    hot = {name: partition_starts(path) for name, path in bases.items()}
    started = time.monotonic()
    for index in range(count):
        name = _pick(names, weights, seed, index)
        recipe = make_recipe(name, bases[name].stat().st_size, hot[name], seed, index)
        outcome, broken = run_recipe(recipe, bases[name], work / "mutant", timeout)
        tallies[f"code {outcome.code}"] += 1
        slowest = max(slowest, (outcome.seconds, f"{name} #{index}"))
        if broken:
            failures.append((recipe, broken))
            tallies["broken"] += 1
            for promise in broken:
                tallies[category(promise)] += 1
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"seed{seed}-{index}-{name}.json").write_text(recipe.to_json())
        print(
            f"{index + 1}/{count} {name}: exit {outcome.code} {outcome.seconds:.1f}s {'; '.join(broken)}",
            flush=True,
        )
    return {
        "seed": seed, "count": count, "timeout": timeout, "seconds": time.monotonic() - started,
        "tallies": dict(tallies), "slowest": slowest, "failures": [(r.to_json(), b) for r, b in failures],
    }  # fmt: skip


def _pick(names: list[str], weights: list[int], seed: int, index: int) -> str:
    import random

    return random.Random(f"{seed}:{index}").choices(names, weights)[0]


def run_recipe(recipe: Recipe, base: Path, work: Path, timeout: float) -> tuple[Outcome, list[str]]:
    """Build one mutant, scan it, judge it, and clean up after it."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    mutant = work / recipe.base
    apply_recipe(recipe, base, mutant)
    outcome = scan(mutant, work / "out", timeout)
    broken = judge(outcome)
    return outcome, broken
