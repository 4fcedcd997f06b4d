"""Virtual disks (QCOW1/2/3, VHD and VHDX with differential chains, VMDK) through the libyal bindings
pyqcow, pyvhdi and pyvmdk (LGPL-3.0-or-later: optional extra ``virtual``).

As sources, opened by path (read-only, mode "r"); a child's parent (QCOW backing file, VHD/VHDX
differencing parent, VMDK delta parent) is looked for **only beside the child**, by the last part
of the name the child records (that name is evidence: never followed elsewhere), to a bounded
depth. Found inside evidence (a VM's disk in a user's folder), a disk is opened through a file
object over the file's content (``open_nested_image``); a child whose parent is not in the same
evidence cannot be read and says so. Tested with libqcow 20260703, libvhdi 20260901 and libvmdk
20260714 on plaso's and The Sleuth Kit's image.qcow2/.qcow/.vhd/.vmdk and dfvfs's VHD chain.

Signatures: QCOW "QFI\\xfb" at 0; VHDX "vhdxfile" at 0; VHD footer "conectix" in the last 512
bytes (a dynamic VHD also at 0); VMDK sparse extent "KDMV" at 0, or a text descriptor.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from triage.sources.libyal import LibyalMedia, MediaFile, MissingExtra, import_binding
from triage.sources.media import SourceError

MAX_CHAIN = 16
BINDINGS = {
    "qcow": ("pyqcow", "file"),
    "vhd": ("pyvhdi", "file"),
    "vhdx": ("pyvhdi", "file"),
    "vmdk": ("pyvmdk", "handle"),
}
NAMES = {"qcow": "QCOW", "vhd": "VHD", "vhdx": "VHDX", "vmdk": "VMDK"}


def virtual_disk_kind(head: bytes, tail: bytes) -> str:
    """ "qcow", "vhdx", "vhd", "vmdk" or "" from a file's first and last 512 bytes."""
    if head.startswith(b"QFI\xfb"):
        return "qcow"
    if head.startswith(b"vhdxfile"):
        return "vhdx"
    if head.startswith(b"conectix") or tail[-512:].startswith(b"conectix"):
        return "vhd"
    if head.startswith(b"KDMV") or head.lstrip().startswith(b"# Disk DescriptorFile"):
        return "vmdk"
    return ""


def _handle(kind: str) -> Any:
    module_name, factory = BINDINGS[kind]
    try:
        module = import_binding(module_name, "virtual", f"Reading a {NAMES[kind]} virtual disk")
    except MissingExtra as exc:
        raise SourceError(str(exc)) from exc
    return getattr(module, factory)()


def _recorded_parent(handle: Any, kind: str) -> str:
    getter = "get_backing_filename" if kind == "qcow" else "get_parent_filename"
    try:
        name = getattr(handle, getter)()
    except (OSError, AttributeError):
        return ""
    return re.split(r"[\\/]", name or "")[-1]


def open_virtual_disk(path: Path, kind: str) -> LibyalMedia:
    """The disk a virtual disk file presents, its parents joined; SourceError with the reason."""
    chain: list[Any] = []
    current = path
    while True:
        handle = _open_file(current, kind)
        chain.append(handle)
        parent_name = _recorded_parent(handle, kind)
        if not parent_name:
            break
        parent = current.parent / parent_name
        if len(chain) >= MAX_CHAIN or not parent.is_file() or parent.resolve() == current.resolve():
            _close(chain)
            raise SourceError(
                f"{path}: a differencing {NAMES[kind]} disk whose parent {parent_name!r} is not beside it "
                "(put the whole chain in one folder)"
            )
        current = parent
    for child, parent_handle in itertools.pairwise(chain):
        child.set_parent(parent_handle)
    top = chain[0]
    return LibyalMedia(top, top.get_media_size(), keep=tuple(chain[1:]))


def _open_file(path: Path, kind: str) -> Any:
    handle = _handle(kind)
    try:
        handle.open(str(path), "r")
        if kind == "vmdk":
            handle.open_extent_data_files()
    except (OSError, ValueError) as exc:
        raise SourceError(f"{path}: not a readable {NAMES[kind]} disk: {exc}") from exc
    return handle


def _close(handles: list[Any]) -> None:
    for handle in handles:
        with contextlib.suppress(OSError):
            handle.close()


def open_nested_image(read_at: Callable[[int, int], bytes], size: int) -> tuple[LibyalMedia | None, str]:
    """A virtual disk found inside the evidence, opened in place: (media, "") or (None, why not).

    ``read_at`` is a FileHandle's reader (``FileHandle.read_at``); nothing is copied out.
    """
    kind = virtual_disk_kind(read_at(0, 512), read_at(max(0, size - 512), 512) if size >= 512 else b"")
    if not kind:
        return None, "not a virtual disk"
    try:
        handle = _handle(kind)
    except SourceError as exc:
        return None, str(exc)
    content = MediaFile(read_at, size)
    try:
        handle.open_file_object(content)
        if kind == "vmdk":
            handle.open_extent_data_files_as_file_objects([MediaFile(read_at, size)])
        if _recorded_parent(handle, kind):
            return None, f"a differencing {NAMES[kind]} disk: its parent is a separate file, not opened"
        return LibyalMedia(handle, handle.get_media_size(), keep=(content,)), f"{NAMES[kind]} virtual disk"
    except (OSError, ValueError) as exc:
        return None, f"a {NAMES[kind]} virtual disk that cannot be read: {exc}"
