"""Which multi-pattern engine runs the keyword search: Hyperscan where the CPU can run it, else
pyahocorasick. Chosen once per process, before ``hyperscan`` is ever imported.

Why: Hyperscan (the ``hyperscan`` wheel, python-hyperscan 0.9.1 with Vectorscan 5.4.12 linked in
statically) scans without the GIL and without the lower-cased latin-1 copy pyahocorasick needs,
many times faster (bench/RESULTS.md, issue 15). But that wheel's library is built for one x86
level, not a "fat" runtime that picks code by CPU at run time: its code uses SSSE3 (``pshufb``),
SSE4.1 (``ptest``, ``pinsrd``), SSE4.2 (``pcmpgtq``, ``crc32``) and POPCNT (objdump of
``_hs_ext*.so``). Measured under ``qemu-x86_64``: ``import hyperscan`` runs on ``-cpu qemu64``
and ``core2duo``, but compiling a database there dies with "Illegal instruction" (SIGILL, no
Python exception to catch); on ``-cpu Nehalem`` (SSE4.2 + POPCNT) it works. The officer's
executable must run on any x86-64 PC (issue 20 tests it on ``-cpu qemu64``), so the flags are
read from the operating system first and anything unknown falls back to pyahocorasick:

* Linux: the ``flags`` line of /proc/cpuinfo (x86 only; other architectures have none).
* Windows: ``IsProcessorFeaturePresent`` for SSSE3 (36), SSE4.1 (37), SSE4.2 (38) and AVX2 (40);
  POPCNT has no constant there, and every x86 CPU with SSE4.2 also has it (Intel Nehalem, AMD
  since K10). AVX2 too, there only: the win_amd64 wheel's ``_hs_ext.pyd`` holds AVX2 code (201
  ``ymm`` instructions, ``vpshufb``) beside SSSE3/SSE4.1, nothing shows it is chosen at run time,
  and Windows has no ``fork`` for the trial run below. Untested on Windows.
* Elsewhere (macOS, ARM): pyahocorasick.

Where ``fork`` exists, a forked child then compiles and runs a small database (many literals,
caseless and exact, with zero bytes) and must exit cleanly before the parent imports hyperscan:
the flags say what the CPU has, the child proves what this build of the library needs (and
catches an emulator such as ``qemu-x86_64 -cpu qemu64``, which shows the host's /proc/cpuinfo).
The child writes no core file; one that has not finished within TRIAL_SECONDS is killed and
counts as a failure.

``TRIAGE_KEYWORD_ENGINE=ahocorasick|hyperscan`` forces one (tests, benchmarks); forcing Hyperscan
on a CPU that cannot run it is refused rather than crash the scan.
"""

from __future__ import annotations

import os
import platform
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ENGINE_VARIABLE = "TRIAGE_KEYWORD_ENGINE"
AHOCORASICK = "ahocorasick"
HYPERSCAN = "hyperscan"
ENGINES = (AHOCORASICK, HYPERSCAN)
HYPERSCAN_CPU_FLAGS = ("ssse3", "sse4_1", "sse4_2", "popcnt")  # /proc/cpuinfo names
_WINDOWS_FEATURES = {"ssse3": 36, "sse4_1": 37, "sse4_2": 38, "avx2": 40}  # PF_*_INSTRUCTIONS_AVAILABLE
_CPUINFO = Path("/proc/cpuinfo")
TRIAL_SECONDS = 30.0  # natively the trial run takes about 30 ms, under qemu-x86_64 about 2 s


@dataclass(frozen=True)
class EngineChoice:
    """The engine a KeywordScanner uses, and why (shown by ``--version --verbose`` and the report)."""

    name: str  # AHOCORASICK or HYPERSCAN
    why: str


def choose_engine() -> EngineChoice:
    """The forced engine, else Hyperscan where this CPU can run it and the package is there."""
    forced = os.environ.get(ENGINE_VARIABLE, "").strip().lower()
    if forced == AHOCORASICK:
        return EngineChoice(AHOCORASICK, f"forced by {ENGINE_VARIABLE}")
    missing = missing_cpu_flags()
    if missing:
        refused = f"{ENGINE_VARIABLE}={HYPERSCAN} refused: " if forced == HYPERSCAN else ""
        return EngineChoice(AHOCORASICK, f"{refused}CPU lacks {', '.join(missing)} for Hyperscan")
    if not hyperscan_installed():
        return EngineChoice(AHOCORASICK, "the hyperscan package is not installed")
    if not hyperscan_runs():
        return EngineChoice(AHOCORASICK, "Hyperscan failed its trial run on this CPU")
    if forced == HYPERSCAN:
        return EngineChoice(HYPERSCAN, f"forced by {ENGINE_VARIABLE}")
    unknown = f"; {ENGINE_VARIABLE}={forced!r} ignored (use {' or '.join(ENGINES)})" if forced else ""
    return EngineChoice(HYPERSCAN, f"CPU has {', '.join(required_cpu_flags())}{unknown}")


