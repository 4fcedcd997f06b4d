"""Benchmark the remote-agent cross-check (issue 7) on a synthetic scanned device.

    python bench/agent_bench.py --files 1000000 --visits 50000 --alerts 2000

Builds what a scan leaves for the cross-check (``ScanSoFar``) (browser visits, an inventory of files in
user folders, a few findings) and an alert export (a third each URL, keyword and
image alerts), then times ``cross_check`` against two baselines measured in the
same run: one bare pass over the same inventory and artefacts reading what any
cross-check must read (path, time, digests, URL), and the record building with
every file made a record (the design before the file filter). Best of 3.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from datetime import UTC, datetime, timedelta

from triage.agent.check import cross_check
from triage.agent.evidence import device_records
from triage.agent.records import AgentInputs, Alert, Heartbeat
from triage.library import HashLibrary
from triage.match.inputs import ScanSoFar, StageInputs
from triage.match.keywords import Keyword, KeywordScanner
from triage.profile import load_profile
from triage.records import Artefact, Entry, Examined, Finding, FindingDraft

START = datetime(2026, 3, 1, tzinfo=UTC)
HISTORY = "/Users/alice/AppData/Local/Google/Chrome/User Data/Default/History"


def build(files: int, visits: int, alerts: int) -> tuple[ScanSoFar, AgentInputs]:
    rng = random.Random(7)
    keywords = KeywordScanner([Keyword("hidden stash", "demo")])
    inputs = StageInputs(load_profile("default"), HashLibrary([]), keywords)
    artefacts: list[Artefact] = []
    inventory: list[Examined] = []
    history = Entry("bench", 1, HISTORY, 1 << 20, inode=1, mtime=START)
    for i in range(visits):
        when = START + timedelta(seconds=rng.randrange(2 * 86400))
        title = "hidden stash" if i % 97 == 0 else f"page {i}"
        values = {"url": f"https://site{i % 5000}.example/p/{i}", "title": title}
        artefacts.append(
            Artefact("browser/visit", "browser/chrome-history", history, when, "alice", values)
        )
    for i in range(files):
        when = START + timedelta(seconds=rng.randrange(3 * 86400))
        entry = Entry("bench", 1, f"/Users/alice/Documents/d{i % 100}/f{i}.txt", 10, inode=i, mtime=when)
        inventory.append(Examined(entry, "text/plain", "", f"{i:032x}", "", f"{i:064x}", 10))
    findings: list[Finding] = []
    for examined in inventory[:: max(1, files // 200)]:
        draft = FindingDraft("keyword", "demo", "", examined.entry, detail={"term": "hidden stash"})
        findings.append(draft.numbered(f"F{len(findings) + 1:04d}"))
    so_far = ScanSoFar(inputs, tuple(findings), tuple(artefacts), tuple(inventory))
    return so_far, AgentInputs(alerts=tuple(_alerts(alerts, files, rng)), heartbeats=_beats())


def _alerts(count: int, files: int, rng: random.Random) -> list[Alert]:
    made = []
    for i in range(count):
        when = START + timedelta(seconds=rng.randrange(2 * 86400))
        kind = ("url", "keyword", "image")[i % 3]
        values = {
            "url": {"url": f"https://site{i % 5000}.example/p/{i * 7}"},
            "keyword": {"term": f"term {i}"},
            "image": {"sha256": f"{rng.randrange(files * 2):064x}"},
        }[kind]
        made.append(Alert(f"X{i}", when, "PC", kind, f"bench {i}", **values))
    return made


def _beats() -> tuple[Heartbeat, ...]:
    return tuple(
        Heartbeat("PC", START + timedelta(minutes=15 * i)) for i in range(4 * 48) if not 100 < i < 140
    )


def bare_pass(ctx: ScanSoFar) -> int:
    """What any cross-check must read: each file's path, time and digests, each record's URL."""
    seen = 0
    for examined in ctx.inventory:
        seen += bool(examined.entry.path and examined.entry.mtime and examined.sha256 and examined.md5)
    for artefact in ctx.artefacts:
        seen += bool(artefact.values.get("url") and artefact.time)
    return seen


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--alerts", type=int, default=2_000)
    args = parser.parse_args()
    ctx, inputs = build(args.files, args.visits, args.alerts)
    now = START + timedelta(days=5)

    def check() -> None:
        cross_check(ctx, inputs, now)

    every = best_of(3, lambda: device_records(ctx.artefacts, ctx.inventory, ctx.findings))
    bare, full = best_of(3, lambda: bare_pass(ctx)), best_of(3, check)
    print(f"Python {platform.python_version()} on {platform.machine()}; best of 3")
    print(f"{args.files:,} files, {args.visits:,} visits, {args.alerts:,} alerts")
    print(
        f"| cross-check (all three answers) | {full:.2f} s | {bare:.3f} s (bare pass) | {full / bare:.1f}x |"
    )
    old = f"| records for every file (old design) | {every:.2f} s | {bare:.3f} s (bare pass) |"
    print(f"{old} {every / bare:.1f}x |")


if __name__ == "__main__":
    main()
