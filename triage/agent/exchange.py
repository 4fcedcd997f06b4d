"""Read one agent exchange file (JSON document, JSON Lines or CSV) into validated rows.

Format: docs/agent-exchange/README.md. Each row is validated on its own (schema.py),
so a bad row becomes a Problem naming its line and never stops the rows after it.
Only a file that cannot be used at all (missing, unreadable, not JSON, wrong format
name or version, a CSV header without the required columns) raises AgentInputError.

Line numbers in a JSON document are found by re-decoding the row array with
``json.JSONDecoder.raw_decode`` (the json module keeps no positions); written by
hand because no well-kept library reports element positions.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

from triage.agent.schema import (
    AgentInputError,
    Kind,
    ReadFile,
    accept_row,
    schema,
    short,
    validation_errors,
)
from triage.records import Problem

MAX_FILE_BYTES = 256 * 1024 * 1024


def read_exchange_file(path: Path, kind: Kind) -> ReadFile:
    data = _read_bytes(path)
    form = _form(path, data)
    text = data.decode("utf-8-sig", errors="replace")
    read = ReadFile(path, hashlib.sha256(data).hexdigest(), form, {}, [], [])
    if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
        read.problems.append(Problem(str(path), "not valid UTF-8: undecodable bytes replaced", "damaged"))
    if form == "csv":
        _read_csv(text, kind, read)
    elif form == "jsonl":
        _read_json_lines(text, kind, read)
    else:
        _read_json_document(text, kind, read)
    return read


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise AgentInputError(f"agent {path}: larger than {MAX_FILE_BYTES >> 20} MiB")
        return path.read_bytes()
    except FileNotFoundError:
        raise AgentInputError(f"agent file {path}: no such file") from None
    except IsADirectoryError:
        raise AgentInputError(f"agent file {path}: is a folder, not a file") from None
    except OSError as exc:
        raise AgentInputError(f"agent file {path}: cannot read: {exc.strerror}") from exc


def _form(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix == ".csv":
        return "csv"
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else "csv"


def _check_format(path: Path, kind: Kind, given: Any) -> None:
    if given != kind.format:
        raise AgentInputError(f"agent {kind.role} file {path}: format is {given!r}, expected {kind.format!r}")


def _read_json_document(text: str, kind: Kind, read: ReadFile) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AgentInputError(
            f"agent {kind.role} file {read.path}: not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(document, dict):
        raise AgentInputError(f"agent {kind.role} file {read.path}: not a JSON object")
    _check_format(read.path, kind, document.get("format"))
    if not kind.rows_key:
        _single_object(document, kind, read)
        return
    rows = document.get(kind.rows_key)
    header = {k: v for k, v in document.items() if k != kind.rows_key}
    problems = validation_errors(kind, {**header, kind.rows_key: []}, "")
    if problems or not isinstance(rows, list):
        why = "; ".join(problems) or f"{kind.rows_key!r} is not a list"
        raise AgentInputError(f"agent {kind.role} file {read.path}: {why}")
    read.header = header
    lines = _element_lines(text, kind.rows_key, rows)
    for index, row in enumerate(rows):
        where = (
            f"{read.path.name} line {lines[index]}"
            if lines
            else f"{read.path.name} {kind.row_def} #{index + 1}"
        )
        accept_row(row, where, kind, read)


def _single_object(document: dict[str, Any], kind: Kind, read: ReadFile) -> None:
    problems = validation_errors(kind, document, "")
    if problems:
        raise AgentInputError(f"agent {kind.role} file {read.path}: {'; '.join(problems)}")
    read.header = document


def _element_lines(text: str, key: str, rows: list[Any]) -> list[int]:
    """The line on which each element of the top-level ``key`` array starts ([] if not found)."""
    match = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', text)
    if match is None:
        return []
    decoder, position, lines = json.JSONDecoder(), match.end(), []
    try:
        for _ in rows:
            position = _skip(text, position)
            lines.append(text.count("\n", 0, position) + 1)
            _, position = decoder.raw_decode(text, position)
    except json.JSONDecodeError:
        return []
    return lines


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n,":
        position += 1
    return position


def _read_json_lines(text: str, kind: Kind, read: ReadFile) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{read.path.name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            read.problems.append(
                Problem(where, f"not valid JSON (column {exc.colno}): row skipped", "damaged")
            )
            continue
        if isinstance(row, dict) and "format" in row and not read.rows:
            _check_format(read.path, kind, row["format"])
            read.header = row
            continue
        accept_row(row, where, kind, read)


def _read_csv(text: str, kind: Kind, read: ReadFile) -> None:
    lines = text.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and (lines[skipped].startswith("#") or not lines[skipped].strip()):
        _format_comment(lines[skipped], kind, read)
        skipped += 1
    reader = csv.reader(io.StringIO("".join(lines[skipped:]), newline=""))
    header = [h.strip() for h in next(reader, [])]
    columns = _csv_columns(header, kind, read, f"{read.path.name} line {skipped + 1}")
    while True:
        where = f"{read.path.name} line {skipped + reader.line_num + 1}"
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            read.problems.append(Problem(where, f"not readable as CSV ({exc}): row skipped", "damaged"))
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            why = f"{len(cells)} cells where the header has {len(header)}: row skipped"
            read.problems.append(Problem(where, why, "damaged"))
            continue
        row = {name: cells[i].strip() for i, name in columns if cells[i].strip()}
        accept_row(row, where, kind, read)


def _format_comment(line: str, kind: Kind, read: ReadFile) -> None:
    match = re.match(r"#\s*format\s*:\s*(\S+)", line)
    if match:
        _check_format(read.path, kind, match.group(1))


def _csv_columns(header: list[str], kind: Kind, read: ReadFile, where: str) -> list[tuple[int, str]]:
    definition = schema(kind.schema_file)["$defs"][kind.row_def]
    known = definition["properties"]
    missing = [name for name in definition["required"] if name not in header]
    if missing:
        raise AgentInputError(
            f"agent {kind.role} file {read.path}: CSV header lacks required column(s) {', '.join(missing)}"
        )
    columns = []
    for index, name in enumerate(header):
        if name in known or re.fullmatch(r"x_[a-z0-9_]+", name):
            columns.append((index, name))
        else:
            what = f"column {short(name)!r} is not part of {kind.format}: ignored"
            read.problems.append(Problem(where, what, "damaged"))
    return columns
