"""Shared shapes for browser records: a visit, and the search it may be."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from triage.artefacts.search_terms import search_term
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry


def visit(
    parser: str,
    source: Entry,
    time: datetime | None,
    url: str,
    title: str = "",
    recovered: bool = False,
    **extra: object,
) -> Iterator[Artefact]:
    """A browser/visit and, where the URL is a search-engine query, its browser/search."""
    user = user_for_path(source.path)
    values = {"url": url, "title": title, **extra}
    yield Artefact("browser/visit", parser, source, time, user, values, recovered)
    found = search_term(url)
    if found:
        engine, term = found
        values = {"engine": engine, "term": term, "url": url, "from": "url"}
        yield Artefact("browser/search", parser, source, time, user, values, recovered)


def text(value: object) -> str:
    """A column value as text for the report; bytes are decoded leniently."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
