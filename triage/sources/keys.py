"""Keys the officer holds for locked volumes, read from a file so they stay out of shell history
and process arguments (``triage scan SOURCE --keys FILE``).

One key a line: ``password:...`` (a BitLocker user password or a LUKS passphrase),
``recovery:...`` (a 48-digit BitLocker recovery password) or ``keyfile:PATH`` (a BitLocker
startup key ``.BEK`` file, or a LUKS key file). Blank lines and lines starting with ``#`` are
ignored. A secret is never shown: a key describes itself only by its kind and line number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

KEY_KINDS = {"password": "password", "recovery": "recovery password", "keyfile": "key file"}


class KeysFileError(Exception):
    """The keys file cannot be used; the message names the line, never its content."""


@dataclass(frozen=True)
class Key:
    kind: str  # "password", "recovery" or "keyfile"
    secret: str = field(repr=False)  # the password, recovery password, or the key file's path
    line: int = 0

    @property
    def label(self) -> str:
        """What the report may say about this key: its kind and where it came from."""
        return f"{KEY_KINDS[self.kind]} (line {self.line} of the keys file)"

    def __str__(self) -> str:
        return self.label


def read_keys(path: Path) -> tuple[Key, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeysFileError(
            f"{path}: cannot read the keys file: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    keys = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip("\r\n")
        if not stripped.strip() or stripped.lstrip().startswith("#"):
            continue
        kind, sep, secret = stripped.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in KEY_KINDS or not secret:
            raise KeysFileError(
                f"{path}: line {number} is not 'password:…', 'recovery:…' or 'keyfile:PATH' "
                "(its content is not shown)"
            )
        if kind == "recovery":
            secret = secret.strip()
        keys.append(Key(kind, secret, number))
    return tuple(keys)
