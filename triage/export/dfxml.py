"""inventory.dfxml: the file inventory as Digital Forensics XML (DFXML schema 1.1.0).

Layout follows ``dfxml.xsd`` (dfxml-working-group/dfxml_schema): ``metadata``
(exactly one Dublin Core element), ``creator``, ``source`` (image file names),
then one ``volume`` per examined partition holding its ``fileobject``s, whose
children keep the schema's fixed order (filename, partition, id, name_type,
filesize, alloc, inode, mtime, ctime, atime, crtime, libmagic, hashdigest).
Characters XML 1.0 cannot carry (from hostile file names) are written as ``\\xNN``.
No package ships the XSD, so tests check a hand-checked example and well-formedness.
"""

from __future__ import annotations

import platform
import xml.etree.ElementTree as ET
from collections import defaultdict

from triage.export.files import FileRow, iso_utc
from triage.records import Volume
from triage.report.load import LoadedReport

NAMESPACE = "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML"
DC = "http://purl.org/dc/elements/1.1/"
SCHEMA_VERSION = "1.1.0"


def xml_safe(text: str) -> str:
    return "".join(c if _xml_char(c) else f"\\x{ord(c):02x}" for c in text)


def _xml_char(c: str) -> bool:
    o = ord(c)
    return c in "\t\n\r" or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or 0x10000 <= o <= 0x10FFFF


def _add(parent: ET.Element, tag: str, text: object = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = xml_safe(str(text))
    return element


def render_dfxml(report: LoadedReport, rows: list[FileRow]) -> str:
    ET.register_namespace("", NAMESPACE)
    ET.register_namespace("dc", DC)
    result = report.result
    root = ET.Element(f"{{{NAMESPACE}}}dfxml", {"version": SCHEMA_VERSION})
    metadata = _add(root, "metadata")
    _add(metadata, f"{{{DC}}}type", "File inventory")
    creator = _add(root, "creator", version="1.0")
    _add(creator, "program", "triage")
    _add(creator, "version", result.tool_version)
    environment = _add(creator, "execution_environment")
    _add(environment, "os_sysname", platform.system())
    _add(environment, "start_time", iso_utc(result.started))
    source = _add(root, "source")
    for info in result.sources:
        _add(source, "image_filename", info.path)
    volumes = {(v.volume.source, v.volume.index): v.volume for v in result.coverage.volumes}
    by_volume: dict[tuple[str, int], list[FileRow]] = defaultdict(list)
    for row in rows:
        by_volume[(row.entry.source, row.entry.volume_index)].append(row)
    for key, members in by_volume.items():
        _volume(root, volumes.get(key), members)
    _qualify(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _volume(root: ET.Element, volume: Volume | None, rows: list[FileRow]) -> None:
    offset = volume.offset if volume else 0
    element = _add(root, "volume", offset=str(offset))
    if offset > 0:
        _add(element, "partition_offset", offset)
    if volume and volume.fs_type:
        _add(element, "ftype_str", volume.fs_type)
    for row in rows:
        _fileobject(element, row)


def _fileobject(parent: ET.Element, row: FileRow) -> None:
    entry, examined = row.entry, row.examined
    item = _add(parent, "fileobject")
    _add(item, "filename", entry.path)
    if entry.volume_index:
        _add(item, "partition", entry.volume_index)
    _add(item, "id", row.number)
    _add(item, "name_type", "r")
    _add(item, "filesize", entry.size)
    _add(item, "alloc", 0 if entry.deleted else 1)
    if entry.inode is not None:
        _add(item, "inode", entry.inode)
    for tag, value in (
        ("mtime", entry.mtime),
        ("ctime", entry.ctime),
        ("atime", entry.atime),
        ("crtime", entry.crtime),
    ):
        if value:
            _add(item, tag, iso_utc(value))
    if examined.description:
        _add(item, "libmagic", examined.description)
    for kind, digest in (("md5", examined.md5), ("sha1", examined.sha1), ("sha256", examined.sha256)):
        if digest and examined.complete:
            _add(item, "hashdigest", digest, type=kind)


def _qualify(element: ET.Element) -> None:
    """Put every unqualified tag into the DFXML namespace (the schema is elementFormDefault=qualified)."""
    for node in element.iter():
        if not node.tag.startswith("{"):
            node.tag = f"{{{NAMESPACE}}}{node.tag}"
