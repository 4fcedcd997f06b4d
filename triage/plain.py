"""The one serialiser of records: ``to_plain`` writes them as JSON values, ``from_plain`` reads
them back (findings.json, inventory.jsonl, the scan journal, rematch).

``to_plain(value, tagged=True)`` writes datetimes as ``{"$dt": ...}`` so that times inside
free-form dicts (an artefact's ``values``) come back as datetimes too (``untag`` is the JSON
object hook that reads them); reports write plain ISO 8601 UTC strings. ``from_plain`` is
driven by the dataclasses' own type hints, so a field added to a record later
(e.g. perceptual hashes on ``Examined``) is read back without changes here.
Keys the record does not have are ignored, so an older tool can read a newer
report's common fields. Hand-written: no well-kept library does exactly this
for our records without adding a dependency (cattrs/dacite would).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import datetime
from functools import cache
from typing import Any

_PLAIN = frozenset((str, int, float, bool))


def to_plain(value: Any, tagged: bool = False) -> Any:
    """Dataclasses, enums, datetimes and containers as JSON-ready values."""
    if value is None or type(value) in _PLAIN:
        return value
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return {name: to_plain(getattr(value, name), tagged) for name in fields}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()} if tagged else value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {str(k): to_plain(v, tagged) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_plain(v, tagged) for v in value]
    return value


def untag(obj: dict[str, Any]) -> Any:
    """JSON object hook: ``{"$dt": iso}`` back to a datetime (the inverse of ``tagged``)."""
    if len(obj) == 1 and "$dt" in obj:
        return datetime.fromisoformat(obj["$dt"])
    return obj


def from_plain(cls: Any, value: Any) -> Any:
    """``value`` (parsed JSON) as an instance of the type ``cls``."""
    if value is None:
        return None
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(cls) if a is not type(None)]
        return from_plain(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = typing.get_args(cls)
        item = args[0] if args else Any
        return tuple(from_plain(item, v) for v in value)
    if origin in (dict, list):
        return value
    return _from_plain_type(cls, value)


def _from_plain_type(cls: Any, value: Any) -> Any:
    if cls is Any or not isinstance(cls, type):
        return value
    if dataclasses.is_dataclass(cls):
        hints = _hints(cls)
        known = {f.name for f in dataclasses.fields(cls) if f.init}
        return cls(**{k: from_plain(hints[k], v) for k, v in value.items() if k in known})
    if issubclass(cls, enum.Enum):
        return cls(value)
    if cls is datetime:
        return value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))
    if cls is float:
        return float(value)
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)
