"""The exchange formats' JSON Schemas, and validation of one row at a time.

Schemas: triage/agent/schemas/*-v1.schema.json (JSON Schema 2020-12, copied to
docs/agent-exchange/), validated with the ``jsonschema`` package. Each row is
validated on its own against the schema's row definition, so one bad row is one
Problem naming its line. Messages are made short and plain for the report.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from triage.records import Problem

MAX_MESSAGE = 200
PATTERN_MEANING = {
    "time": "not a date and time with Z or a UTC offset (ISO 8601)",
    "start": "not a date and time with Z or a UTC offset (ISO 8601)",
    "end": "not a date and time with Z or a UTC offset (ISO 8601)",
    "installed": "not a date and time with Z or a UTC offset (ISO 8601)",
    "sha256": "not 64 hex digits",
    "md5": "not 32 hex digits",
}


class AgentInputError(ValueError):
    """An agent exchange file that cannot be used; the message names the file and why."""


@dataclass(frozen=True)
class Kind:
    """One of the three exchange formats."""

    role: str  # "alerts", "heartbeats", "install"
    format: str  # "triage-agent-alerts/1"
    schema_file: str
    rows_key: str  # "alerts"; "" for a single-object file (install facts)
    row_def: str  # "alert"


@dataclass(frozen=True)
class Row:
    values: dict[str, Any]
    where: str  # "alerts.csv line 7"


@dataclass
class ReadFile:
    """What one file gave: its header, good rows and bad rows."""

    path: Path
    sha256: str
    form: str
    header: dict[str, Any]
    rows: list[Row]
    problems: list[Problem]


@functools.cache
def schema(schema_file: str) -> dict[str, Any]:
    text = resources.files("triage.agent").joinpath("schemas").joinpath(schema_file).read_text("utf-8")
    return json.loads(text)


@functools.cache
def _validator(schema_file: str, definition: str) -> Draft202012Validator:
    full = schema(schema_file)
    target = full if not definition else {**full["$defs"][definition], "$defs": full["$defs"]}
    return Draft202012Validator(target)


def validation_errors(kind: Kind, value: Any, definition: str) -> list[str]:
    """Plain messages for everything wrong with one row (or a header), shortest path first."""
    errors = sorted(_validator(kind.schema_file, definition).iter_errors(value), key=lambda e: e.path)
    messages = []
    for error in errors[:3]:
        field = ".".join(str(p) for p in error.path)
        message = error.message
        if error.validator == "additionalProperties":
            message = (
                f"unknown field(s) {_unknown_fields(error.instance, error.schema)} (vendor fields start x_)"
            )
        elif error.validator in ("anyOf", "oneOf") and error.context:
            message = " or ".join(dict.fromkeys(sub.message for sub in error.context))
        elif error.validator == "pattern":
            shown = short(repr(error.instance))
            message = (
                f"{shown} is {PATTERN_MEANING.get(str(error.path[-1]) if error.path else '', 'malformed')}"
            )
        messages.append(short(f"{field + ': ' if field else ''}{message}"))
    return messages


def _unknown_fields(instance: dict[str, Any], row_schema: dict[str, Any]) -> str:
    known = row_schema.get("properties", {})
    unknown = [k for k in instance if k not in known and not re.fullmatch(r"x_[a-z0-9_]+", k)]
    return short(", ".join(repr(k) for k in unknown))


def parse_utc(text: str) -> datetime:
    """ISO 8601 with 'Z' or an offset (the schemas' pattern) -> aware UTC datetime."""
    value = datetime.fromisoformat(text[:-1] + "Z" if text.endswith("z") else text)
    if value.tzinfo is None:
        raise ValueError(f"time {text!r} has no UTC offset")
    return value.astimezone(UTC)


def accept_row(row: Any, where: str, kind: Kind, read: ReadFile) -> None:
    problems = validation_errors(kind, row, kind.row_def)
    if not problems:
        problems = _time_problems(row)
    if problems:
        read.problems.append(Problem(where, f"{'; '.join(problems)}: row skipped", "damaged"))
        return
    read.rows.append(Row(row, where))


def _time_problems(row: dict[str, Any]) -> list[str]:
    try:
        parse_utc(row["time"])
    except ValueError as exc:
        return [f"time: {short(str(exc))}"]
    return []


def short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
