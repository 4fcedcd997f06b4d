"""Issue 10 benchmark: our scan against the C baselines on the same NTFS image, in one run.

    python bench/run_bench.py --data /tmp/bench60k            # image made by make_ntfs_image.py
    python bench/run_bench.py --data /tmp/b --generate --size-gb 4 --files 60000 --curve 10000,30000

Measures, side by side: the hashlib limit (MD5+SHA-1+SHA-256 from memory on every core),
sha256sum of the image, hashdeep -j2 over the extracted tree, fls -r + icat, our hash-only
mode, our full scan, time to the first SEIZE (--stop-on-seize), keywords alone (10,000 terms
over a text file) against LC_ALL=C grep -F -i -c -f, peak memory of each process, and a
throughput curve over image sizes. bulk_extractor is run when it is on the PATH. Prints a
Markdown section (append it to bench/RESULTS.md with --append).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


@dataclass(frozen=True)
class Row:
    name: str
    command: str
    seconds: float
    nbytes: int
    files: int = 0
    peak_mb: float = 0.0
    note: str = ""
    cpu: float = 0.0  # user + system seconds of the process and its children

    def cells(self) -> str:
        rate = f"{self.nbytes / self.seconds / 1e6:,.0f}" if self.seconds and self.nbytes else "–"
        fps = f"{self.files / self.seconds:,.0f}" if self.seconds and self.files else "–"
        peak = f"{self.peak_mb:,.0f}" if self.peak_mb else "–"
        cpu = f"{self.cpu:,.1f}" if self.cpu else "–"
        per_cpu = f"{self.nbytes / self.cpu / 1e6:,.0f}" if self.cpu and self.nbytes else "–"
        return (
            f"| {self.name} | {self.seconds:,.1f} | {cpu} | {self.nbytes / 1e6:,.0f} | {self.files:,} | {rate} "
            f"| {per_cpu} | {fps} | {peak} | {self.note} |"
        )


LAST_CPU = [0.0]


def timed(
    command: list[str] | str, stdout: Path | None = None, cwd: Path | None = None
) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one process; its CPU seconds are left in LAST_CPU."""
    with open(stdout or os.devnull, "wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.PIPE, shell=isinstance(command, str), cwd=cwd
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 10, 20):
        raise RuntimeError(f"{command} exited {code}: {stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


LIMIT_SNIPPET = """
import hashlib, os, sys, time
from concurrent.futures import ProcessPoolExecutor
def work(n):
    buf = bytes(range(256)) * 4096 * 64  # 64 MiB
    ds = [hashlib.md5(), hashlib.sha1(), hashlib.sha256()]
    for _ in range(n):
        for i in range(0, len(buf), 1 << 20):
            for d in ds:
                d.update(buf[i:i + (1 << 20)])
    return n * len(buf)
cores = os.cpu_count()
with ProcessPoolExecutor(cores) as pool:
    list(pool.map(work, [0] * cores))
    t = time.monotonic()
    total = sum(pool.map(work, [int(sys.argv[1])] * cores))
    print(total, time.monotonic() - t)
"""


def hashlib_limit(rounds: int = 12) -> Row:
    out = subprocess.run(
        [PYTHON, "-c", LIMIT_SNIPPET, str(rounds)], capture_output=True, text=True, check=True
    )
    total, seconds = out.stdout.split()
    cores = os.cpu_count()
    return Row(
        f"hashlib limit, 3 digests, {cores} processes",
        "python -c <LIMIT_SNIPPET>",
        float(seconds),
        int(total),
    )


def warm(path: Path) -> None:
    """Read a file, or every file under a folder, once (untimed), so that the row measured next
    reads from the page cache whatever the rows before it read: this machine's cache does not
    hold the image and its extracted tree at once, and a row that found its input evicted by the
    previous row's would be measuring the disk."""
    paths = [path] if path.is_file() else [Path(root) / n for root, _, names in os.walk(path) for n in names]
    for one in paths:
        with open(one, "rb") as handle:
            while handle.read(1 << 24):
                pass


def tree_stats(tree: Path) -> tuple[int, int]:
    files = nbytes = 0
    for root, _, names in os.walk(tree):
        for name in names:
            files += 1
            nbytes += os.lstat(os.path.join(root, name)).st_size
    return files, nbytes


def extract_tree(image: Path, tree: Path) -> None:
    if tree.exists():
        return
    with tempfile.TemporaryDirectory() as mount:
        subprocess.run(["ntfs-3g", "-o", "ro", str(image), mount], check=True)
        try:
            subprocess.run(["cp", "-a", f"{mount}/.", str(tree)], check=True)
        finally:
            subprocess.run(["umount", mount], check=True)


def fls_icat(image: Path, work: Path, sample: int) -> list[Row]:
    listing = work / "fls.txt"
    seconds, peak = timed(["fls", "-r", "-p", "-o", "0", str(image)], stdout=listing)
    lines = listing.read_text(errors="replace").splitlines()
    regular = [
        line.split("\t")[0].split()[-1].rstrip(":")
        for line in lines
        if line.startswith("r/r") and "*" not in line.split("\t")[0]
    ]
    fls_cpu = LAST_CPU[0]
    rows = [
        Row("fls -r (list only)", f"fls -r -p -o 0 {image.name}", seconds, 0, len(regular), peak, cpu=fls_cpu)
    ]
    chosen = regular if not sample or sample >= len(regular) else regular[:: max(1, len(regular) // sample)]
    inodes = work / "inodes.txt"
    inodes.write_text("\n".join(chosen) + "\n")
    command = f"xargs -P2 -n1 -a {inodes} sh -c 'icat {image} \"$0\" | sha256sum' > /dev/null"
    seconds, peak = timed(command)
    note = (
        "all files" if len(chosen) == len(regular) else f"{len(chosen):,} of {len(regular):,} files sampled"
    )
    rows.append(
        Row(
            "icat each file, piped to sha256sum, xargs -P2",
            "xargs -P2 -n1 icat <img> <inode> | sha256sum",
            seconds,
            0,
            len(chosen),
            peak,
            note,
            cpu=LAST_CPU[0],
        )
    )
    return rows


def our_scan(image: Path, profile: Path, work: Path, name: str, *flags: str) -> Row:
    out = work / f"out-{name.replace(' ', '-')}"
    shutil.rmtree(out, ignore_errors=True)
    command = [
        PYTHON,
        "-m",
        "triage",
        "scan",
        str(image),
        "-p",
        str(profile),
        "-q",
        "--skip-source-hash",
        "-o",
        str(out),
        *flags,
    ]
    seconds, peak = timed(command)
    [folder] = out.iterdir()
    document = json.loads((folder / "findings.json").read_text())
    coverage = document["coverage"]
    verdict = document["decision"]["verdict"]
    note = f"verdict {verdict}; {len(document['findings'])} findings" + (
        "; partial" if coverage["partial"] else ""
    )
    shown = " ".join(c if c != PYTHON else "python" for c in command)
    return Row(
        name, shown, seconds, coverage["bytes_read"], coverage["files_examined"], peak, note, cpu=LAST_CPU[0]
    )


def keyword_rows(data: Path, work: Path, megabytes: int) -> list[Row]:
    sys.path.insert(0, str(HERE))
    import random

    from make_ntfs_image import keyword_terms, words

    terms = keyword_terms(10_000)
    (work / "terms.txt").write_text("\n".join(terms) + "\n")
    text = work / "text.txt"
    if not text.exists() or text.stat().st_size < megabytes * 1_000_000:
        rng = random.Random(5)
        vocabulary = words(rng, 20_000)
        with text.open("w") as out:
            written = 0
            while written < megabytes * 1_000_000:
                line = (
                    " ".join(rng.choices(vocabulary, k=12))
                    + (f" {rng.choice(terms)}" if rng.random() < 0.01 else "")
                    + "\n"
                )
                out.write(line)
                written += len(line)
    size = text.stat().st_size
    # grep stops at the first match when its output is /dev/null: count into a file
    grep_s, grep_mb = timed(
        f"LC_ALL=C grep -F -i -c -f {work / 'terms.txt'} {text}", stdout=work / "grep.out"
    )
    rows = [
        Row(
            "grep -F -i -c -f, 10,000 terms, 1 encoding",
            "LC_ALL=C grep -F -i -c -f terms.txt text.txt",
            grep_s,
            size,
            0,
            grep_mb,
            cpu=LAST_CPU[0],
        )
    ]
    for workers in (1, os.cpu_count() or 2):
        seconds, peak = timed(
            [PYTHON, str(HERE / "keywords_alone.py"), str(work / "terms.txt"), str(text), str(workers)]
        )
        rows.append(
            Row(
                f"our keywords, UTF-8 + UTF-16LE in one pass, {workers} process(es)",
                f"python bench/keywords_alone.py terms.txt text.txt {workers}",
                seconds,
                size,
                0,
                peak,
                cpu=LAST_CPU[0],
            )
        )
    return rows


def section(rows: list[Row], curve: list[Row], load: str, notes: list[str]) -> str:
    head = (
        "| measurement | wall s | CPU s | MB | files | MB/s (wall) | MB per CPU-s | files/s (wall) | peak MB | note |"
        "\n|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head, *(r.cells() for r in rows)]
    if curve:
        lines += ["", "Throughput curve (same generator, scaled):", "", head, *(r.cells() for r in curve)]
    commands = ["", "Commands:", "", *(f"- {r.name}: `{r.command}`" for r in rows + curve)]
    return "\n".join([f"Load average at start: {load}", "", *lines, *commands, "", *notes]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--size-gb", type=float, default=4.0)
    parser.add_argument("--files", type=int, default=60_000)
    parser.add_argument("--curve", default="", help="comma-separated file counts for extra images")
    parser.add_argument("--keywords-mb", type=int, default=500)
    parser.add_argument("--icat-sample", type=int, default=0, help="icat only this many files (0: all)")
    parser.add_argument("--append", action="store_true", help="append the section to bench/RESULTS.md")
    args = parser.parse_args()
    load = Path("/proc/loadavg").read_text().split()[:3]
    if args.generate:
        subprocess.run(
            [
                PYTHON,
                str(HERE / "make_ntfs_image.py"),
                "--out",
                str(args.data),
                "--size-gb",
                str(args.size_gb),
                "--files",
                str(args.files),
            ],
            check=True,
        )
    image, profile, work = args.data / "laptop.img", args.data / "bench.toml", args.data / "work"
    work.mkdir(exist_ok=True)
    rows = measure(image, profile, work, args)
    curve = measure_curve(args, work)
    notes = (
        []
        if shutil.which("bulk_extractor")
        else ["bulk_extractor: not installed (no Debian bookworm package), not measured."]
    )
    text = section(rows, curve, " ".join(load), notes)
    print(text)
    if args.append:
        with (HERE / "RESULTS.md").open("a") as out:
            out.write("\n" + text)


def measure(image: Path, profile: Path, work: Path, args: argparse.Namespace) -> list[Row]:
    rows = [hashlib_limit()]
    seconds, peak = timed(["sha256sum", str(image)])
    rows.append(
        Row(
            "sha256sum of the image",
            f"sha256sum {image.name}",
            seconds,
            image.stat().st_size,
            0,
            peak,
            cpu=LAST_CPU[0],
        )
    )
    tree = work / "tree"
    extract_tree(image, tree)
    files, nbytes = tree_stats(tree)
    seconds, peak = timed(["hashdeep", "-r", "-c", "md5,sha1,sha256", "-j2", str(tree)])
    rows.append(
        Row(
            "hashdeep -j2, 3 digests, extracted tree",
            "hashdeep -r -c md5,sha1,sha256 -j2 tree",
            seconds,
            nbytes,
            files,
            peak,
            cpu=LAST_CPU[0],
        )
    )
    rows += fls_icat(image, work, args.icat_sample)
    rows.append(our_scan(image, profile, work, "ours: hash-only", "--hash-only"))
    rows.append(our_scan(image, profile, work, "ours: full scan"))
    rows.append(our_scan(image, profile, work, "ours: --stop-on-seize", "--stop-on-seize"))
    if shutil.which("bulk_extractor"):
        seconds, peak = timed(["bulk_extractor", "-o", str(work / "be"), str(image)])
        rows.append(
            Row(
                "bulk_extractor, default scanners",
                f"bulk_extractor -o be {image.name}",
                seconds,
                image.stat().st_size,
                0,
                peak,
                cpu=LAST_CPU[0],
            )
        )
    rows += keyword_rows(args.data, work, args.keywords_mb)
    return rows


def measure_curve(args: argparse.Namespace, work: Path) -> list[Row]:
    curve = []
    for count in [int(c) for c in args.curve.split(",") if c]:
        data = args.data.parent / f"{args.data.name}-curve-{count}"
        if not (data / "laptop.img").exists():
            size = args.size_gb * count / args.files
            subprocess.run(
                [
                    PYTHON,
                    str(HERE / "make_ntfs_image.py"),
                    "--out",
                    str(data),
                    "--size-gb",
                    f"{size:.3f}",
                    "--files",
                    str(count),
                ],
                check=True,
            )
        for name, flags in (("hash-only", ("--hash-only",)), ("full scan", ())):
            curve.append(
                our_scan(
                    data / "laptop.img", data / "bench.toml", work, f"ours: {name}, {count:,} files", *flags
                )
            )
    return curve


if __name__ == "__main__":
    main()
