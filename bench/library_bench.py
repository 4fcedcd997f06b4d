"""Benchmark of compiled hash libraries (issue 3) against a Python set and SQLite, same run.

    python bench/library_bench.py --entries 50000000 --nsrl-rows 50000000 --work /tmp/libbench

Digests are uniformly random bytes (what MD5/SHA-1 outputs look like); no real hash list is used.
Phases, each timed:

1. compile N SHA-1 + N MD5 digests into one compiled set (``SetBuilder``, bounded memory);
2. in a fresh process: open it (time, resident memory growth), then look up Q queries (half
   members, half not) through the batch API (``CompiledSet.find`` on raw digests, and
   ``HashLibrary.match_batch`` on hex strings with 1% hits), and single ``match`` calls;
3. baselines over the same N SHA-1 digests: a Python ``set`` of bytes and a SQLite
   ``WITHOUT ROWID`` table with the digest as primary key (build, open, lookups);
4. an NSRL RDSv3-shaped SQLite (FILE table: sha256, sha1, md5, crc32, file_name, file_size,
   package_id; upper-case hex) of R rows, then ``triage library``'s streamed import of it, in a
   child process whose peak resident memory is reported.

Prints a Markdown section; ``--append`` adds it to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from triage.library import CompiledSet, HashLibrary  # noqa: E402
from triage.library.builder import SetBuilder  # noqa: E402
from triage.library.formats.base import DigestColumn  # noqa: E402

CHUNK = 2_000_000


def memory_kb() -> dict[str, int]:
    """VmRSS / VmHWM (peak) / RssAnon / RssFile of this process, from /proc/self/status (kB)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            fields[key] = int(value.split()[0])
    return fields


def random_digests(rng: np.random.Generator, count: int, width: int) -> np.ndarray:
    return np.frombuffer(rng.bytes(count * width), dtype=f"S{width}")


def phase_compile(work: Path, entries: int) -> dict[str, float]:
    rng = np.random.default_rng(1)
    started = time.perf_counter()
    builder = SetBuilder(work / "set")
    for start in range(0, entries, CHUNK):
        count = min(CHUNK, entries - start)
        builder.add(DigestColumn("sha1", rng.bytes(count * 20), count))
        builder.add(DigestColumn("md5", rng.bytes(count * 16)))
    info = builder.finish("bench", "known-bad", [])
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (work / "set").iterdir())
    return {"compile_s": seconds, "counts": info["counts"], "bytes": size}


def member_sample(compiled: CompiledSet, algorithm: str, count: int, rng: np.random.Generator) -> np.ndarray:
    rows = np.sort(rng.integers(0, compiled.counts[algorithm], count))
    return compiled.digests_at(algorithm, rows)


def all_sha1(work: Path) -> tuple[CompiledSet, int]:
    compiled = CompiledSet(work / "set")
    return compiled, compiled.counts["sha1"]


def sha1_blocks(compiled: CompiledSet, total: int):
    """The set's SHA-1 digests, CHUNK at a time, as concatenated raw bytes."""
    for start in range(0, total, CHUNK):
        yield compiled.digests_at("sha1", np.arange(start, min(total, start + CHUNK))).tobytes()


def phase_lookup(work: Path, queries: int) -> dict[str, float]:
    rng = np.random.default_rng(2)
    before = memory_kb()
    started = time.perf_counter()
    compiled = CompiledSet(work / "set")
    open_s = time.perf_counter() - started
    after_open = memory_kb()
    result: dict[str, float] = {"open_s": open_s, "open_rss_growth_kb": after_open["VmRSS"] - before["VmRSS"]}
    result["load_average_1min"] = os.getloadavg()[0]
    half = queries // 2
    for algorithm, width in (("sha1", 20), ("md5", 16)):
        members = member_sample(compiled, algorithm, half, rng)
        mixed = np.concatenate([members, random_digests(rng, queries - half, width)])
        rng.shuffle(mixed)
        started = time.perf_counter()
        found = compiled.find(algorithm, mixed)
        result[f"find_{algorithm}_s"] = time.perf_counter() - started
        result[f"find_{algorithm}_hits"] = int((found >= 0).sum())
        started = time.perf_counter()
        compiled.find(algorithm, mixed)
        result[f"find_{algorithm}_again_s"] = time.perf_counter() - started
    after = memory_kb()
    result["rss_anon_growth_kb"] = after["RssAnon"] - before["RssAnon"]
    result["rss_file_after_kb"] = after["RssFile"]
    result.update(match_batch_rates(compiled, queries, rng))
    return result


