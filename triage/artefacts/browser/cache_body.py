"""A cached HTTP object as records: the browser/cache artefact and its decoded body as Content."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime

from triage.artefacts.browser.http import decode_body, parse_headers
from triage.artefacts.common import Content, Damaged, Record, damaged
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry

MAX_URL_SHOWN = 2048
MAX_HEADERS = 40


def cached_object(
    parser: str,
    scheme: str,
    source: Entry,
    url: str,
    header_block: str,
    body: bytes,
    time: datetime | None,
    **extra: object,
) -> Iterator[Record]:
    """browser/cache for one object, then its body (decoded) to be examined like a file."""
    status, headers = parse_headers(header_block)
    values = {
        "url": url[:MAX_URL_SHOWN],
        "status": status,
        "content_type": headers.get("content-type", ""),
        "content_encoding": headers.get("content-encoding", ""),
        "content_length": headers.get("content-length", ""),
        "body_bytes": len(body),
        "headers": {k: v[:500] for k, v in list(headers.items())[:MAX_HEADERS]},
        **extra,
    }
    yield Artefact("browser/cache", parser, source, time, user_for_path(source.path), values)
    if not body:
        return
    try:
        decoded = decode_body(body, headers.get("content-encoding", ""))
    except Damaged as exc:
        yield damaged(source, f"{parser}: {url[:200]}: {exc}")
        return
    inner = dataclasses.replace(source, size=len(decoded), container=(*source.container, f"{scheme}:{url}"))
    yield Content(inner, decoded)
