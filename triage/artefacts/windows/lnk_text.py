"""UTF-16LE text from Windows artefacts, never an error: an unpaired surrogate is kept and shown
escaped as the six characters ``\\U0000d800``, as plaso shows it (Python's "replace" would put
U+FFFD in its place and lose which code unit it was)."""

from __future__ import annotations


def escape_surrogates(text: str) -> str:
    """Lone UTF-16 surrogates (kept by 'surrogatepass') as the six characters \\U0000d800."""
    return "".join(f"\\U{ord(c):08x}" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def utf16(raw: bytes) -> str:
    """UTF-16LE text up to its first NUL, an unpaired surrogate escaped, never an error."""
    end = next((i for i in range(0, len(raw) - 1, 2) if raw[i : i + 2] == b"\0\0"), len(raw) & ~1)
    return escape_surrogates(raw[:end].decode("utf-16-le", "surrogatepass"))
