"""Records read from a remote monitoring agent's exchange files (docs/agent-exchange/README.md).

The files are the officer's input, not evidence, but they still come from a
third party's export: every row is validated, and a bad row is a Problem (by
line) that never stops the rows after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from triage.records import Problem

ALERT_TYPES = ("keyword", "image", "url", "application")


@dataclass(frozen=True)
class Alert:
    """One alert the agent raised (triage-agent-alerts/1)."""

    id: str
    time: datetime  # UTC
    device: str
    type: str  # one of ALERT_TYPES
    where: str  # "alerts.csv line 7": where it was read, for the report
    user: str = ""
    term: str = ""  # the matched term
    library: str = ""  # the agent's library entry (list name, entry id)
    url: str = ""
    window_title: str = ""
    application: str = ""
    sha256: str = ""  # lower case
    md5: str = ""


@dataclass(frozen=True)
class Heartbeat:
    """One check-in of the agent (triage-agent-heartbeats/1)."""

    device: str
    time: datetime  # UTC
    agent_version: str = ""
    status: str = ""


@dataclass(frozen=True)
class ExpectedFile:
    path: str  # as the vendor gives it: "C:\\Program Files\\Agent\\agent.exe" or "/opt/agent/agentd"
    sha256: str = ""


@dataclass(frozen=True)
class InstallFacts:
    """What the agent's installation should look like (triage-agent-install/1)."""

    device: str
    product: str
    agent_version: str = ""
    installed: datetime | None = None
    heartbeat_interval_seconds: int = 0
    service: str = ""
    files: tuple[ExpectedFile, ...] = ()
    monitored_users: tuple[str, ...] = ()
    monitored_browsers: tuple[str, ...] = ()


@dataclass(frozen=True)
class InputFile:
    """One exchange file as read: kept in the report so the lab can check it is the same file."""

    role: str  # "alerts", "heartbeats", "install"
    path: str
    sha256: str
    form: str  # "json", "jsonl", "csv"
    rows: int  # rows accepted
    bad_rows: int


@dataclass(frozen=True)
class AgentInputs:
    """Everything read from the exchange files, before any evidence is looked at."""

    alerts: tuple[Alert, ...] = ()
    heartbeats: tuple[Heartbeat, ...] | None = None  # None: no heartbeat log was supplied
    install: InstallFacts | None = None
    monitoring_start: datetime | None = None  # from the alerts file's "monitoring", if given
    monitoring_end: datetime | None = None
    agent_product: str = ""
    agent_version: str = ""
    files: tuple[InputFile, ...] = ()
    problems: tuple[Problem, ...] = ()  # bad rows, by line
