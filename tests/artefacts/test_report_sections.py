"""Every artefact kind the registered parsers emit on the peer files has a table in report.html."""

from __future__ import annotations

from tests.artefacts.helpers import handle_of
from tests.artefacts.test_contract import FILE_PARSERS, FILES, content_of
from triage.artefacts import VolumeFiles
from triage.artefacts.activity_rows import DESCRIBE, activity_row
from triage.artefacts.report import SECTIONS
from triage.records import Artefact


def test_every_emitted_kind_has_a_section(peerdata):
    kinds: set[str] = set()
    for relative, where in FILES.items():
        handle = handle_of(content_of(peerdata, relative), where)
        for parser in FILE_PARSERS:
            if parser.selects(handle.entry):
                kinds |= {
                    r.kind for r in parser.records(handle, VolumeFiles([handle])) if isinstance(r, Artefact)
                }
    assert {"usb/peripheral", "volume/mounted-device", "windows/shellbag", "windows/amcache-file"} <= kinds
    missing = sorted(k for k in kinds if not any(k.startswith(prefixes) for _, prefixes, _ in SECTIONS))
    assert missing == []


def test_every_described_kind_has_a_section_and_a_sentence():
    for kind in DESCRIBE:
        assert any(kind.startswith(prefixes) for _, prefixes, _ in SECTIONS), kind
    usb = Artefact("usb/peripheral", "p", None, None, "", {"vid_pid": "VID_0E0F&PID_0002", "device": "Hub"})
    assert activity_row(usb)["Activity"] == "USB device Hub"


def test_a_mounted_device_row_names_its_drive_letter():
    values = {"value_name": "\\DosDevices\\E:", "mount_point": "E:", "mount_type": "drive_letter"}
    row = activity_row(Artefact("volume/mounted-device", "p", None, None, "", values))
    assert (row["Activity"], row["Detail"]) == ("volume E: known to Windows", "drive letter")
