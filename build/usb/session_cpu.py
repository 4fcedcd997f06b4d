"""What this computer's processor can run, told to the officer before anything else.

The x86-64 micro-architecture levels (x86-64 psABI, "Micro-Architecture Levels"): v1 is every
x86-64 CPU (SSE2), v2 adds CMPXCHG16B, LAHF/SAHF, POPCNT, SSE3, SSE4.1, SSE4.2 and SSSE3 (Intel
Nehalem 2008 onwards), v3 adds AVX2 and friends. The stick's scanner bundles numpy 2.3, whose
baseline is SSE3 (numpy 2.4's wheels need v2 and stop with "Illegal instruction" on a Core 2 or
on QEMU's default ``qemu64``: issue 20). The keyword search's Hyperscan engine needs v2; below it
triage falls back to pyahocorasick (triage/match/keyword_engine.py). Flags are the names in
``/proc/cpuinfo``.
"""

from __future__ import annotations

from dataclasses import dataclass

V2_FLAGS = ("cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3")
V3_FLAGS = ("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "movbe", "xsave")
SCANNER_FLAGS = ("sse2", "pni")  # what the bundled scanner needs: the x86-64 baseline and SSE3


@dataclass(frozen=True)
class Processor:
    model: str
    flags: frozenset[str]

    @property
    def level(self) -> int:
        if not all(f in self.flags for f in V2_FLAGS):
            return 1
        return 3 if all(f in self.flags for f in V3_FLAGS) else 2

    @property
    def missing_for_scanner(self) -> tuple[str, ...]:
        return tuple(f for f in SCANNER_FLAGS if f not in self.flags)


def parse_cpuinfo(text: str) -> Processor:
    """The first processor's model name and flags from ``/proc/cpuinfo``."""
    model, flags = "unknown processor", frozenset[str]()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model == "unknown processor":
            model = " ".join(value.split())
        elif key == "flags" and not flags:
            flags = frozenset(value.split())
    return Processor(model, flags)


def describe_processor(cpu: Processor) -> list[str]:
    """What will and will not run, in plain words (shown at the start of the session)."""
    lines = [f"Processor: {cpu.model} (x86-64 level v{cpu.level})"]
    if cpu.missing_for_scanner:
        missing = ", ".join(f.replace("pni", "SSE3").upper() for f in cpu.missing_for_scanner)
        lines.append(f"  This processor lacks {missing}: the scanner cannot run on it.")
        return lines
    if cpu.level == 1:  # triage.match.keyword_engine: Hyperscan needs SSSE3, SSE4.1/4.2, POPCNT (v2)
        lines.append("  An older processor (no SSE4.2/POPCNT): every check still runs on it.")
        lines.append("  The keyword search uses its portable engine here: the same hits, more slowly.")
    else:
        lines.append("  Every check runs on this processor.")
    return lines
