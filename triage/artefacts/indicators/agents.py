"""A remote monitoring agent that the order requires but that is missing or disabled.

Which agents are expected is profile data, ``[[scan.monitoring_agents]]`` (typed as
``triage.profile.MonitoringAgent``) with ``name``, ``os``
("windows", "linux" or "macos"), ``paths`` (fnmatch patterns over lower-cased paths, at least
one must exist) and, on Windows, ``services`` (service key names under
``SYSTEM\\ControlSet00N\\Services``; ``Start`` = 4 means disabled). The check runs only on a
volume that holds that operating system, and reports kind "indicator", label
"monitoring-agent-missing", saying whether files are missing or the service is absent or
disabled.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.common import DAMAGE_ERRORS
from triage.artefacts.windows.hives import open_hive
from triage.records import Artefact, Entry, FindingDraft, Record
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.profile import MonitoringAgent, Profile

NAME = "indicators/monitoring-agent"
SYSTEM_HIVE = "/windows/system32/config/system"
OS_MARKERS = {
    "windows": SYSTEM_HIVE,
    "linux": "/etc/os-release",
    "macos": "/system/library/coreservices/systemversion.plist",
}
DISABLED = 4


def missing_agents(handles: list[FileHandle], profile: Profile) -> Iterator[Record]:
    agents = profile.scan.monitoring_agents
    if not agents:
        return
    by_path = {h.entry.path.lower(): h for h in handles}
    for agent in agents:
        marker = by_path.get(OS_MARKERS[agent.os])
        if marker is None:
            continue
        problems = _file_problems(agent, by_path) + _service_problems(agent, by_path.get(SYSTEM_HIVE))
        if problems:
            yield from _report(agent.name, problems, marker.entry)


def _file_problems(agent: MonitoringAgent, by_path: dict[str, FileHandle]) -> list[str]:
    patterns = [p.lower() for p in agent.paths]
    if not patterns or any(fnmatch.fnmatchcase(p, pat) for p in by_path for pat in patterns):
        return []
    return [f"none of its files were found ({', '.join(patterns)})"]


def _service_problems(agent: MonitoringAgent, system: FileHandle | None) -> list[str]:
    services = list(agent.services)
    if not services or system is None:
        return []
    try:
        states = _service_starts(system, services)
    except DAMAGE_ERRORS as exc:
        return [f"its services could not be checked: the SYSTEM hive is damaged ({type(exc).__name__})"]
    found = []
    for service in services:
        start = states.get(service.lower())
        if start is None:
            found.append(f"service {service} is not installed")
        elif start == DISABLED:
            found.append(f"service {service} is disabled (Start = 4)")
    return found


def _service_starts(system: FileHandle, services: list[str]) -> dict[str, int | None]:
    """Lower-cased service name -> Start value, from the first control set that has the service."""
    starts: dict[str, int | None] = {}
    with open_hive(system) as hive:
        for root in hive.get_control_sets("Services"):
            for service in services:
                if service.lower() in starts:
                    continue
                try:
                    key = hive.get_key(rf"{root}\{service}")
                except Exception:  # regipy's RegistryKeyNotFoundException: not in this control set
                    continue
                start = next((v.value for v in key.iter_values() if v.name == "Start"), None)
                starts[service.lower()] = start if isinstance(start, int) else None
    return starts


def _report(name: str, problems: list[str], system: Entry) -> Iterator[Record]:
    summary = f"Monitoring agent {name!r} is required but {'; '.join(problems)}"
    detail = {"agent": name, "problems": problems, "system_file": system.path}
    yield FindingDraft("indicator", "monitoring-agent-missing", summary, system, detail=detail)
    values = {"name": name, "expected": "; ".join(problems)}
    yield Artefact("indicator/monitoring-agent-missing", NAME, system, None, "", values)
