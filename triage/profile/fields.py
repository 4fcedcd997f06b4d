"""Read one TOML table into a frozen dataclass of model.py, checking every key as it goes.

The dataclass's fields are the schema: a key that is not a field is refused (naming it), a field
without a default is required, and each value must fit the field's annotation. Supported
annotations: ``str``, ``int`` and ``float`` (>= 0; ``bool`` is not a number), ``bool``, ``Path``
(resolved against the folder of the profile file that stated it, and it must exist), ``Literal``
choices of strings, ``X | None``, and ``tuple[X, ...]`` of any of these or of another dataclass
(a TOML array of tables). Hand-written because the schema is our own dataclasses and every
message must name the key in profile terms (``[scan] agent_time_tolerance_seconds``).
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from triage.profile.model import ProfileError

T = TypeVar("T")
Converter = Callable[[Any, str, Path], Any]  # (value, key, folder of its file)


def read_table(
    cls: type[T],
    table: object,
    where: str,
    base: Path | Mapping[str, Path],
    converters: Mapping[str, Converter] | None = None,
) -> T:
    """``base`` is one folder for the whole table, or one per key (a table merged from several files)."""
    if not isinstance(table, dict):
        raise ProfileError(f"{where} must be a table, not {_shown(table)}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise ProfileError(f"{where}: {unknown_key(unknown[0], fields)}")
    values = {}
    for name, spec in fields.items():
        key = f"{where} {name}"
        if name in table:
            folder = base if isinstance(base, Path) else base[name]
            convert = (converters or {}).get(name)
            value = table[name]
            values[name] = (convert or _by_hint(hints[name]))(value, key, folder)
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise ProfileError(f"{where}: missing required key {name!r}")
    return cls(**values)


def unknown_key(key: str, known: Iterable[str]) -> str:
    """ "unknown key 'x'", with the nearest known key when one is close (a typo), else them all."""
    names = list(known)
    close = difflib.get_close_matches(key, names, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(names)}"
    return f"unknown key {key!r} ({hint})"


def _by_hint(hint: Any) -> Converter:
    return lambda value, key, folder: read_value(hint, value, key, folder)


def read_value(hint: Any, value: Any, key: str, base: Path) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return read_value(next(a for a in args if a is not type(None)), value, key, base)
    if origin is tuple:
        if not isinstance(value, list):
            raise ProfileError(f"{key} must be a list, not {_shown(value)}")
        return tuple(read_value(args[0], item, f"{key}[{i}]", base) for i, item in enumerate(value))
    if origin is Literal:
        if value not in args:
            raise ProfileError(f"{key} must be one of {', '.join(map(str, args))}, not {_shown(value)}")
        return value
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return read_table(hint, value, key, base)
    reader = _SCALARS.get(hint)
    if reader is None:
        raise TypeError(f"{key}: profile fields of type {hint!r} are not supported (fields.py)")
    return reader(value, key, base)


def read_path(value: Any, key: str, base: Path) -> Path:
    if not isinstance(value, str) or not value:
        raise ProfileError(f"{key} must be a path, not {_shown(value)}")
    path = base / Path(value).expanduser()
    if not path.exists():
        raise ProfileError(f"{key}: no such file or folder {path}")
    return path


def _string(value: Any, key: str, _base: Path) -> str:
    if not isinstance(value, str):
        raise ProfileError(f"{key} must be a string, not {_shown(value)}")
    return value


def _whole(value: Any, key: str, _base: Path) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProfileError(f"{key} must be a whole number >= 0, not {_shown(value)}")
    return value


def _number(value: Any, key: str, _base: Path) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ProfileError(f"{key} must be a number >= 0, not {_shown(value)}")
    return float(value)


def _flag(value: Any, key: str, _base: Path) -> bool:
    if not isinstance(value, bool):
        raise ProfileError(f"{key} must be true or false, not {_shown(value)}")
    return value


_SCALARS: dict[Any, Callable[[Any, str, Path], Any]] = {
    str: _string,
    int: _whole,
    float: _number,
    bool: _flag,
    Path: read_path,
}


def _shown(value: Any) -> str:
    """A value as TOML would write it, short, for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)
