"""case.jsonld: the scan as CASE/UCO JSON-LD (CASE ontology 1.x, checked with case_validate).

Nodes: the tool (``uco-tool:Tool``), the examined disk (``uco-observable:Disk``
with its media hashes), each partition (``DiskPartition``, ``Contained_Within``
the disk), each examined file (``uco-observable:File`` with ``FileFacet`` and
``ContentDataFacet`` hashes, ``Contained_Within`` its partition), and the
``case-investigation:InvestigativeAction`` that produced them (instrument: the
tool; object: the disk; result: the files), inside an ``Investigation`` named by
the case reference. Node ids are ``kb:<kind>-<UUIDv5>`` derived from the report's
manifest SHA-256, so exporting the same report twice gives the same graph.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from triage.export.files import FileRow, iso_utc
from triage.records import SourceInfo, Volume
from triage.report.load import LoadedReport

CONTEXT = {
    "kb": "urn:triage:kb:",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "uco-vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
HASH_NAMES = (("md5", "MD5"), ("sha1", "SHA1"), ("sha256", "SHA256"))


class _Ids:
    def __init__(self, seed: str) -> None:
        self._namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:triage:report:{seed}")

    def __call__(self, kind: str, *parts: object) -> str:
        return f"kb:{kind}-{uuid.uuid5(self._namespace, '/'.join([kind, *map(str, parts)]))}"


def _typed(datatype: str, value: object) -> dict[str, Any]:
    return {"@type": datatype, "@value": value}


def _hashes(ids: _Ids, owner: str, digests: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "@id": ids("hash", owner, name),
            "@type": "uco-types:Hash",
            "uco-types:hashMethod": name,  # UCO >= 1.4: a plain string from HashNameVocab
            "uco-types:hashValue": _typed("xsd:hexBinary", digests[key].upper()),
        }
        for key, name in HASH_NAMES
        if digests.get(key)
    ]


def _contained(ids: _Ids, inner: str, outer: str) -> dict[str, Any]:
    return {
        "@id": ids("relationship", inner, outer),
        "@type": "uco-observable:ObservableRelationship",
        "uco-core:source": {"@id": inner},
        "uco-core:target": {"@id": outer},
        "uco-core:kindOfRelationship": "Contained_Within",
        "uco-core:isDirectional": True,
    }


def _disk(ids: _Ids, info: SourceInfo) -> dict[str, Any]:
    disk = ids("disk", info.path)
    facets: list[dict[str, Any]] = [
        {
            "@id": ids("disk-facet", info.path),
            "@type": "uco-observable:DiskFacet",
            "uco-observable:diskSize": _typed("xsd:integer", info.size),
        }
    ]
    hashes = _hashes(ids, disk, {"md5": info.md5, "sha256": info.sha256})
    if hashes:
        facets.append(
            {
                "@id": ids("content-facet", disk),
                "@type": "uco-observable:ContentDataFacet",
                "uco-observable:hash": hashes,
            }
        )
    return {
        "@id": disk,
        "@type": ["uco-observable:Disk", "uco-observable:StorageMedium"],
        "uco-core:description": f"{info.kind} image {info.path}",
        "uco-core:hasFacet": facets,
    }


def _partition(ids: _Ids, volume: Volume) -> dict[str, Any]:
    node = ids("partition", volume.source, volume.index)
    facet = {
        "@id": ids("partition-facet", node),
        "@type": "uco-observable:DiskPartitionFacet",
        "uco-observable:partitionID": str(volume.index),
        "uco-observable:partitionOffset": _typed("xsd:integer", volume.offset),
        "uco-observable:partitionLength": _typed("xsd:integer", volume.length),
        "uco-observable:diskPartitionType": volume.description,
    }
    return {"@id": node, "@type": "uco-observable:DiskPartition", "uco-core:hasFacet": [facet]}


def _file(ids: _Ids, row: FileRow) -> dict[str, Any]:
    entry, examined = row.entry, row.examined
    node = ids("file", row.number, entry.source, entry.volume_index, entry.path)
    facet: dict[str, Any] = {
        "@id": ids("file-facet", node),
        "@type": "uco-observable:FileFacet",
        "uco-observable:fileName": row.name,
        "uco-observable:filePath": entry.path,
        "uco-observable:isDirectory": False,
        "uco-observable:sizeInBytes": _typed("xsd:integer", entry.size),
        "uco-observable:allocationStatus": "unallocated" if entry.deleted else "allocated",
    }
    times = (
        ("modifiedTime", entry.mtime),
        ("accessedTime", entry.atime),
        ("metadataChangeTime", entry.ctime),
        ("observableCreatedTime", entry.crtime),
    )
    facet.update({f"uco-observable:{k}": _typed("xsd:dateTime", iso_utc(v)) for k, v in times if v})
    content: dict[str, Any] = {"@id": ids("content-facet", node), "@type": "uco-observable:ContentDataFacet"}
    if examined.mime:
        content["uco-observable:mimeType"] = examined.mime
    if examined.complete:
        digests = {"md5": examined.md5, "sha1": examined.sha1, "sha256": examined.sha256}
        content["uco-observable:hash"] = _hashes(ids, node, digests)
    return {"@id": node, "@type": "uco-observable:File", "uco-core:hasFacet": [facet, content]}


def render_case(report: LoadedReport, rows: list[FileRow]) -> str:
    result = report.result
    ids = _Ids(report.manifest_sha256)
    tool = {
        "@id": ids("tool", "triage", result.tool_version),
        "@type": "uco-tool:Tool",
        "uco-core:name": "triage",
        "uco-tool:toolType": "Forensic triage",
        "uco-tool:version": result.tool_version,
    }
    graph: list[dict[str, Any]] = [tool]
    disks = {info.path: _disk(ids, info) for info in result.sources}
    graph.extend(disks.values())
    containers: dict[tuple[str, int], str] = {}
    for coverage in result.coverage.volumes:
        volume = coverage.volume
        disk_id = disks[volume.source]["@id"] if volume.source in disks else ""
        if volume.index == 0 or not disk_id:
            containers[(volume.source, volume.index)] = disk_id
            continue
        partition = _partition(ids, volume)
        containers[(volume.source, volume.index)] = partition["@id"]
        graph += [partition, _contained(ids, partition["@id"], disk_id)]
    files = [_file(ids, row) for row in rows]
    for row, node in zip(rows, files, strict=True):
        graph.append(node)
        outer = containers.get((row.entry.source, row.entry.volume_index))
        if outer:
            graph.append(_contained(ids, node["@id"], outer))
    graph.extend(_action_and_investigation(ids, report, tool, list(disks.values()), files))
    return json.dumps({"@context": CONTEXT, "@graph": graph}, indent=2, ensure_ascii=False) + "\n"


def _action_and_investigation(
    ids: _Ids,
    report: LoadedReport,
    tool: dict[str, Any],
    disks: list[dict[str, Any]],
    files: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    result = report.result
    action: dict[str, Any] = {
        "@id": ids("investigative-action", "scan"),
        "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": "triage scan",
        "uco-core:description": f"Verdict {result.decision.verdict.value}; profile {result.profile_name}",
        "uco-action:startTime": _typed("xsd:dateTime", iso_utc(result.started)),
        "uco-action:endTime": _typed("xsd:dateTime", iso_utc(result.finished)),
        "uco-action:instrument": {"@id": tool["@id"]},
        "uco-action:object": [{"@id": d["@id"]} for d in disks],
        "uco-action:result": [{"@id": f["@id"]} for f in files],
    }
    nodes = [action]
    if result.examiner:
        examiner = {
            "@id": ids("identity", result.examiner),
            "@type": "uco-identity:Identity",
            "uco-core:name": result.examiner,
        }
        action["uco-action:performer"] = {"@id": examiner["@id"]}
        nodes.append(examiner)
    investigation = {
        "@id": ids("investigation", result.case_reference),
        "@type": "case-investigation:Investigation",
        "uco-core:name": result.case_reference or "(no case reference)",
        "uco-core:object": [{"@id": action["@id"]}],
    }
    return [*nodes, investigation]
