"""Lenient readings of VICS field values as real exports write them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_OData_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")  # OData v2/v3 JSON "verbose" date
_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def flag(value: object) -> str:
    """ "true"/"false" for true, "True", 1, "1", "yes" and their opposites; else the value as text."""
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y"):
        return "true"
    if text in ("false", "0", "no", "n"):
        return "false"
    return str(value)


def lenient_date(value: object) -> str:
    """An ISO 8601 UTC time when the value reads as one (ISO with any fraction or zone,
    OData ``/Date(ms)/``, ``YYYY-MM-DD HH:MM:SS``), else the text as given."""
    text = str(value).strip()
    odata = _OData_DATE.match(text)
    if odata:
        return datetime.fromtimestamp(int(odata.group(1)) / 1000, UTC).isoformat()
    cleaned = _FRACTION.sub(r"\1", text.replace("Z", "+00:00").replace("z", "+00:00"), count=1)
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        return text
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat()
