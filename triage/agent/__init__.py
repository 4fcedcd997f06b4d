"""Cross-check a remote monitoring agent's alerts, heartbeats and install facts against the device.

The exchange files (docs/agent-exchange/README.md) are read and validated before
the scan reads any evidence (``load_agent_inputs``); after the scan,
``AgentCrossCheck`` (a final stage, listed in ``triage/stages.py``) classifies every alert
(confirmed on the device, deleted
but recoverable, not found), lists device activity the agent never alerted on,
and the periods and signs of the agent being absent, stopped or tampered with.
Everything it concludes is a finding, so the profile's policy weighs it.
"""

from __future__ import annotations

from triage.agent.inputs import load_agent_inputs
from triage.agent.records import AgentInputs
from triage.agent.schema import AgentInputError

__all__ = ["AgentInputError", "AgentInputs", "load_agent_inputs"]
