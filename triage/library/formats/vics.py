"""Project VIC / CAID VICS JSON (OData), data model versions 1.1-1.3 and 2.0.

Two shapes, told apart while reading:

* case form: ``{"odata.metadata": ".../DataModels/1.3.xml/UK#Cases", "value": [{..., "Media": [
  {media}, ...]}]}``
* hash-set form: ``{"@odata.context": ".../DataModels/2.0.xml/Default/$metadata#Media",
  "value": [{media}, ...]}``

``odata.metadata`` (OData v3, VICS 1.x) or ``@odata.context`` (OData v4, VICS 2.0) gives the
model version and profile (US, UK, Default, CUSTOM); the category is kept with its profile
("UK category 1"). A media record keeps MD5, SHA1, Category, Series, MediaSize, DateUpdated,
IsPrecategorized and IsDistributed. Real exports are tens of MB and arrive split over several
files, so each file is stream-parsed with ijson (one media record in memory at a time); a UTF-8
BOM, booleans written as strings, hex in either case and lenient dates are accepted.
Reference: Project VIC VICS data model (github.com/VICSDATAMODEL/ProjectVic, DataModels/*.xml).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ijson.common import JSONError, ObjectBuilder

try:  # named, not chosen by ijson at run time, so the frozen build (PyInstaller) includes it
    from ijson.backends import yajl2_c as ijson_backend
except ImportError:  # no C extension on this platform: ijson's pure-Python parser
    from ijson.backends import python as ijson_backend  # type: ignore[no-redef]

from triage.library.formats.base import BadLine, HashRecord, HashSetFormatError, hex_digest
from triage.library.formats.vics_values import flag, lenient_date

CONTEXT_KEYS = ("odata.metadata", "@odata.context")
_CONTEXT = re.compile(rb'"(?:@odata\.context|odata\.metadata)"\s*:\s*"([^"]{0,500})"')
_MODEL = re.compile(r"DataModels/(\d+(?:\.\d+)*)\.xml/([A-Za-z0-9_-]+)")
_HEAD_BYTES = 65536
_CASE_MEDIA = "value.item.Media"


def parse(path: Path) -> Iterator[HashRecord | BadLine]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; the generator holds it
    except OSError as exc:
        raise HashSetFormatError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        version, profile = _model(_head(handle))
        reader = _Reader(path.name, version, profile)
        try:
            yield from reader.records(ijson_backend.parse(handle, use_float=True))
        except JSONError as exc:
            raise HashSetFormatError(f"{path}: not valid JSON after record {reader.count}: {exc}") from exc
        if not reader.saw_value:
            raise HashSetFormatError(f'{path}: not VICS JSON (no top-level "value" array)')


def _head(handle: IO[bytes]) -> bytes:
    """The first bytes (for the OData context); leaves the file after any BOM."""
    head = handle.read(_HEAD_BYTES)
    handle.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)
    return head


def _model(head: bytes) -> tuple[str, str]:
    """(VICS model version, profile) from the OData context URL, or ("", "Default")."""
    context = _CONTEXT.search(head)
    model = _MODEL.search(context.group(1).decode("utf-8", "replace")) if context else None
    return (model.group(1), model.group(2)) if model else ("", "Default")


class _Reader:
    """Turns ijson events into media records, holding only the current record."""

    def __init__(self, name: str, version: str, profile: str) -> None:
        self.name, self.version, self.profile = name, version, profile
        self.count = 0
        self.saw_value = False

    def records(self, events: Iterator[tuple[str, str, Any]]) -> Iterator[HashRecord | BadLine]:
        outer: ObjectBuilder | None = None
        inner: ObjectBuilder | None = None
        is_case = False
        for prefix, event, value in events:
            if prefix == "value" and event == "start_array":
                self.saw_value = True
            if prefix == _CASE_MEDIA or prefix.startswith(_CASE_MEDIA + "."):
                if prefix == _CASE_MEDIA + ".item" and event == "start_map":
                    inner = ObjectBuilder()
                if inner is not None:
                    inner.event(event, value)
                if prefix == _CASE_MEDIA + ".item" and event == "end_map" and inner is not None:
                    yield from self._media(inner.value)
                    inner = None
                continue
            if prefix == "value.item" and event == "start_map":
                outer, is_case = ObjectBuilder(), False
            if prefix == "value.item" and event == "map_key" and value == "Media":
                is_case = True
            if outer is not None:
                outer.event(event, value)
            if prefix == "value.item" and event == "end_map" and outer is not None:
                if not is_case:
                    yield from self._media(outer.value)
                outer = None

    def _media(self, media: object) -> Iterator[HashRecord | BadLine]:
        self.count += 1
        where = f"record {self.count}"
        if not isinstance(media, dict):
            yield BadLine(self.name, where, "media record is not an object")
            return
        fields = {str(k).lower(): v for k, v in media.items()}
        digests, problems = {}, []
        for key, algorithm in (("md5", "md5"), ("sha1", "sha1")):
            value = fields.get(key)
            if value in (None, ""):
                continue
            digest = hex_digest(value, algorithm)
            if digest is None:
                problems.append(f"{key.upper()} {str(value)[:70]!r} is not valid hex")
            else:
                digests[algorithm] = digest
        if problems or not digests:
            kept = f" ({', '.join(a.upper() for a in digests)} kept)" if digests else ""
            yield BadLine(self.name, where, "; ".join(problems or ["no MD5 or SHA1"]) + kept)
        if digests:
            category, series = self._category(fields), _text(fields.get("series"))
            yield HashRecord(**digests, category=category, series=series, detail=self._detail(fields))

    def _category(self, fields: dict[str, Any]) -> str:
        category = fields.get("category")
        if category in (None, ""):
            return ""
        if isinstance(category, float) and category.is_integer():
            category = int(category)
        return f"{self.profile} category {category}"

    def _detail(self, fields: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        detail = [("VICS", f"{self.version or '?'} {self.profile}")]
        for key, name in (("mediaid", "MediaID"), ("mediasize", "MediaSize")):
            if fields.get(key) not in (None, ""):
                detail.append((name, _text(fields[key])))
        if fields.get("dateupdated") not in (None, ""):
            detail.append(("DateUpdated", lenient_date(fields["dateupdated"])))
        for key, name in (("isprecategorized", "IsPrecategorized"), ("isdistributed", "IsDistributed")):
            if key in fields and fields[key] is not None:
                detail.append((name, flag(fields[key])))
        return tuple(detail)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
