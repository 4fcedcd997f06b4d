"""Keywords alone: our scanner (UTF-8 and UTF-16LE in one pass) over a text file.

    python bench/keywords_alone.py terms.txt text.txt WORKERS

The file is split into WORKERS byte ranges, one process each (pyahocorasick holds the GIL,
so threads would not add a core). The scanner is compiled once, before the processes are forked,
as the scan's own workers inherit it (triage/scan/workers.py); its compile time is in the run's
time. TRIAGE_KEYWORD_ENGINE chooses the engine (triage/match/keyword_engine.py). Prints the bytes
scanned, the engine and the occurrences found.
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from triage.match.keywords import KeywordScanner, load_keywords

CHUNK = 1 << 20
SCANNER: list[KeywordScanner] = []  # set before the fork, read in the children


def scan_range(text: str, start: int, end: int) -> tuple[int, int]:
    stream = SCANNER[0].stream()
    with open(text, "rb") as source:
        source.seek(start)
        left = end - start
        while left > 0:
            chunk = source.read(min(CHUNK, left))
            if not chunk:
                break
            stream.feed(chunk)
            left -= len(chunk)
    stream.finish()
    return end - start, sum(stream.counts.values())


def main() -> None:
    terms, text, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    SCANNER.append(KeywordScanner(load_keywords(Path(terms)), max_hits_per_keyword=20))
    size = Path(text).stat().st_size
    bounds = [size * i // workers for i in range(workers + 1)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        done = list(pool.map(scan_range, [text] * workers, bounds[:-1], bounds[1:]))
    print(sum(d[0] for d in done), SCANNER[0].engine, sum(d[1] for d in done))


if __name__ == "__main__":
    main()
