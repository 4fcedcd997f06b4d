"""The type-from-description shortcut gives exactly what libmagic's own second call gives.

identify() asks libmagic for the description and skips the MIME call where the description is
one that only libmagic's no-rule-matched paths print (plain text, "data"). These tests hold it
to both calls on every file of the peer data (real files from other projects) and on generated
text in every encoding and line ending libmagic names.
"""

from __future__ import annotations

import os

import magic
import pytest

from triage.identify import MAGIC_BYTES, identify, mime_without_asking

TEXTS = [
    "plain words\n" * 40,
    "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e\r\n" * 40,
    "one\rtwo\r" * 40,
    "mixed\r\nends\nhere\r" * 30,
    "x" * 9000,
    "no terminator at all",
    "colour \x1b[31mred\x1b[0m\n" * 20,
    "over\bstrike\n" * 20,
    "<html><body>not plain</body></html>\n",
    "#!/bin/sh\necho hi\n",
    '{"a": [1, 2, 3]}\n',
    "a,b,c\n1,2,3\n4,5,6\n",
]
ENCODINGS = [
    "ascii",
    "utf-8",
    "utf-8-sig",
    "latin-1",
    "cp1252",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "cp500",
]


def both_calls(head: bytes) -> tuple[str, str]:
    return magic.Magic(mime=True).from_buffer(head), magic.Magic().from_buffer(head)


def generated() -> list[bytes]:
    out = []
    for text in TEXTS:
        for encoding in ENCODINGS:
            try:
                out.append(text.encode(encoding)[:MAGIC_BYTES])
            except UnicodeEncodeError:
                continue
    return [*out, b"\x00" * 100, os.urandom(4096), b"ab", b"\xff\xd8\xff\xe0" + bytes(200)]


@pytest.mark.parametrize("head", generated(), ids=lambda h: h[:12].hex())
def test_generated_content_types_as_libmagic_gives_them(head: bytes) -> None:
    assert identify(head) == both_calls(head)


def test_the_shortcut_is_taken_for_plain_text_and_data() -> None:
    assert (
        mime_without_asking("ASCII text, with very long lines (8192), with no line terminators")
        == "text/plain"
    )
    assert mime_without_asking("Unicode text, UTF-8 text, with CRLF, LF line terminators") == "text/plain"
    assert mime_without_asking("data") == "application/octet-stream"
    assert mime_without_asking("Python script, ASCII text executable") is None
    assert mime_without_asking("HTML document, ASCII text") is None


def test_every_peer_data_file_types_as_with_two_calls(peerdata) -> None:
    root = peerdata()
    checked = differing = 0
    wrong = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as handle:
                head = handle.read(MAGIC_BYTES)
            checked += 1
            if identify(head) != both_calls(head):
                differing += 1
                wrong.append(path)
    assert checked > 100, f"only {checked} peer-data files found"
    assert differing == 0, wrong[:10]
