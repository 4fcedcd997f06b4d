"""LUKS1 and LUKS2 unlocked read-only: peerdata volumes (dissect.fve, MANIFEST §6) and a LUKS2 disk
built here with cryptsetup holding a planted keyword file, scanned through the command line."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import peerdata_path
from tests.sources.images import PASSPHRASE, PLANTED_TEXT, luks2_disk
from triage.sources.keys import Key
from triage.sources.luks import read_header, unlock_luks
from triage.sources.media import MediaSlice, RawMedia


def _peer_volume(tmp_path: Path, name: str) -> RawMedia:
    target = tmp_path / "volume.bin"
    with gzip.open(peerdata_path("dissect.fve", "tests", "_data", *name.split("/"))) as packed:
        target.write_bytes(packed.read())
    return RawMedia([target])


@pytest.mark.peerdata
def test_luks1_peer_volume_decrypts_to_its_known_sectors(tmp_path):
    media = _peer_volume(tmp_path, "luks1/aes-ecb.bin.gz")
    result = unlock_luks(media, [Key("password", "wrong", 1), Key("password", "password", 2)])
    assert result.note == "LUKS1, unlocked with the password (line 2 of the keys file)"
    assert result.media is not None
    assert [result.media.read(i * 512, 512) for i in range(4)] == [bytes([i]) * 512 for i in range(4)]


@pytest.mark.peerdata
@pytest.mark.slow  # Argon2id with cryptsetup's real cost: 783 MiB, 4 passes (about 8 s)
def test_luks2_peer_volume_with_default_argon2_cost(tmp_path):
    media = _peer_volume(tmp_path, "luks2/aes-xts-plain64.bin.gz")
    result = unlock_luks(media, [Key("password", "password", 1)])
    assert result.media is not None
    assert [result.media.read(i * 512, 512) for i in range(4)] == [bytes([i]) * 512 for i in range(4)]


@pytest.mark.peerdata
def test_luks2_peer_header_is_read_as_cryptsetup_dumps_it(tmp_path):
    header = read_header(_peer_volume(tmp_path, "luks2/aes-xts-plain64.bin.gz"))
    [slot] = header.keyslots
    assert (header.version, header.data_offset, header.cipher, header.sector_size) == (
        2,
        1048576,
        "aes-xts-plain64",
        512,
    )
    assert (slot.kdf["type"], slot.kdf["memory"], slot.kdf["time"], slot.stripes) == (
        "argon2id",
        802200,
        4,
        4000,
    )


@pytest.fixture(scope="module")
def luks2_image(tmp_path_factory) -> Path:
    image = luks2_disk(tmp_path_factory.mktemp("luks2") / "luks2-disk.img")
    image.chmod(0o444)
    return image


def triage_scan(image: Path, out: Path, *extra: str) -> tuple[subprocess.CompletedProcess, Path]:
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "triage", "scan", str(image), "--profile", "demo", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    return result, folder


def findings(folder: Path) -> list[dict]:
    return json.loads((folder / "findings.json").read_text())["findings"]


def test_luks2_without_a_key_is_review_locked(luks2_image, tmp_path):
    result, folder = triage_scan(luks2_image, tmp_path / "out")
    assert result.returncode == 10, result.stderr  # REVIEW
    [gap] = [f for f in findings(folder) if f["kind"] == "coverage-gap"]
    assert gap["detail"]["reason"] == "encrypted: LUKS2, locked (no passphrase or key file was given)"
    assert not [f for f in findings(folder) if f["kind"] == "keyword"]
    assert "Bytes of the volumes by state: locked 29,360,128." in (folder / "report.html").read_text()


def test_luks2_with_the_key_finds_the_planted_keyword_and_keeps_the_key_secret(luks2_image, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text(f"# for the LUKS partition\npassword:not this one\npassword:{PASSPHRASE}\n")
    result, folder = triage_scan(luks2_image, tmp_path / "out", "--keys", str(keys))
    assert result.returncode == 10, result.stderr  # REVIEW: a keyword
    [hit] = [f for f in findings(folder) if f["kind"] == "keyword"]
    assert (hit["entry"]["volume_index"], hit["entry"]["path"]) == (1, "/home/plans.txt")
    assert not [f for f in findings(folder) if f["kind"] == "coverage-gap"]
    page = (folder / "report.html").read_text()
    assert "LUKS2, unlocked with the password (line 3 of the keys file)" in page
    secret = PASSPHRASE.encode()
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert secret not in data and PASSPHRASE.encode("utf-16-le") not in data, path
    assert PASSPHRASE not in result.stdout + result.stderr


def test_luks2_with_a_wrong_key_says_so(luks2_image, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("password:wrong guess\n")
    result, folder = triage_scan(luks2_image, tmp_path / "out", "--keys", str(keys))
    assert result.returncode == 10
    [gap] = [f for f in findings(folder) if f["kind"] == "coverage-gap"]
    assert gap["detail"]["reason"] == (
        "encrypted: LUKS2, locked (the keys given did not unlock it: "
        "password (line 1 of the keys file) wrong)"
    )


def test_a_bad_keys_file_is_one_line_that_does_not_echo_it(luks2_image, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("hunter2-without-a-kind\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "triage",
            "scan",
            str(luks2_image),
            "--keys",
            str(keys),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    assert "line 1 is not 'password:…', 'recovery:…' or 'keyfile:PATH'" in result.stderr
    assert "hunter2" not in result.stderr


def test_a_luks_key_file_unlocks(luks2_image, tmp_path):
    key_file = tmp_path / "volume.key"
    key_file.write_text(PASSPHRASE)  # cryptsetup uses a key file's bytes as they are
    media = RawMedia([luks2_image])
    try:
        volume = MediaSlice(media, 1024 * 1024, 28 * 1024 * 1024)
        result = unlock_luks(
            volume, [Key("keyfile", str(tmp_path / "missing.key"), 1), Key("keyfile", str(key_file), 2)]
        )
        assert result.note == "LUKS2, unlocked with the key file (line 2 of the keys file)"
        assert result.media is not None and PLANTED_TEXT in _whole(result.media)
    finally:
        media.close()


def _whole(media) -> bytes:
    return b"".join(media.read(offset, 1 << 20) for offset in range(0, media.size, 1 << 20))


@pytest.mark.parametrize(
    ("secret", "code", "line"),
    [
        (PASSPHRASE, 0, "unlocked  {image}#p1: LUKS2, unlocked with the password (line 1 of the keys file)"),
        (
            "wrong guess",
            10,
            "LOCKED    {image}#p1: encrypted: LUKS2, locked (the keys given did not unlock it: "
            "password (line 1 of the keys file) wrong)",
        ),
    ],
)
def test_unlock_test_checks_a_key_before_the_scan(luks2_image, tmp_path, secret, code, line):
    keys = tmp_path / "keys.txt"
    keys.write_text(f"password:{secret}\n")
    done = subprocess.run(
        [sys.executable, "-m", "triage", "unlock-test", str(luks2_image), "--keys", str(keys)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout.strip()) == (code, line.format(image=luks2_image))
    assert secret not in done.stdout + done.stderr
