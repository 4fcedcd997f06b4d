"""Windows Shell Link (.lnk) decoding, shared by shortcut files and both kinds of jump list.

Format: [MS-SHLLINK] (Shell Link Binary File Format). Parsed with LnkParse3 (MIT) for the
header flags, target ID list, LinkInfo and extra data blocks. Two things are read here by
hand, because LnkParse3 loses them: the header FILETIMEs to the 100 ns (it rounds to
microseconds) and the StringData strings and LinkInfo's Unicode path with an unpaired UTF-16
surrogate kept (it replaces one with U+FFFD and warns). A lone surrogate is shown escaped as
``\\U0000d800``, as plaso shows it. Tested on plaso's NeroInfoTool.lnk, unpaired_surrogate.lnk,
example.lnk and the LNKs inside its jump lists (Windows 7 to 11).
"""

from __future__ import annotations

import struct
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

import LnkParse3
from LnkParse3.exceptions import LnkParserError
from LnkParse3.text_processor import TextProcessor

from triage.artefacts.common import Damaged
from triage.artefacts.windows.filetime import exact, time_and_exact, uuid1_mac, uuid1_ticks
from triage.artefacts.windows.lnk_text import utf16
from triage.artefacts.windows.shell_items import id_list

HEADER_SIZE = 0x4C
LINK_CLSID = bytes.fromhex("0114020000000000c000000000000046")
DRIVE_TYPES = ("unknown", "no root dir", "removable", "fixed", "remote", "cd-rom", "ram disk")
_STRING_FLAGS = (  # StringData fields in file order, with the LinkFlags bit that says each is there
    ("description", 0x04),
    ("relative_path", 0x08),
    ("working_dir", 0x10),
    ("arguments", 0x20),
    ("icon_location", 0x40),
)
_IS_UNICODE = 0x80
_ERRORS = (LnkParserError, ValueError, KeyError, IndexError, TypeError, AttributeError, struct.error)


@dataclass(frozen=True)
class ShellLink:
    """What one shell link says about its target."""

    created: int  # FILETIMEs of the target when the link was last updated (0 = not set)
    accessed: int
    modified: int
    size: int
    attributes: int
    strings: dict[str, str]  # description, relative_path, working_dir, arguments, icon_location
    local_path: str = ""
    network_path: str = ""  # \\server\share\path for a target on a network share
    network_drive: str = ""  # the drive letter it was mapped to, e.g. "Z:"
    drive_type: int = -1  # -1 where the link has no volume information
    volume_serial: int | None = None
    volume_label: str = ""
    env_location: str = ""
    id_list: str = ""  # the target ID list as a path, e.g. "<My Computer> C:\\Program Files (x86)\\Nero"
    shell_items: tuple[dict[str, Any], ...] = ()  # its file entries (shell_items.file_entry)
    tracker: dict[str, str] | None = None  # machine_id and the four droid identifiers

    @property
    def target(self) -> str:
        """The best single path for the target: LinkInfo, then environment block, ID list, relative path."""
        return (
            self.local_path
            or self.network_path
            or self.env_location
            or self.id_list
            or self.strings.get("relative_path", "")
        )


class _EscapingText(TextProcessor):  # type: ignore[misc]
    """LnkParse3's string reader with unpaired surrogates kept and escaped instead of replaced."""

    def read_unicode_strings(self, binary: bytes) -> Any:
        data = bytes(binary)
        yield utf16(data)


def parse_lnk(data: bytes) -> ShellLink:
    """The shell link in data, or Damaged where it is not one or is cut short."""
    if len(data) < HEADER_SIZE:
        raise Damaged(f"{len(data)} bytes is shorter than a shell link header")
    if data[:4] != b"L\0\0\0" or data[4:20] != LINK_CLSID:
        raise Damaged("not a shell link (header size or CLSID differs)")
    flags, attributes, created, accessed, modified, size = struct.unpack_from("<IIQQQI", data, 0x14)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            link = LnkParse3.lnk_file(indata=data)
            info = _link_info(link)
            extra = link.extras.as_dict()
            strings = _strings(link, data, flags)
            id_path, items = id_list(link.targets)
    except _ERRORS as exc:
        raise Damaged(f"shell link: {type(exc).__name__}: {exc}") from exc
    env = extra.get("ENVIRONMENTAL_VARIABLES_LOCATION_BLOCK", {})
    return ShellLink(
        created,
        accessed,
        modified,
        size,
        attributes,
        strings,
        env_location=str(env.get("target_unicode") or env.get("target_ansi") or ""),
        id_list=id_path,
        shell_items=tuple(items),
        tracker=_tracker(extra.get("DISTRIBUTED_LINK_TRACKER_BLOCK")),
        **info,
    )


