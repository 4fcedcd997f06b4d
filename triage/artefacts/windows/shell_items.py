"""The target ID list of a shell link as a path with long names, and its file-entry shell items.

LnkParse3 splits a link's ID list into items (each one's bytes after its 2-byte size); they are
decoded by ``shell_item_list`` (the one shell-item decoder, shared with shellbags and the MRU
lists), so a shortcut's path reads as plaso shows it (``<My Computer> C:\\Program Files
(x86)\\Nero``), and each file entry keeps its 8.3 and long names, FAT times (UTC, as plaso
shows them) and NTFS file reference from its 0xBEEF0004 block. Tested on plaso's
NeroInfoTool.lnk, unpaired_surrogate.lnk and its custom jump lists.
"""

from __future__ import annotations

import struct
from typing import Any

from triage.artefacts.common import Damaged
from triage.artefacts.windows.shell_item_list import ShellItem, parse_item, path_of

DAMAGED_ITEM = ShellItem("other", "<damaged shell item>")


def id_list(targets: Any) -> tuple[str, list[dict[str, Any]]]:
    """("<My Computer> C:\\\\Program Files (x86)\\\\Nero", the file-entry items) of LnkParse3 targets."""
    items = [_item(target) for target in targets or ()]
    return path_of(items), [file_entry(item) for item in items if item.kind == "file"]


def _item(target: Any) -> ShellItem:
    raw = bytes(getattr(target, "_raw_target", b"") or b"")
    try:
        return parse_item(struct.pack("<H", len(raw) + 2) + raw) if raw else DAMAGED_ITEM
    except (Damaged, ValueError, IndexError, struct.error):
        return DAMAGED_ITEM


def file_entry(item: ShellItem) -> dict[str, Any]:
    """A file entry shell item: 8.3 and long names, FAT times and the NTFS file reference."""
    return {
        "name": item.short_name,
        "long_name": item.long_name,
        "file_reference": item.file_reference,
        "created": item.created,
        "accessed": item.accessed,
        "modified": item.modified,
    }
