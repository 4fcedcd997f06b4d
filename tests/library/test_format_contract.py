"""Contract: every registered format, fed any bytes, yields only records or raises HashSetFormatError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.library.helpers import made
from triage.library.formats import FORMATS, BadLine, DigestColumn, HashRecord, HashSetFormatError

A = made(1)
SEEDS = [
    b"",
    b"\xff\xfe\x00garbage\r\n\x00",
    b"%%%% HASHDEEP-1.0\n%%%% md5,filename\n" + A.md5.encode() + b",x\n",
    b'{"value": [{"MD5": "' + A.md5.encode() + b'"}]}',
    b'"hash"\n' + A.md5.encode() + b"\n",
    b'"SHA-1","MD5"\n"' + A.sha1.encode() + b'","' + A.md5.encode() + b'"\n',
    A.sha256.encode() + b"  name\n",
]


def run_format(format_name: str, path: Path) -> list[object]:
    try:
        items = list(FORMATS[format_name](path))
    except HashSetFormatError:
        return []
    assert all(isinstance(i, HashRecord | BadLine | DigestColumn) for i in items)
    return items


@pytest.mark.parametrize("format_name", sorted(FORMATS))
@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_seed_files(tmp_path: Path, format_name: str, seed: int) -> None:
    path = tmp_path / "input"
    path.write_bytes(SEEDS[seed])
    run_format(format_name, path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), seed=st.sampled_from(SEEDS), cut=st.integers(0, 400))
def test_mangled_files(tmp_path_factory: pytest.TempPathFactory, data: bytes, seed: bytes, cut: int) -> None:
    path = tmp_path_factory.mktemp("f") / "input"
    path.write_bytes(seed[:cut] + data + seed[cut:])
    for format_name in FORMATS:
        run_format(format_name, path)
