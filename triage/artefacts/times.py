"""Timestamps in the formats artefact files use, all turned into timezone-aware UTC.

Every converter returns None for zero, negative or out-of-range values instead of
raising: a hostile or damaged file may hold any number in a time field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_1601 = datetime(1601, 1, 1, tzinfo=UTC)
_1970 = datetime(1970, 1, 1, tzinfo=UTC)
_2001 = datetime(2001, 1, 1, tzinfo=UTC)


def _after(base: datetime, **delta: float) -> datetime | None:
    try:
        return base + timedelta(**delta)
    except (OverflowError, ValueError, TypeError):
        return None


def _number(value: object) -> int | float | None:
    """A positive number (ints stay exact: float microseconds since 1601 lose precision)."""
    if isinstance(value, bool):
        return None
    if not isinstance(value, int | float):
        try:
            value = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
    return value if value > 0 else None


def webkit(value: object) -> datetime | None:
    """Chrome/WebKit time: microseconds since 1601-01-01 UTC."""
    n = _number(value)
    return _after(_1601, microseconds=n) if n is not None else None


def filetime(value: object) -> datetime | None:
    """Windows FILETIME: 100-nanosecond ticks since 1601-01-01 UTC."""
    n = _number(value)
    return _after(_1601, microseconds=n // 10) if n is not None else None


def prtime(value: object) -> datetime | None:
    """Mozilla PRTime: microseconds since 1970-01-01 UTC."""
    n = _number(value)
    return _after(_1970, microseconds=n) if n is not None else None


def unix(value: object) -> datetime | None:
    """POSIX time: seconds since 1970-01-01 UTC."""
    n = _number(value)
    return _after(_1970, seconds=n) if n is not None else None


def cocoa(value: object) -> datetime | None:
    """Mac absolute time (Core Foundation): seconds since 2001-01-01 UTC."""
    n = _number(value)
    return _after(_2001, seconds=n) if n is not None else None


def aware(value: object) -> datetime | None:
    """A datetime a library gave us, as aware UTC (naive ones are taken to be UTC already)."""
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
