"""URL lists at scale (issue 22): open a 1,000,000-entry list from a signed bundle, and the cost
per address checked, against a plain Python ``set`` baseline measured in the same run.

    python bench/url_lists.py [--entries 1000000] [--queries 100000] [--work DIR]

Entries are generated (``site<i>.example-<j>.test`` domains and ``https://host<k>.test/p/<i>``
URLs, half each; nothing real). Measured, best of 3 where cheap:

- import: compiling the text list into a bundle (once, at the unit);
- open from the bundle: signature and SHA-256 check of its files (``verify_bundle``), then
  mapping the compiled list (``CompiledUrlList``); the hashed list the same;
- baselines: reading the text into a Python ``set`` of lines (no normalisation), and into a set
  of normalised keys (what loading the text list at start-up would need);
- lookups: ``UrlLibrary.match`` per address (normalise, candidate keys, SHA-256, one
  ``searchsorted``, the matches built) against a ``set`` lookup of the same candidate strings
  (normalised the same way), over distinct addresses (half listed: a subdomain of a listed
  domain or a listed URL written differently; half look-alike hosts).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from triage.library.bundle import add_urls, sign_bundle, verify_bundle
from triage.library.urls import CompiledUrlList
from triage.match.urls import UrlLibrary, candidates
from triage.signing import one_time_key
from triage.urls import normalise_domain, normalise_url


def entry(i: int) -> str:
    return f"site{i}.example-{i % 997}.test" if i % 2 else f"https://host{i % 50_000}.test/p/{i}"


def best(run: Callable[[], object], times: int = 3) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(times):
        start = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def normalised_set(path: Path) -> set[str]:
    keys = set()
    for line in path.read_text().splitlines():
        keys.add(normalise_url(line) if "://" in line else normalise_domain(line))
    return keys


def queries(count: int, entries: int) -> list[str]:
    rng = random.Random(7)
    found = []
    for n, i in enumerate(rng.sample(range(entries), count)):  # distinct: no help from the memo
        if n % 2:  # a miss: a look-alike host
            found.append(f"https://www.notsite{i}.example-{i % 997}.test/x?utm_source=y")
        elif i % 2:
            found.append(f"https://shop.site{i}.example-{i % 997}.test/basket#top")
        else:
            found.append(f"HTTPS://HOST{i % 50_000}.test:443/p/{i}/?fbclid=z")
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.work) as work_dir:
        run(Path(work_dir), args.entries, args.queries)


def run(work: Path, entries: int, count: int) -> None:
    text = work / "list.txt"
    text.write_text("".join(entry(i) + "\n" for i in range(entries)))
    hashed = work / "hashed.txt"
    keys = normalised_set(text)
    hashed.write_text("".join(hashlib.sha256(k.encode()).hexdigest() + "\n" for k in keys))
    key = one_time_key()
    public = work / "issuer.pub"
    public.write_bytes(key.public_pem())
    rows = []
    for name, source in (("clear", text), ("hashed", hashed)):
        bundle = work / f"bundle-{name}"
        start = time.perf_counter()
        add_urls(bundle, source, name, "known-bad")
        sign_bundle(bundle, key, "1", "bench")
        rows.append(
            (f"import {name} list into a bundle (once, at the unit)", time.perf_counter() - start, "")
        )
        verify, check = best(lambda b=bundle: verify_bundle(b, [public]))
        assert getattr(check, "ok", False)
        opened, url_list = best(lambda b=bundle, n=name: CompiledUrlList(b / "urls" / n))
        rows.append(
            (
                f"open {name} list from the bundle: verify + map",
                verify + opened,
                f"map alone {opened * 1000:.2f} ms",
            )
        )
    plain, lines = best(lambda: set(text.read_text().splitlines()))
    assert len(lines) == entries  # type: ignore[arg-type]
    normal, _ = best(lambda: normalised_set(text), times=1)
    rows.append(("baseline: text into a Python set (no normalisation)", plain, ""))
    rows.append(("baseline: text into a set of normalised keys (loose list start-up)", normal, ""))
    library = UrlLibrary([url_list])  # type: ignore[list-item]
    addresses = queries(count, entries)
    roles = library.roles  # the same candidate keys for both
    ours, hits = best(lambda: sum(bool(library.match(a)) for a in addresses), times=1)
    baseline, base_hits = best(
        lambda: sum(any(t in keys for t, _ in candidates(normalise_url(a), roles)) for a in addresses),
        times=1,
    )
    assert hits == base_hits == count // 2, (hits, base_hits)
    rows.append((f"{count:,} addresses matched (hashed list), per address", ours / count, ""))
    rows.append(("baseline: same candidates looked up in a Python set, per address", baseline / count, ""))
    for what, seconds, note in rows:
        shown = f"{seconds * 1e6:.1f} µs" if seconds < 0.01 else f"{seconds:.3f} s"
        print(f"| {what} | {shown} | {note} |")


if __name__ == "__main__":
    main()
