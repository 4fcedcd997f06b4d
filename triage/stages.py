"""The optional stages of a scan, one line each: what runs on each volume after its files
(artefact parsers), and what runs once at the end (the remote agent cross-check).

The pipeline (``triage/scan/``) runs whatever list it is given and imports no stage itself;
a new volume-level or final stage is one class with a ``run`` method and one line here.
"""

from __future__ import annotations

from triage.agent.check import AgentCrossCheck
from triage.artefacts import ARTEFACTS
from triage.match.inputs import FinalStage, Stages, VolumeStage

VOLUME_STAGES: tuple[VolumeStage, ...] = (ARTEFACTS,)


def scan_stages(
    agent_alerts: str | None = None, agent_heartbeats: str | None = None, agent_install: str | None = None
) -> Stages:
    final: tuple[FinalStage, ...] = ()
    if agent_alerts:
        final = (AgentCrossCheck(agent_alerts, agent_heartbeats, agent_install),)
    return Stages(VOLUME_STAGES, final)
