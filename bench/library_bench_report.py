"""Markdown for bench/library_bench.py's results (kept apart so the benchmark stays short)."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from typing import Any


def _rate(count: float, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds else "-"


def render_markdown(command: str, entries: int, queries: int, nsrl_rows: int, r: dict[str, Any]) -> str:
    c, lk = r["compile"], r["lookup"]
    lines = [
        "",
        f"## Hash libraries (issue 3): {entries:,} SHA-1 + {entries:,} MD5, {queries:,} queries",
        "",
        f"Command: `{command}`  ",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores "
        "(shared, noisy). Digests are random bytes; page cache warm (the set was just written).",
        "",
        "| measure | compiled set (mmap) | Python set (SHA-1 only) | SQLite PK (SHA-1 only) | target |",
        "|---|---|---|---|---|",
    ]
    ps, sq = r.get("python_set"), r.get("sqlite")
    lines.append(
        f"| build | {c['compile_s']:.1f} s (both algorithms, {c['bytes'] / 1e9:.2f} GB on disk) | "
        + (f"{ps['build_s']:.1f} s | " if ps else "- | ")
        + (f"{sq['build_s']:.1f} s ({sq['bytes'] / 1e9:.2f} GB) | " if sq else "- | ")
        + "- |"
    )
    lines.append(
        f"| open | {lk['open_s'] * 1000:.1f} ms | (= build: nothing to open) | "
        + (f"{sq['open_s'] * 1000:.1f} ms | " if sq else "- | ")
        + "< 1 s |"
    )
    lines.append(
        f"| resident memory growth after opening | {lk['open_rss_growth_kb'] / 1024:.1f} MB | "
        + (f"{ps['rss_anon_growth_kb'] / 1024:,.0f} MB | " if ps else "- | ")
        + "(page cache) | < 100 MB |"
    )
    lines.append(
        f"| batch lookups, SHA-1, 50% hits | {_rate(queries, lk['find_sha1_s'])} "
        f"(repeat {_rate(queries, lk['find_sha1_again_s'])}) | "
        + (f"{_rate(ps['q'], ps['lookup_s'])} (loop of `in`) | " if ps else "- | ")
        + (f"{_rate(sq['q'], sq['lookup_s'])} (one SELECT each) | " if sq else "- | ")
        + "≥ 1,000,000/s |"
    )
    lines.append(
        f"| batch lookups, MD5, 50% hits | {_rate(queries, lk['find_md5_s'])} "
        f"(repeat {_rate(queries, lk['find_md5_again_s'])}) | - | - | ≥ 1,000,000/s |"
    )
    lines.append(
        f"| `HashLibrary.match_batch` on hex, 1% hits | {_rate(queries, lk['match_batch_s'])} | - | - | - |"
    )
    lines.append(f"| `HashLibrary.match` one at a time | {lk['match_single_per_s']:,.0f}/s | - | - | - |")
    lines += [
        "",
        f"Anonymous memory growth of the lookup process after opening and all lookups: "
        f"{lk['rss_anon_growth_kb'] / 1024:.1f} MB; file-backed resident pages (shared page cache of the "
        f"mapped digests, reclaimable) {lk['rss_file_after_kb'] / 1024:,.0f} MB. Hits found: SHA-1 "
        f"{lk['find_sha1_hits']:,}, MD5 {lk['find_md5_hits']:,} of {queries // 2:,} planted each. "
        f"1-minute load average when the lookups started: {lk.get('load_average_1min', float('nan')):.1f} "
        "(2 cores; other work shares the machine).",
    ]
    if nsrl_rows and "nsrl_import" in r:
        mk, im = r["nsrl_make"], r["nsrl_import"]
        lines += [
            "",
            f"NSRL RDSv3-shaped SQLite, {nsrl_rows:,} rows ({mk['bytes'] / 1e9:.2f} GB, made in "
            f"{mk['make_s']:.0f} s): `nsrl` import (streamed, compiled) in {im['import_s']:.0f} s "
            f"(target < 600 s), peak resident memory of the importing process "
            f"{im['peak_rss_kb'] / 1024:.0f} MB; "
            f"{im['records']:,} rows -> {', '.join(f'{n:,} {a}' for a, n in im['counts'].items())}.",
        ]
    return "\n".join(lines) + "\n"
