"""``triage scan --agent-alerts FILE [--agent-heartbeats FILE] [--agent-install FILE]``.

The files are read and validated here, before the scan opens any evidence, so a
missing or unusable file stops the command at once (exit 3, one line) instead of
after a long scan. Bad rows do not stop it: they are counted as problems in the
report. The cross-check stage reads them again at the end of the scan (they are small).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from triage.agent.inputs import load_agent_inputs
from triage.agent.schema import AgentInputError

EXIT_INPUT = 3
F = TypeVar("F", bound=Callable[..., Any])


class AgentFileProblem(click.ClickException):
    exit_code = EXIT_INPUT


def agent_options(command: F) -> F:
    """The three options, added to a click command (its function takes them as **agent_files)."""
    file = click.Path(path_type=Path, dir_okay=True)
    options = (
        click.option("--agent-install", type=file, help="Agent install facts, JSON (see --agent-alerts)."),
        click.option("--agent-heartbeats", type=file, help="Agent heartbeat log, CSV or JSON."),
        click.option(
            "--agent-alerts",
            type=file,
            help="Remote monitoring agent alerts, CSV or JSON (triage-agent-alerts/1): cross-checked against "
            "the device. Formats: docs/agent-exchange/README.md.",
        ),
    )
    for option in options:
        command = option(command)
    return command


def with_agent_files(options: Any, agent_files: dict[str, Path | None]) -> Any:
    """``options`` (a ScanOptions) with the agent files set, after checking they can be read."""
    names = ("agent_alerts", "agent_heartbeats", "agent_install")
    alerts, heartbeats, install = (agent_files.get(name) for name in names)
    try:
        load_agent_inputs(alerts, heartbeats, install)
    except AgentInputError as exc:
        raise AgentFileProblem(str(exc)) from None
    return dataclasses.replace(
        options,
        agent_alerts=str(alerts) if alerts else None,
        agent_heartbeats=str(heartbeats) if heartbeats else None,
        agent_install=str(install) if install else None,
    )
