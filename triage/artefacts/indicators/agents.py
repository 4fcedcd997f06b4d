"""A remote monitoring agent that the order requires but that is not on the device.

Which agents are expected is profile data (``[[scan.monitoring_agents]]`` with ``name``,
``os`` ("windows", "linux" or "macos") and ``paths``: fnmatch patterns of which at least
one must exist). The check runs only on a volume that holds that operating system, and
reports kind "indicator", label "monitoring-agent-missing".
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Any

from triage.records import Artefact
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.scan.context import ScanContext

NAME = "indicators/monitoring-agent"
OS_MARKERS = {
    "windows": "/windows/system32/config/system",
    "linux": "/etc/os-release",
    "macos": "/system/library/coreservices/systemversion.plist",
}


def missing_agents(handles: list[FileHandle], ctx: ScanContext) -> None:
    agents: list[dict[str, Any]] = list(ctx.profile.options.get("monitoring_agents", []))
    if not agents:
        return
    paths = [h.entry.path.lower() for h in handles]
    present = set(paths)
    for agent in agents:
        marker = OS_MARKERS.get(str(agent.get("os", "windows")).lower(), "")
        if marker not in present:
            continue
        patterns = [str(p).lower() for p in agent.get("paths", [])]
        if not any(fnmatch.fnmatchcase(p, pat) for p in paths for pat in patterns):
            _report(str(agent.get("name", "monitoring agent")), patterns, handles, ctx)


def _report(name: str, patterns: list[str], handles: list[FileHandle], ctx: ScanContext) -> None:
    system = next(h.entry for h in handles if h.entry.path.lower() in OS_MARKERS.values())
    summary = f"Monitoring agent {name!r} is required but was not found on this system volume"
    detail = {"agent": name, "expected_paths": patterns, "system_file": system.path}
    ctx.log.add(
        kind="indicator", label="monitoring-agent-missing", summary=summary, entry=system, detail=detail
    )
    values = {"name": name, "expected": ", ".join(patterns)}
    ctx.artefacts.append(Artefact("indicator/monitoring-agent-missing", NAME, system, None, "", values))
