"""Is the agent there, running and untouched? Install facts against what the device shows.

* every file the install facts list: present (and, where a SHA-256 is given, the
  same content), only deleted, or absent. Vendor paths are compared without the
  drive letter, with "/" for "\\", case-insensitively (``C:\\Program Files\\A\\a.exe``
  is ``/Program Files/A/a.exe`` on the volume);
* the product and version among installed-software records (``software/installed``,
  values ``name``/``display_name`` and ``version``/``display_version``);
* the service among service records (``system/service``, values ``name`` and
  ``start``: 4 or "disabled" means disabled).

* the agent's own heartbeats: a status other than a healthy one ("stopped",
  "paused", "tamper detected", ...) and versions other than the install facts' one.

Where the scan parsed no installed-software or service records at all, that check
says "not checked" rather than guessing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from triage.agent.evidence import LIVE, DeviceRecord
from triage.agent.records import ExpectedFile, Heartbeat, InstallFacts
from triage.records import Artefact, Entry

OK, NOT_CHECKED = "ok", "not checked"
HEALTHY = frozenset({"", "ok", "running", "online", "active", "healthy", "up", "started"})
_DRIVE = re.compile(r"^[a-zA-Z]:")


@dataclass(frozen=True)
class StatusCheck:
    what: str  # "file /Program Files/Agent/agent.exe", "installed version", "service AgentSvc"
    result: str  # OK, NOT_CHECKED, or what is wrong
    label: str = ""  # the agent-missing finding's label when something is wrong
    detail: str = ""
    entry: Entry | None = None


def volume_path(vendor_path: str) -> str:
    """The path as the walk reports it: no drive letter, "/" separators, leading "/", case folded."""
    path = _DRIVE.sub("", vendor_path.strip().replace("\\", "/"))
    return ("/" + path.lstrip("/")).casefold()


def agent_status(
    install: InstallFacts, records: Sequence[DeviceRecord], artefacts: Sequence[Artefact]
) -> list[StatusCheck]:
    files: dict[str, list[DeviceRecord]] = defaultdict(list)
    for record in records:
        if record.kind == "file":
            files[record.path.casefold()].append(record)
    checks = [_file_check(expected, files.get(volume_path(expected.path), [])) for expected in install.files]
    checks.append(_installed_check(install, artefacts))
    if install.service:
        checks.append(_service_check(install.service, artefacts))
    return checks


def _file_check(expected: ExpectedFile, found: list[DeviceRecord]) -> StatusCheck:
    what = f"file {expected.path}"
    live = [r for r in found if r.state == LIVE]
    if not found:
        return StatusCheck(what, "missing", "file-missing", "not on any examined volume")
    if not live:
        return StatusCheck(what, "deleted", "file-deleted", found[0].where, found[0].entry)
    record = live[0]
    if expected.sha256 and record.sha256 and record.sha256 != expected.sha256:
        detail = f"SHA-256 {record.sha256}, expected {expected.sha256}: {record.where}"
        return StatusCheck(what, "changed", "file-changed", detail, record.entry)
    return StatusCheck(what, OK, "", record.where, record.entry)


def _installed_check(install: InstallFacts, artefacts: Sequence[Artefact]) -> StatusCheck:
    what = f"installed software {install.product}"
    software = [a for a in artefacts if a.kind == "software/installed"]
    if not software:
        return StatusCheck(what, NOT_CHECKED, "", "no installed-software records were parsed")
    product = install.product.casefold()
    listed = [a for a in software if product in _value(a, "name", "display_name").casefold()]
    if not listed:
        return StatusCheck(
            what, "not installed", "not-installed", f"not among {len(software)} installed programs"
        )
    versions = sorted({_value(a, "version", "display_version") for a in listed})
    source = listed[0].source
    if install.agent_version and install.agent_version not in versions:
        detail = f"device shows version {', '.join(versions) or 'none'}, expected {install.agent_version}"
        return StatusCheck(what, "version differs", "version-mismatch", detail, source)
    return StatusCheck(what, OK, "", f"version {', '.join(versions) or 'not recorded'}", source)


def _service_check(service: str, artefacts: Sequence[Artefact]) -> StatusCheck:
    what = f"service {service}"
    services = [a for a in artefacts if a.kind == "system/service"]
    if not services:
        return StatusCheck(what, NOT_CHECKED, "", "no service records were parsed")
    named = [a for a in services if _value(a, "name").casefold() == service.casefold()]
    if not named:
        return StatusCheck(what, "missing", "service-missing", f"not among {len(services)} services")
    start = str(named[0].values.get("start", "")).casefold()
    if start in ("4", "disabled"):
        return StatusCheck(what, "disabled", "service-disabled", f"start = {start}", named[0].source)
    return StatusCheck(what, OK, "", f"start = {start or 'not recorded'}", named[0].source)


def _value(artefact: Artefact, *keys: str) -> str:
    for key in keys:
        value = artefact.values.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def heartbeat_checks(beats: Sequence[Heartbeat], install: InstallFacts | None) -> list[StatusCheck]:
    """What the agent said about itself: unhealthy statuses, and versions the install facts do not name."""
    checks = []
    statuses: dict[str, list[Heartbeat]] = defaultdict(list)
    for beat in beats:
        if beat.status.strip().casefold() not in HEALTHY:
            statuses[beat.status.strip()].append(beat)
    for status, said in statuses.items():
        detail = f"{len(said)} heartbeat(s), first {said[0].time:%Y-%m-%d %H:%M:%S} UTC"
        checks.append(StatusCheck(f"heartbeat status {status!r}", "reported", "reported-unhealthy", detail))
    expected = install.agent_version if install else ""
    versions = sorted({b.agent_version for b in beats if b.agent_version and b.agent_version != expected})
    if expected and versions:
        detail = f"heartbeats report version {', '.join(versions)}, install facts say {expected}"
        checks.append(StatusCheck("heartbeat version", "version differs", "version-mismatch", detail))
    return checks
