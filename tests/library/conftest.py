"""Fixtures shared by the library tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.signing import SigningKey, generate_keypair, load_signing_key


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> tuple[SigningKey, Path]:
    """An issuing unit's signing key (passphrase "pw") and its public key file."""
    folder = tmp_path_factory.mktemp("keys")
    public = generate_keypair(folder / "unit.key", b"pw")
    return load_signing_key(folder / "unit.key", b"pw"), public
