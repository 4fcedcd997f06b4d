"""Reading the exchange files: examples, bad rows by line, unusable files refused before a scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from triage.agent import AgentInputError, load_agent_inputs
from triage.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "agent-exchange"
EXAMPLES = DOCS / "examples"
SCHEMAS = ("alerts-v1.schema.json", "heartbeats-v1.schema.json", "install-v1.schema.json")


@pytest.mark.parametrize("name", SCHEMAS)
def test_documented_schemas_are_the_ones_validated_with(name: str) -> None:
    assert (DOCS / name).read_bytes() == (ROOT / "triage" / "agent" / "schemas" / name).read_bytes()
    Draft202012Validator.check_schema(json.loads((DOCS / name).read_text()))


@pytest.mark.parametrize(
    ("example", "schema"),
    [("alerts.json", SCHEMAS[0]), ("heartbeats.json", SCHEMAS[1]), ("install.json", SCHEMAS[2])],
)
def test_json_examples_validate_against_their_schema(example: str, schema: str) -> None:
    document = json.loads((EXAMPLES / example).read_text())
    Draft202012Validator(json.loads((DOCS / schema).read_text())).validate(document)


def test_examples_load_in_every_form() -> None:
    inputs = load_agent_inputs(
        EXAMPLES / "alerts.csv", EXAMPLES / "heartbeats.csv", EXAMPLES / "install.json"
    )
    assert inputs is not None
    assert inputs.problems == ()
    assert [a.id for a in inputs.alerts] == ["A-001", "A-002", "A-003", "A-004", "A-008"]
    first = inputs.alerts[0]
    assert (first.where, first.time.isoformat(), first.type, first.library, first.window_title) == (
        "alerts.csv line 3",
        "2026-03-01T10:00:00+00:00",
        "url",
        "url-list:17",
        "Gallery - Google Chrome",
    )
    assert inputs.alerts[3].sha256 == "1" * 64
    assert [h.time.isoformat() for h in inputs.heartbeats or ()][-1] == "2026-03-02T22:00:00+00:00"
    assert inputs.install is not None
    assert (inputs.install.device, inputs.install.heartbeat_interval_seconds) == ("LAPTOP-7", 900)
    assert [(f.role, f.form, f.rows, f.bad_rows) for f in inputs.files] == [
        ("alerts", "csv", 5, 0),
        ("heartbeats", "csv", 4, 0),
        ("install", "json", 1, 0),
    ]
    json_doc = load_agent_inputs(EXAMPLES / "alerts.json", EXAMPLES / "heartbeats.json")
    assert json_doc is not None
    assert [a.where for a in json_doc.alerts] == [
        "alerts.json line 6",
        "alerts.json line 9",
        "alerts.json line 11",
    ]
    assert (json_doc.agent_product, json_doc.monitoring_end.isoformat()) == (  # type: ignore[union-attr]
        "ExampleMonitor",
        "2026-03-03T00:00:00+00:00",
    )
    lines = load_agent_inputs(EXAMPLES / "alerts.jsonl")
    assert lines is not None
    assert [(a.id, a.where) for a in lines.alerts] == [
        ("A-001", "alerts.jsonl line 2"),
        ("A-002", "alerts.jsonl line 3"),
    ]


BAD_CSV = """\
# format: triage-agent-alerts/1
id,time,device,type,term,url,sha256,colour
G-1,2026-03-01T10:00:00Z,PC,url,,https://example.org/,,
B-2,2026-03-01T10:00:00,PC,url,,https://example.org/,,
B-3,2026-03-01T10:00:00Z,PC,image,,,abc,
B-4,2026-03-01T10:00:00Z,PC,video,,,,
B-5,2026-03-01T10:00:00Z,PC,keyword,,,,
B-6,too,few
G-7,2026-03-01T10:00:00+01:00,PC,keyword,"two
lines",,,
B-8,2026-02-30T10:00:00Z,PC,url,,https://example.org/,,
G-9,2026-03-01T11:00:00Z,PC,url,,https://example.org/,,
"""


def test_bad_csv_rows_are_reported_by_line_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "alerts.csv"
    path.write_text(BAD_CSV)
    inputs = load_agent_inputs(path)
    assert inputs is not None
    assert [(a.id, a.where, a.time.isoformat()) for a in inputs.alerts] == [
        ("G-1", "alerts.csv line 3", "2026-03-01T10:00:00+00:00"),
        ("G-7", "alerts.csv line 9", "2026-03-01T09:00:00+00:00"),
        ("G-9", "alerts.csv line 12", "2026-03-01T11:00:00+00:00"),
    ]
    assert inputs.alerts[1].term == "two\nlines"
    assert [(p.where, p.what) for p in inputs.problems] == [
        ("alerts.csv line 2", "column 'colour' is not part of triage-agent-alerts/1: ignored"),
        (
            "alerts.csv line 4",
            "time: '2026-03-01T10:00:00' is not a date and time with Z or a UTC offset (ISO 8601): "
            "row skipped",
        ),
        ("alerts.csv line 5", "sha256: 'abc' is not 64 hex digits: row skipped"),
        (
            "alerts.csv line 6",
            "type: 'video' is not one of ['keyword', 'image', 'url', 'application']: row skipped",
        ),
        ("alerts.csv line 7", "'term' is a required property: row skipped"),
        ("alerts.csv line 8", "3 cells where the header has 8: row skipped"),
        ("alerts.csv line 11", "time: day is out of range for month: row skipped"),
    ]
    assert [(f.rows, f.bad_rows) for f in inputs.files] == [(3, 6)]


def test_bad_rows_in_json_document_and_json_lines(tmp_path: Path) -> None:
    document = tmp_path / "a.json"
    document.write_text(
        '{"format": "triage-agent-alerts/1",\n "alerts": [\n'
        '  {"id": "1", "time": "2026-03-01T10:00:00Z", "device": "PC", "type": "url", "url": "https://a.example/"},\n'
        '  {"id": "2", "time": "2026-03-01T10:00:00Z", "device": "PC", "type": "url", "colour": "red"},\n'
        '  "not an object"\n ]}\n'
    )
    inputs = load_agent_inputs(document)
    assert inputs is not None
    assert [a.id for a in inputs.alerts] == ["1"]
    assert [(p.where, p.what) for p in inputs.problems] == [
        ("a.json line 4", "unknown field(s) 'colour' (vendor fields start x_); 'url' is a required property: "
         "row skipped"),
        ("a.json line 5", "'not an object' is not of type 'object': row skipped"),
    ]  # fmt: skip
    lines = tmp_path / "a.jsonl"
    lines.write_text(
        '{"id": "1", "time": "2026-03-01T10:00:00Z", "device": "PC", "type": "keyword", "term": "x"}\n'
        "{broken\n\n"
        '{"id": "3", "time": "2026-03-01T10:00:00Z", "device": "PC", "type": "keyword", "term": "y"}\n'
    )
    inputs = load_agent_inputs(lines)
    assert inputs is not None
    assert [a.id for a in inputs.alerts] == ["1", "3"]
    assert [(p.where, p.what) for p in inputs.problems] == [
        ("a.jsonl line 2", "not valid JSON (column 2): row skipped")
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", None, "agent file {path}: no such file"),
        ("a.json", '{"format": "triage-agent-alerts/2", "alerts": []}',
         "agent alerts file {path}: format is 'triage-agent-alerts/2', expected 'triage-agent-alerts/1'"),
        ("a.json", '{"format": "triage-agent-alerts/1", "alerts": [',
         "agent alerts file {path}: not valid JSON (line 1, column 48)"),
        ("a.csv", "id,time,device\n1,2026-03-01T10:00:00Z,PC\n",
         "agent alerts file {path}: CSV header lacks required column(s) type"),
        ("a.csv", "# format: triage-agent-heartbeats/1\nid,time,device,type\n",
         "agent alerts file {path}: format is 'triage-agent-heartbeats/1', expected 'triage-agent-alerts/1'"),
    ],
)  # fmt: skip
def test_unusable_files_are_refused(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(AgentInputError) as caught:
        load_agent_inputs(path)
    assert str(caught.value) == message.format(path=path)


def test_heartbeats_without_alerts_is_a_usage_mistake() -> None:
    with pytest.raises(AgentInputError, match="need --agent-alerts"):
        load_agent_inputs(None, EXAMPLES / "heartbeats.csv")
    assert load_agent_inputs(None) is None


def test_scan_refuses_a_missing_agent_file_before_reading_evidence(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            str(evidence),
            "-o",
            str(tmp_path / "out"),
            "-q",
            "--agent-alerts",
            str(tmp_path / "no.csv"),
        ],
    )
    assert result.exit_code == 3
    assert result.output.strip() == f"Error: agent file {tmp_path / 'no.csv'}: no such file"
    assert not (tmp_path / "out").exists()


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".json", ".jsonl", ".txt"]))
def test_any_bytes_give_rows_problems_or_one_clear_error(tmp_path_factory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"alerts{suffix}"
    path.write_bytes(
        b"id,time,device,type\n" + data if suffix in (".csv", ".txt") and data[:1] != b"{" else data
    )
    try:
        inputs = load_agent_inputs(path)
    except AgentInputError as exc:
        assert str(exc).startswith("agent ") and "\n" not in str(exc)
        return
    assert inputs is not None
    assert all(p.where.startswith(path.name) or p.where == str(path) for p in inputs.problems)
