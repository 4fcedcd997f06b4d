"""Keyword lists as files: an examiner's alert list in .txt (one term a line) or .csv
(term, category, weight, whole_word, case_sensitive), read into ``Keyword`` records.

Matching them against evidence is ``triage.match.keywords``; importing and exchanging them
as a library is ``triage.library.keywords``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

MAX_TERM_CHARS = 1000  # longer terms in a keyword list are refused: they would bloat the tail


@dataclass(frozen=True)
class Keyword:
    """One term of an examiner's alert list, with how it must match and what it weighs."""

    term: str
    category: str = ""
    weight: float = 1.0
    whole_word: bool = False
    case_sensitive: bool = False


class KeywordListError(ValueError):
    """A keyword list the operator must fix; the message names the file and the line."""


def load_keywords(path: Path) -> list[Keyword]:
    """Read an examiner's keyword list: .txt (one term a line, '#' comments) or .csv.

    The CSV header names any of term, category, weight, whole_word, case_sensitive; missing
    columns and empty cells take the Keyword defaults. A term starting with '#' needs a CSV.
    """
    path = Path(path)
    parsers = {".txt": _parse_txt, ".csv": _parse_csv}
    parser = parsers.get(path.suffix.lower())
    if parser is None:
        raise KeywordListError(f"{path.name}: keyword lists must be .txt or .csv")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise KeywordListError(f"{path.name} line {line}: not UTF-8 text") from None
    return parser(text, path.name)


def _parse_txt(text: str, name: str) -> list[Keyword]:
    keywords = []
    for number, line in enumerate(text.split("\n"), 1):
        term = line.strip()
        if term and not term.startswith("#"):
            keywords.append(Keyword(_checked_term(term, f"{name} line {number}")))
    return keywords


def _parse_csv(text: str, name: str) -> list[Keyword]:
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [cell.strip().lower() for cell in next(rows, [])]
        _check_header(header, name)
        keywords = []
        for row in rows:
            where = f"{name} line {rows.line_num}"
            if len(row) > len(header):
                raise KeywordListError(f"{where}: {len(row)} fields, header has {len(header)}")
            if any(cell.strip() for cell in row):
                keywords.append(_row_keyword(dict(zip(header, row, strict=False)), where))
    except csv.Error as error:
        raise KeywordListError(f"{name} line {rows.line_num}: {error}") from None
    return keywords


def _check_header(header: list[str], name: str) -> None:
    known = Keyword.__dataclass_fields__
    for column in header:
        if column not in known:
            raise KeywordListError(f"{name} line 1: unknown column {column!r}")
    if "term" not in header or len(set(header)) != len(header):
        raise KeywordListError(f"{name} line 1: header needs one 'term' column, no repeats")


def _row_keyword(cells: dict[str, str], where: str) -> Keyword:
    return Keyword(
        term=_checked_term(cells.get("term", "").strip(), where),
        category=cells.get("category", "").strip(),
        weight=_weight(cells.get("weight", "").strip(), where),
        whole_word=_flag(cells, "whole_word", where),
        case_sensitive=_flag(cells, "case_sensitive", where),
    )


def _checked_term(term: str, where: str) -> str:
    if not term:
        raise KeywordListError(f"{where}: term is empty")
    if len(term) > MAX_TERM_CHARS:
        raise KeywordListError(f"{where}: term longer than {MAX_TERM_CHARS} characters")
    return term


def _weight(value: str, where: str) -> float:
    if not value:
        return 1.0
    try:
        weight = float(value)
    except ValueError:
        raise KeywordListError(f"{where}: weight {value!r} is not a number") from None
    if not math.isfinite(weight):
        raise KeywordListError(f"{where}: weight {value!r} is not a finite number")
    return weight


def _flag(cells: dict[str, str], column: str, where: str) -> bool:
    value = cells.get(column, "").strip().lower()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise KeywordListError(f"{where}: {column} {cells[column].strip()!r} is not true or false")