def _link_info(link: Any) -> dict[str, Any]:
    info = link.info
    if info is None:
        return {}
    info.text_processor = _EscapingText(info.text_processor.cp)
    suffix = _unicode_field(info, 0x20) or _first(info, "common_path_suffix")
    if type(info).__name__ == "Network":
        share = _first(info, "net_name_unicode", "net_name")
        drive = _first(info, "device_name_unicode", "device_name")
        return {"network_path": "\\".join(p for p in (share, suffix) if p), "network_drive": drive}
    local = _unicode_field(info, 0x1C) or _first(info, "local_base_path")
    label = _first(info, "volume_label_unicode", "volume_label")
    return {
        "local_path": local + suffix,
        "drive_type": int(info.r_drive_type()),
        "volume_serial": int(info.drive_serial_number(), 16),
        "volume_label": label,
    }


def _unicode_field(info: Any, where: int) -> str:
    """LinkInfo's optional Unicode strings, by the offsets at 0x1C and 0x20 of its header (read
    here: LnkParse3 1.6 reads CommonPathSuffixUnicode 4 bytes too far on)."""
    raw = bytes(info._raw[: info.size()])
    if info.header_size() < 0x24:
        return ""
    (offset,) = struct.unpack_from("<I", raw, where)
    return utf16(raw[offset:]) if 0 < offset < len(raw) else ""


def _first(info: Any, *methods: str) -> str:
    for method in methods:
        if hasattr(info, method):
            value = getattr(info, method)()
            if value:
                return str(value)
    return ""


def _strings(link: Any, data: bytes, flags: int) -> dict[str, str]:
    """StringData: each a 16-bit character count and the characters (UTF-16LE when IsUnicode)."""
    offset = link.header.size()
    offset += link.targets.size() if link.targets else 0
    offset += link.info.size() if link.info else 0
    width = 2 if flags & _IS_UNICODE else 1
    found: dict[str, str] = {}
    for name, bit in _STRING_FLAGS:
        if flags & bit:
            (count,) = struct.unpack_from("<H", data, offset)
            raw = data[offset + 2 : offset + 2 + count * width]
            if len(raw) < count * width:
                raise Damaged(f"shell link: {name} runs past the end of the file")
            found[name] = utf16(raw) if width == 2 else raw.decode("cp1252", "replace")
            offset += 2 + count * width
    return found


def _tracker(block: dict[str, Any] | None) -> dict[str, str] | None:
    if not block:
        return None
    fields = ("droid_volume_identifier", "droid_file_identifier", "birth_droid_volume_identifier")
    tracker = {"machine_id": str(block.get("machine_identifier", ""))}
    for name in (*fields, "birth_droid_file_identifier"):
        tracker[name.removesuffix("_identifier")] = str(block.get(name, "")).lower()
    return tracker


def tracker_times(tracker: dict[str, str]) -> dict[str, str]:
    """The MAC address and creation time in the droid file identifier (a version-1 UUID)."""
    try:
        droid = uuid.UUID(tracker.get("droid_file", ""))
    except ValueError:
        return {}
    return {"mac": uuid1_mac(droid), "created": exact(uuid1_ticks(droid))}


def link_values(link: ShellLink) -> dict[str, Any]:
    """The artefact values of a shell link: target (keyword-scanned), volume, times, tracker."""
    values: dict[str, Any] = {"target": link.target, **link.strings}
    values.update(size=link.size, attributes=link.attributes, local_path=link.local_path)
    values.update(network_path=link.network_path, network_drive=link.network_drive)
    values.update(env_location=link.env_location, id_list=link.id_list)
    values["shell_items"] = [dict(item) for item in link.shell_items]
    if link.drive_type >= 0:
        values["drive_type"] = _drive_type_name(link.drive_type)
        values["volume_serial"] = f"{link.volume_serial or 0:08X}"
        values["volume_label"] = link.volume_label
    exact_times = {}
    for name, ticks in (("created", link.created), ("accessed", link.accessed), ("modified", link.modified)):
        values[name], exact_times[name] = time_and_exact(ticks)
    values["exact_times"] = exact_times
    if link.tracker:
        values["machine_id"] = link.tracker["machine_id"]
        values["tracker"] = {**link.tracker, **tracker_times(link.tracker)}
    return values


def _drive_type_name(code: int) -> str:
    return DRIVE_TYPES[code] if 0 <= code < len(DRIVE_TYPES) else f"unknown ({code})"
