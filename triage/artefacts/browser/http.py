"""HTTP pieces stored in browser caches: header blocks and content-encoded bodies.

Bodies are decoded per ``Content-Encoding`` (gzip, deflate with or without the zlib
wrapper, brotli) and never beyond MAX_BODY bytes: a hostile cache entry can be a
decompression bomb.
"""

from __future__ import annotations

import zlib

import brotli

from triage.artefacts.common import MAX_BODY, Damaged


def parse_headers(block: str) -> tuple[str, dict[str, str]]:
    """(status line, lower-cased header -> value) from CRLF- or NUL-separated header lines."""
    lines = [line.strip() for line in block.replace("\x00", "\n").splitlines() if line.strip()]
    status = lines[0] if lines and lines[0].upper().startswith("HTTP/") else ""
    headers: dict[str, str] = {}
    for line in lines[1 if status else 0 :]:
        name, sep, value = line.partition(":")
        if sep and name.strip():
            headers.setdefault(name.strip().lower(), value.strip())
    return status, headers


def decode_body(body: bytes, encoding: str) -> bytes:
    """The body with its Content-Encoding undone; Damaged if it does not decode."""
    encoding = encoding.strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            return _inflate(body, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            try:
                return _inflate(body, zlib.MAX_WBITS)
            except zlib.error:
                return _inflate(body, -zlib.MAX_WBITS)
        if encoding == "br":
            return _unbrotli(body)
    except (zlib.error, brotli.error) as exc:
        raise Damaged(f"{encoding} body does not decode: {exc}") from exc
    return body[:MAX_BODY]


def _inflate(body: bytes, wbits: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(body, MAX_BODY)
    if inflater.unconsumed_tail:
        raise Damaged(f"decoded body is larger than {MAX_BODY:,} bytes")
    return out


def _unbrotli(body: bytes) -> bytes:
    decoder = brotli.Decompressor()
    out = decoder.process(body, output_buffer_limit=MAX_BODY)
    if not decoder.is_finished() and len(out) >= MAX_BODY:
        raise Damaged(f"decoded body is larger than {MAX_BODY:,} bytes")
    return out
