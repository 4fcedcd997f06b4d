"""Is a keyword hit sitting in text, or in random-looking or compressed bytes?

Why: a three-letter term turns up by chance about four times in every 8 MiB of random bytes (an
encrypted container, a compressed download), and such a hit means nothing. The Shannon entropy
of the bytes around the hit tells the two apart (written by hand: a dozen lines, no library
needed). Measured on 512-byte windows (256 either side; tests/match/test_binary_text.py
asserts these): random and deflate-compressed bytes 7.5-7.7 bits per byte, base64 5.9, English
text 4.5-5.4, UTF-16LE text 3.1-3.8, x86-64 machine code (/usr/bin/ls) at most 6.05. A window
is binary at 85% of the most a window of its length can hold (6.8 bits for 512 bytes); windows
under MIN_WINDOW bytes are never judged binary.
"""

from __future__ import annotations

import math
from collections import Counter

BINARY_REACH = 256  # bytes either side of a hit that are weighed
MIN_WINDOW = 64
BINARY_FRACTION = 0.85
ESCAPED_REACH = 16  # bytes either side shown, escaped, for a hit in binary data


def entropy(window: bytes) -> float:
    """Shannon entropy in bits per byte."""
    if not window:
        return 0.0
    size = len(window)
    return -sum(n / size * math.log2(n / size) for n in Counter(window).values())


def looks_binary(window: bytes) -> bool:
    """Whether the window's entropy reaches the threshold. Entropy is at most log2 of the number
    of distinct bytes, so text (a few dozen distinct bytes) is answered without counting them."""
    if len(window) < MIN_WINDOW:
        return False
    threshold = BINARY_FRACTION * min(8.0, math.log2(len(window)))
    if math.log2(len(set(window))) < threshold - 1e-9:
        return False
    return entropy(window) >= threshold


def escaped(data: bytes) -> str:
    """Bytes as printable ASCII with everything else as \\xNN: safe and unambiguous in a report."""
    return "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02x}" for b in data)