def engine_description(recorded: Mapping[str, str] | None = None) -> str:
    """One line for the build/environment listing: engine, version and why it was chosen.
    ``recorded``: distribution versions the build wrote down (a frozen executable has no package
    metadata to ask)."""
    choice = choose_engine()
    if choice.name == HYPERSCAN:
        import hyperscan

        version = f"hyperscan {getattr(hyperscan, '__version__', 'unknown')} (Vectorscan, GIL-free)"
    else:
        version = f"pyahocorasick {_distribution_version('pyahocorasick', recorded or {})}"
    return f"{version}: {choice.why}"


def hyperscan_usable() -> bool:
    """Whether importing and running hyperscan is safe and possible here."""
    return not missing_cpu_flags() and hyperscan_installed() and hyperscan_runs()


@cache
def hyperscan_runs() -> bool:
    """Whether a forked child can compile and scan with hyperscan (True where there is no fork)."""
    if not hasattr(os, "fork"):
        return True
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which never returns
        status = 1
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            _probe_hyperscan()
            status = 0
        finally:
            os._exit(status)
    return _exited_cleanly(child)


def _exited_cleanly(child: int) -> bool:
    """Wait for the trial child; one that hangs (a lock held at the fork) is killed and fails."""
    deadline = time.monotonic() + TRIAL_SECONDS
    try:
        while True:
            done, status = os.waitpid(child, os.WNOHANG)
            if done:
                return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            if time.monotonic() > deadline:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
                return False
            time.sleep(0.005)
    except OSError:  # already reaped elsewhere (SIGCHLD ignored): no proof it ran
        return False


def _probe_hyperscan() -> None:
    import hyperscan

    words = [b"%03dx\\x00y" % n for n in range(300)]
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    flags = [hyperscan.HS_FLAG_CASELESS if n % 2 else 0 for n in range(len(words))]
    database.compile(expressions=[*words, b"ab"], ids=list(range(len(words) + 1)), flags=[*flags, 0])
    found: list[int] = []
    database.scan(b"017X\x00y ab " * 400, match_event_handler=lambda pattern, *_: found.append(pattern))
    if len(found) != 800:
        raise RuntimeError(f"hyperscan probe found {len(found)} matches, not 800")


@cache
def missing_cpu_flags() -> tuple[str, ...]:
    """The CPU features Hyperscan needs that this computer does not show (all, where unknown)."""
    return tuple(flag for flag in required_cpu_flags() if flag not in _cpu_flags())


def required_cpu_flags() -> tuple[str, ...]:
    return (*HYPERSCAN_CPU_FLAGS, "avx2") if sys.platform == "win32" else HYPERSCAN_CPU_FLAGS


def _cpu_flags() -> frozenset[str]:
    return _windows_flags() if sys.platform == "win32" else _linux_flags()


def _linux_flags() -> frozenset[str]:
    try:
        text = _CPUINFO.read_text(encoding="ascii", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def _windows_flags() -> frozenset[str]:
    if platform.machine().lower() not in ("amd64", "x86_64"):
        return frozenset()
    try:
        import ctypes

        present = ctypes.windll.kernel32.IsProcessorFeaturePresent  # type: ignore[attr-defined]
        have = {flag for flag, feature in _WINDOWS_FEATURES.items() if present(feature)}
    except (AttributeError, OSError):
        return frozenset()
    return frozenset(have | {"popcnt"}) if "sse4_2" in have else frozenset(have)


@cache
def hyperscan_installed() -> bool:
    """Whether the hyperscan package can be found, without importing it (call after the CPU gate)."""
    from importlib.util import find_spec

    return find_spec(HYPERSCAN) is not None


def _distribution_version(name: str, recorded: Mapping[str, str]) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return recorded.get(name, "(version unknown)")
