"""findings.json follows its published schema (docs/findings.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from triage.report import write_report
from triage.scan import ScanOptions, run_scan
from triage.signing import one_time_key

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "findings.schema.json").read_text())


@pytest.fixture(scope="module")
def demo_findings(demo_disk, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("schema") / "report"
    write_report(run_scan(ScanOptions((str(demo_disk),), "demo")), folder, one_time_key())
    return json.loads((folder / "findings.json").read_text())


def test_schema_is_itself_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_demo_findings_validate(demo_findings):
    jsonschema.Draft202012Validator(SCHEMA).validate(demo_findings)


def test_a_broken_document_is_rejected(demo_findings):
    broken = dict(demo_findings, decision={"verdict": "PROBABLY", "reasons": []})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(broken)
