"""Exports of a known report: VICS 2.0 against a hand-checked example, DFXML against the XSD's rules,
CSV exactly, CASE/UCO parsed as RDF (and validated with case_validate in the slow run)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.export.conftest import DELETED, HOSTILE, PICTURE
from triage.export import EXPORTERS, export_report
from triage.export.vics import TRIAGE_NAMESPACE
from triage.report.load import ReportError, load_report
from triage.signing import MANIFEST, one_time_key, verify_folder

DFXML = "{http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML}"
# dfxml.xsd 1.1.0, element "fileobject": its xs:sequence, in order (name_type is required)
FILEOBJECT_ORDER = (
    "parent_object",
    "filename",
    "partition",
    "id",
    "name_type",
    "filesize",
    "unalloc",
    "alloc",
    "used",
    "unused",
    "orphan",
    "compressed",
    "inode",
    "meta_type",
    "mode",
    "nlink",
    "uid",
    "gid",
    "mtime",
    "ctime",
    "atime",
    "crtime",
    "seq",
    "dtime",
    "bkup_time",
    "link_target",
    "libmagic",
    "byte_runs",
    "hashdigest",
)


@pytest.fixture(scope="module")
def exported(known_report: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports") / "out"
    export_report(known_report, list(EXPORTERS), out, one_time_key())
    return out


def test_the_export_folder_is_signed_and_names_its_report(exported: Path, known_report: Path) -> None:
    assert verify_folder(exported).ok
    origin = json.loads((exported / "source-report.json").read_text())
    assert origin["verdict"] == "SEIZE"
    assert origin["manifest_sha256"] == load_report(known_report).manifest_sha256


def test_vics_matches_the_hand_checked_example(exported: Path, known_report: Path) -> None:
    manifest = load_report(known_report).manifest_sha256
    expected = {
        "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases",
        "value": [
            {
                "CaseID": str(uuid.uuid5(TRIAGE_NAMESPACE, manifest)),
                "CaseNumber": "OP-TEST-1",
                "ContactName": "DC Example",
                "SourceApplicationName": "triage",
                "SourceApplicationVersion": "0.1.0",
                "Media": [
                    {
                        "MediaID": 1,
                        "Category": 0,
                        "MD5": "AB" * 16,
                        "SHA1": "AB" * 20,
                        "MediaSize": 2048,
                        "IsPrecategorized": False,
                        "Comments": "F0001: File matches known-bad hash set 'unit' (SHA256)",
                        "Tags": "hash-match:known-bad",
                        "MimeType": "image/png",
                        "MediaFiles": [
                            {
                                "MediaFileID": 1,
                                "FileName": "beach.png",
                                "FilePath": "p1/Users/alex/Pictures/beach.png",
                                "Created": "2024-03-01T12:00:00Z",
                                "Written": "2024-03-01T12:00:00Z",
                                "Accessed": "2024-03-02T08:30:15Z",
                                "Deleted": False,
                                "Unallocated": False,
                                "MD5": "AB" * 16,
                                "SourceID": "/evidence/seized-laptop.E01",
                            }
                        ],
                    },
                    {
                        "MediaID": 2,
                        "Category": 0,
                        "MD5": "CD" * 16,
                        "SHA1": "CD" * 20,
                        "MediaSize": 1000,
                        "IsPrecategorized": False,
                        "Comments": "",
                        "Tags": "",
                        "MimeType": "image/jpeg",
                        "MediaFiles": [
                            {
                                "MediaFileID": 1,
                                "FileName": "old.jpg",
                                "FilePath": "p1/Users/alex/Pictures/old.jpg",
                                "Written": "2024-03-01T12:00:00Z",
                                "Deleted": True,
                                "Unallocated": False,
                                "MD5": "CD" * 16,
                                "SourceID": "/evidence/seized-laptop.E01",
                            }
                        ],
                    },
                ],
            }
        ],
    }
    assert json.loads((exported / "vics.json").read_text()) == expected


def test_dfxml_is_well_formed_and_keeps_the_schema_order(exported: Path) -> None:
    root = ET.parse(exported / "inventory.dfxml").getroot()
    assert (root.tag, root.get("version")) == (f"{DFXML}dfxml", "1.1.0")
    assert [child.tag.removeprefix(DFXML) for child in root] == ["metadata", "creator", "source", "volume"]
    assert len(root.find(f"{DFXML}metadata")) == 1  # exactly one Dublin Core element
    [volume] = root.findall(f"{DFXML}volume")
    assert volume.get("offset") == "1048576" and volume.findtext(f"{DFXML}partition_offset") == "1048576"
    objects = volume.findall(f"{DFXML}fileobject")
    assert len(objects) == 3
    for item in objects:
        tags = [child.tag.removeprefix(DFXML) for child in item]
        assert "name_type" in tags and tags == sorted(tags, key=FILEOBJECT_ORDER.index)
        assert item.findtext(f"{DFXML}alloc") in ("0", "1")
    deleted = objects[1]
    assert [(c.tag.removeprefix(DFXML), c.text, dict(c.attrib)) for c in deleted] == [
        ("filename", DELETED.entry.path, {}),
        ("partition", "1", {}),
        ("id", "2", {}),
        ("name_type", "r", {}),
        ("filesize", "1000", {}),
        ("alloc", "0", {}),
        ("inode", str(DELETED.entry.inode), {}),
        ("mtime", "2024-03-01T12:00:00Z", {}),
        ("libmagic", "image/jpeg data", {}),
        ("hashdigest", "cd" * 16, {"type": "md5"}),
        ("hashdigest", "cd" * 20, {"type": "sha1"}),
        ("hashdigest", "cd" * 32, {"type": "sha256"}),
    ]
    assert objects[2].findtext(f"{DFXML}filename") == "/=HYPERLINK(1)<script>\\x01.txt"


def test_csv_rows_are_exact_and_formulas_are_defused(exported: Path) -> None:
    text = (exported / "files.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [r["path"] for r in rows] == [PICTURE.entry.path, DELETED.entry.path, HOSTILE.entry.path]
    first = rows[0]
    assert (first["partition"], first["name"], first["deleted"], first["sha256"]) == (
        "1",
        "beach.png",
        "no",
        "ab" * 32,
    )
    assert (first["finding_ids"], first["finding_kinds"]) == ("F0001", "hash-match/known-bad")
    assert rows[1]["deleted"] == "yes" and rows[2]["name"] == "'=HYPERLINK(1)<script>\x01.txt"


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside rdflib 7
def test_case_graph_has_the_tool_action_disk_and_files(exported: Path) -> None:
    rdflib = pytest.importorskip("rdflib", reason="rdflib comes with the dev extra (case-utils)")
    graph = rdflib.Graph().parse(exported / "case.jsonld", format="json-ld")
    core, obs = (
        "https://ontology.unifiedcyberontology.org/uco/core/",
        "https://ontology.unifiedcyberontology.org/uco/observable/",
    )
    action_ns = "https://ontology.unifiedcyberontology.org/uco/action/"

    def typed(kind: str) -> list:
        return list(graph.subjects(rdflib.RDF.type, rdflib.URIRef(kind)))

    assert len(typed(obs + "File")) == 3 and len(typed(obs + "DiskPartition")) == 2
    [tool] = typed("https://ontology.unifiedcyberontology.org/uco/tool/Tool")
    [action] = typed("https://ontology.caseontology.org/case/investigation/InvestigativeAction")
    assert graph.value(action, rdflib.URIRef(action_ns + "instrument")) == tool
    assert set(graph.objects(action, rdflib.URIRef(action_ns + "result"))) == set(typed(obs + "File"))
    [disk] = typed(obs + "Disk")
    assert graph.value(action, rdflib.URIRef(action_ns + "object")) == disk
    values = {
        str(v)
        for v in graph.objects(
            None, rdflib.URIRef("https://ontology.unifiedcyberontology.org/uco/types/hashValue")
        )
    }
    assert {"ab" * 32, "cd" * 16, "11" * 32, "22" * 16} <= {v.lower() for v in values}
    assert (
        len(
            list(
                graph.subjects(rdflib.URIRef(core + "kindOfRelationship"), rdflib.Literal("Contained_Within"))
            )
        )
        == 5
    )


@pytest.mark.slow
def test_case_validates_against_the_case_ontology(exported: Path) -> None:
    validate = shutil.which("case_validate") or str(Path(sys.executable).with_name("case_validate"))
    if not Path(validate).is_file():
        pytest.skip("case_validate not installed (dev extra: case-utils)")
    run = subprocess.run(
        [validate, str(exported / "case.jsonld")], capture_output=True, text=True, timeout=600
    )
    assert "Conforms: True" in run.stdout, run.stdout[-3000:]
    assert run.returncode == 0


def test_an_unverified_report_is_not_exported(known_report: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(known_report, copy)
    (copy / MANIFEST).write_text((copy / MANIFEST).read_text().replace("a", "b", 1))
    with pytest.raises(ReportError, match="signature"):
        export_report(copy, ["csv"], tmp_path / "out", one_time_key())
    assert not (tmp_path / "out").exists()


def test_cli_export_writes_every_format_into_a_signed_folder(known_report: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from triage.cli import cli

    run = CliRunner().invoke(cli, ["export", str(known_report), "--out", str(tmp_path)])
    assert run.exit_code == 0, run.output
    [folder] = tmp_path.iterdir()
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "case.jsonld",
        "files.csv",
        "inventory.dfxml",
        "manifest.sha256",
        "manifest.sig",
        "signer.pub",
        "source-report.json",
        "timeline.jsonl",
        "vics.json",
    ]
    assert verify_folder(folder).ok
