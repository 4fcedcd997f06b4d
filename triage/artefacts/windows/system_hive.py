"""SYSTEM hive: USB storage and USB devices, mounted volumes, time zone, last shutdown.

Location: ``Windows/System32/config/SYSTEM``. Keys (every ControlSet): ``Enum\\USBSTOR``
(vendor, product, revision, serial; Properties {83da6326-...} 0064-0067: installed,
first installed, last connected, last removed on Windows 8+), ``Enum\\USB`` (VID/PID),
``\\MountedDevices``, ``Control\\TimeZoneInformation``, ``Control\\Windows``
(ShutdownTime). Parsed with regipy's plugins; tested on regipy's Windows 7 SYSTEM hive
(14 USB, 11 MountedDevices, 2 USBSTOR entries).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from regipy.plugins.system.mountdev import MountedDevicesPlugin
from regipy.plugins.system.shutdown import ShutdownPlugin
from regipy.plugins.system.timezone_data2 import TimezoneDataPlugin2
from regipy.plugins.system.usb_devices import USBDevicesPlugin
from regipy.plugins.system.usbstor import USBSTORPlugin

from triage.artefacts.common import FileParser, Record
from triage.artefacts.windows.hives import open_hive, plain, reg_time, run_plugin
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/system-hive"


class SystemHive(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith("/windows/system32/config/system")

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        with open_hive(handle) as hive:
            for plugin, convert in CONVERTERS:
                entries, problem = run_plugin(plugin, hive, source)
                if problem:
                    yield problem
                for item in entries:
                    yield convert(source, item)


def _usbstor(source: Entry, e: dict[str, Any]) -> Artefact:
    values = {
        "vendor": _strip(e.get("manufacturer"), "Ven_"),
        "product": _strip(e.get("title"), "Prod_"),
        "revision": _strip(e.get("version"), "Rev_"),
        "serial": e.get("serial_number") or "",
        "device": plain(e.get("device_name")) or "",
        "first_installed": reg_time(e.get("first_installed")),
        "last_connected": reg_time(e.get("last_connected")),
        "last_removed": reg_time(e.get("last_removed")),
        "key": e.get("key_path", ""),
        "bus": "USBSTOR",
    }
    time = values["last_connected"] or reg_time(e.get("last_write"))
    return Artefact("usb/device", NAME, source, time, "", values)


def _usb(source: Entry, e: dict[str, Any]) -> Artefact:
    values = {
        "vid_pid": e.get("vid_pid") or "",
        "serial": e.get("instance_id") or "",
        "device": plain(e.get("device_desc")) or "",
        "vendor": plain(e.get("manufacturer")) or "",
        "service": plain(e.get("service")) or "",
        "key": e.get("key_path", ""),
        "bus": "USB",
    }
    return Artefact("usb/peripheral", NAME, source, reg_time(e.get("last_write")), "", values)


def _mounted(source: Entry, e: dict[str, Any]) -> Artefact:
    values = {k: plain(v) for k, v in e.items() if k not in ("last_write", "key_path")}
    values["name"] = str(e.get("value_name", ""))
    return Artefact("volume/mounted-device", NAME, source, reg_time(e.get("last_write")), "", values)


def _timezone(source: Entry, item: tuple[str, dict[str, Any]]) -> Artefact:
    key, e = item
    values = {k: plain(v) for k, v in e.items() if k != "last_write"}
    values["key"] = key
    values["name"] = _utf16_hex(values.get("TimeZoneKeyName")) or str(values.get("StandardName", ""))
    return Artefact("system/timezone", NAME, source, reg_time(e.get("last_write")), "", values)


def _shutdown(source: Entry, item: tuple[str, dict[str, Any]]) -> Artefact:
    key, e = item
    values = {"key": key, "shutdown_time": reg_time(e.get("date")) or plain(e.get("date"))}
    return Artefact("system/shutdown", NAME, source, reg_time(e.get("last_write")), "", values)


def _utf16_hex(value: object) -> str:
    """regipy gives some REG_SZ values it could not decode as hex of their UTF-16LE bytes."""
    try:
        return bytes.fromhex(str(value)).decode("utf-16-le", "replace").split("\x00")[0]
    except ValueError:
        return str(value or "")


def _strip(value: object, prefix: str) -> str:
    text = str(value or "")
    return text[len(prefix) :] if text.startswith(prefix) else text


CONVERTERS = (
    (USBSTORPlugin, _usbstor),
    (USBDevicesPlugin, _usb),
    (MountedDevicesPlugin, _mounted),
    (TimezoneDataPlugin2, _timezone),
    (ShutdownPlugin, _shutdown),
)