def match_batch_rates(compiled: CompiledSet, queries: int, rng: np.random.Generator) -> dict[str, float]:
    """HashLibrary.match_batch on hex strings (the scan's view), 1% hits; and single match()."""
    library = HashLibrary([compiled])
    hits = member_sample(compiled, "sha1", queries // 100, rng)
    mixed = np.concatenate([hits, random_digests(rng, queries - len(hits), 20)])
    sha1s = [bytes(d).ljust(20, b"\0").hex() for d in mixed]
    empty = [""] * len(sha1s)
    started = time.perf_counter()
    found = library.match_batch(empty, sha1s, empty)
    batch_s = time.perf_counter() - started
    single = sha1s[: queries // 10]
    started = time.perf_counter()
    for digest in single:
        library.match("", digest, "")
    single_s = time.perf_counter() - started
    return {
        "match_batch_s": batch_s,
        "match_batch_hits": sum(1 for row in found if row),
        "match_single_per_s": len(single) / single_s,
    }


def phase_python_set(work: Path, queries: int) -> dict[str, float]:
    rng = np.random.default_rng(3)
    compiled, total = all_sha1(work)
    before = memory_kb()["RssAnon"]
    started = time.perf_counter()
    known: set[bytes] = set()
    for block in sha1_blocks(compiled, total):
        known.update(block[i : i + 20] for i in range(0, len(block), 20))
    build_s = time.perf_counter() - started
    growth = memory_kb()["RssAnon"] - before
    members = [bytes(d).ljust(20, b"\0") for d in member_sample(compiled, "sha1", queries // 2, rng)]
    mixed = members + [rng.bytes(20) for _ in range(queries - len(members))]
    started = time.perf_counter()
    hits = sum(1 for q in mixed if q in known)
    lookup_s = time.perf_counter() - started
    return {
        "build_s": build_s,
        "rss_anon_growth_kb": growth,
        "lookup_s": lookup_s,
        "hits": hits,
        "q": queries,
    }


def phase_sqlite(work: Path, queries: int) -> dict[str, float]:
    rng = np.random.default_rng(4)
    path = work / "baseline.sqlite"
    path.unlink(missing_ok=True)
    compiled, total = all_sha1(work)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE h (d BLOB PRIMARY KEY) WITHOUT ROWID")
    for block in sha1_blocks(compiled, total):
        db.executemany("INSERT INTO h VALUES (?)", ((block[i : i + 20],) for i in range(0, len(block), 20)))
    db.commit()
    db.close()
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    db.execute("SELECT 1 FROM h WHERE d = ?", (b"\0" * 20,)).fetchone()
    open_s = time.perf_counter() - started
    count = min(queries, 200_000)
    members = [bytes(d).ljust(20, b"\0") for d in member_sample(compiled, "sha1", count // 2, rng)]
    mixed = members + [rng.bytes(20) for _ in range(count - len(members))]
    started = time.perf_counter()
    hits = sum(1 for q in mixed if db.execute("SELECT 1 FROM h WHERE d = ?", (q,)).fetchone())
    lookup_s = time.perf_counter() - started
    db.close()
    size = path.stat().st_size
    path.unlink()
    return {
        "build_s": build_s,
        "open_s": open_s,
        "lookup_s": lookup_s,
        "hits": hits,
        "q": count,
        "bytes": size,
    }


def phase_make_nsrl(work: Path, rows: int) -> dict[str, float]:
    rng = np.random.default_rng(5)
    path = work / "RDS_bench.db"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "CREATE TABLE FILE (sha256 TEXT NOT NULL, sha1 TEXT NOT NULL, md5 TEXT NOT NULL, crc32 TEXT,"
        " file_name TEXT, file_size INTEGER, package_id INTEGER)"
    )
    db.execute("CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5 FROM FILE")
    batch = 500_000
    for start in range(0, rows, batch):
        count = min(batch, rows - start)
        s256, s1, m5 = (rng.bytes(count * w).hex().upper() for w in (32, 20, 16))
        db.executemany(
            "INSERT INTO FILE VALUES (?, ?, ?, '00000000', 'file.dll', 1024, 1)",
            (
                (s256[i * 64 : i * 64 + 64], s1[i * 40 : i * 40 + 40], m5[i * 32 : i * 32 + 32])
                for i in range(count)
            ),
        )
    db.commit()
    db.close()
    return {"make_s": time.perf_counter() - started, "bytes": path.stat().st_size}


def phase_import_nsrl(work: Path) -> dict[str, float]:
    """Run in a child process so its peak resident memory is its own."""
    from triage.library.importer import import_hashset

    started = time.perf_counter()
    info = import_hashset([work / "RDS_bench.db"], "nsrl", "nsrl", "known-good", work / "nsrl-set")
    seconds = time.perf_counter() - started
    peak_kb = memory_kb()["VmHWM"]  # not ru_maxrss: Linux carries that over exec from a fat parent
    return {"import_s": seconds, "counts": info["counts"], "records": info["records"], "peak_rss_kb": peak_kb}


def child(phase: str, work: Path, queries: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--phase", phase, "--work", str(work), "--queries", str(queries)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=50_000_000, help="SHA-1 and MD5 digests each")
    parser.add_argument("--queries", type=int, default=1_000_000)
    parser.add_argument("--nsrl-rows", type=int, default=50_000_000, help="0 to skip the NSRL phase")
    parser.add_argument("--work", type=Path, default=Path("/tmp/triage-library-bench"))
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--append", action="store_true", help="append the section to bench/RESULTS.md")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.phase == "lookup":
        print(json.dumps(phase_lookup(args.work, args.queries)))
        return
    if args.phase == "import-nsrl":
        print(json.dumps(phase_import_nsrl(args.work)))
        return
    results: dict[str, dict[str, float]] = {"compile": phase_compile(args.work, args.entries)}
    print("compiled", results["compile"], file=sys.stderr, flush=True)
    results["lookup"] = child("lookup", args.work, args.queries)
    print("lookup", results["lookup"], file=sys.stderr, flush=True)
    if not args.skip_baselines:
        results["python_set"] = phase_python_set(args.work, args.queries)
        print("set", results["python_set"], file=sys.stderr, flush=True)
        results["sqlite"] = phase_sqlite(args.work, args.queries)
        print("sqlite", results["sqlite"], file=sys.stderr, flush=True)
    if args.nsrl_rows:
        results["nsrl_make"] = phase_make_nsrl(args.work, args.nsrl_rows)
        print("nsrl made", results["nsrl_make"], file=sys.stderr, flush=True)
        results["nsrl_import"] = child("import-nsrl", args.work, args.queries)
        print("nsrl import", results["nsrl_import"], file=sys.stderr, flush=True)
    (args.work / "results.json").write_text(json.dumps(results, indent=1))
    section = render(args, results)
    print(section)
    if args.append:
        with open(REPO / "bench" / "RESULTS.md", "a", encoding="utf-8") as out:
            out.write(section)


def render(args: argparse.Namespace, r: dict[str, dict[str, float]]) -> str:
    from library_bench_report import render_markdown  # beside this script

    command = "python bench/library_bench.py " + " ".join(sys.argv[1:])
    return render_markdown(command, args.entries, args.queries, args.nsrl_rows, r)


if __name__ == "__main__":
    main()
