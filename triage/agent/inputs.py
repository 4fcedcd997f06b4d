"""Load the three agent exchange files into an AgentInputs, before any evidence is read.

Alerts (triage-agent-alerts/1), heartbeats (triage-agent-heartbeats/1) and install
facts (triage-agent-install/1): docs/agent-exchange/README.md. A missing or
unusable file raises AgentInputError (the CLI's exit 3); a bad row is a Problem.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from triage.agent.exchange import read_exchange_file
from triage.agent.records import AgentInputs, Alert, ExpectedFile, Heartbeat, InputFile, InstallFacts
from triage.agent.schema import AgentInputError, Kind, ReadFile, Row, parse_utc

ALERTS = Kind("alerts", "triage-agent-alerts/1", "alerts-v1.schema.json", "alerts", "alert")
HEARTBEATS = Kind(
    "heartbeats", "triage-agent-heartbeats/1", "heartbeats-v1.schema.json", "heartbeats", "heartbeat"
)
INSTALL = Kind("install", "triage-agent-install/1", "install-v1.schema.json", "", "")

__all__ = ["AgentInputError", "load_agent_inputs"]


def load_agent_inputs(
    alerts: str | Path | None, heartbeats: str | Path | None = None, install: str | Path | None = None
) -> AgentInputs | None:
    """None when no alert file was given (the cross-check then does not run)."""
    if alerts is None:
        if heartbeats is not None or install is not None:
            raise AgentInputError("--agent-heartbeats and --agent-install need --agent-alerts")
        return None
    read_alerts = read_exchange_file(Path(alerts), ALERTS)
    read_beats = read_exchange_file(Path(heartbeats), HEARTBEATS) if heartbeats is not None else None
    read_install = read_exchange_file(Path(install), INSTALL) if install is not None else None
    roles = {"alerts": read_alerts, "heartbeats": read_beats, "install": read_install}
    reads = {role: read for role, read in roles.items() if read is not None}
    monitoring = read_alerts.header.get("monitoring", {})
    agent = read_alerts.header.get("agent", {})
    return AgentInputs(
        alerts=tuple(_alert(row) for row in read_alerts.rows),
        heartbeats=tuple(_heartbeat(r) for r in read_beats.rows) if read_beats else None,
        install=_install(read_install.header) if read_install else None,
        monitoring_start=_time_or_none(monitoring.get("start")),
        monitoring_end=_time_or_none(monitoring.get("end")),
        agent_product=agent.get("product", ""),
        agent_version=agent.get("version", ""),
        files=tuple(_input_file(role, read) for role, read in reads.items()),
        problems=tuple(p for read in reads.values() for p in read.problems),
    )


def _input_file(role: str, read: ReadFile) -> InputFile:
    rows = 1 if role == "install" else len(read.rows)
    bad = sum(1 for p in read.problems if "row skipped" in p.what)
    return InputFile(role, str(read.path), read.sha256, read.form, rows, bad)


def _alert(row: Row) -> Alert:
    v = row.values
    return Alert(
        id=v["id"],
        time=parse_utc(v["time"]),
        device=v["device"],
        type=v["type"],
        where=row.where,
        user=v.get("user", ""),
        term=v.get("term", ""),
        library=v.get("library", ""),
        url=v.get("url", ""),
        window_title=v.get("window_title", ""),
        application=v.get("application", ""),
        sha256=v.get("sha256", "").lower(),
        md5=v.get("md5", "").lower(),
    )


def _heartbeat(row: Row) -> Heartbeat:
    v = row.values
    return Heartbeat(v["device"], parse_utc(v["time"]), v.get("agent_version", ""), v.get("status", ""))


def _install(doc: dict[str, Any]) -> InstallFacts:
    return InstallFacts(
        device=doc["device"],
        product=doc["product"],
        agent_version=doc.get("agent_version", ""),
        installed=_time_or_none(doc.get("installed")),
        heartbeat_interval_seconds=int(doc.get("heartbeat_interval_seconds", 0)),
        service=doc.get("service", ""),
        files=tuple(ExpectedFile(f["path"], f.get("sha256", "").lower()) for f in doc.get("files", [])),
        monitored_users=tuple(doc.get("monitored_users", [])),
        monitored_browsers=tuple(b.lower() for b in doc.get("monitored_browsers", [])),
    )


def _time_or_none(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_utc(text)
    except ValueError as exc:
        raise AgentInputError(f"agent file: {exc}") from None
