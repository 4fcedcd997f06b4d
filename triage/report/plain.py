"""Rebuild frozen records from the JSON a report wrote (the inverse of ``report.jsonout.to_plain``).

Driven by the dataclasses' own type hints, so a field added to a record later
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
