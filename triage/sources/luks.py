"""LUKS1 and LUKS2 volumes, unlocked read-only with a passphrase or key file.

libluksde (the libyal library the brief names) reads LUKS1 only: on a LUKS2 header it stops with
"invalid master key size value out of bounds" (libluksde-python 20260902), and cryptsetup
needs device-mapper, so both versions are read here (Apache-2.0) from the on-disk format
specifications: LUKS1 1.2.3 (592-byte big-endian header, 8 keyslots) and LUKS2 1.1.x (4096-byte
binary header followed by JSON metadata; keyslots, digests and segments). The passphrase only
ever goes into the key derivation; nothing here writes.
"""

from __future__ import annotations

import base64
import hmac
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from triage.sources.bitlocker import UnlockResult
from triage.sources.keys import Key
from triage.sources.luks_crypto import LuksError, SectorCipher, af_merge, derive_key
from triage.sources.media import Media

LUKS_MAGIC = b"LUKS\xba\xbe"
LUKS1_ACTIVE = 0x00AC71F3
MAX_JSON = 4 * 1024 * 1024
MAX_KEY_FILE = 8 * 1024 * 1024


@dataclass(frozen=True)
class Keyslot:
    key_size: int  # bytes of the volume key
    area_offset: int
    area_size: int
    area_cipher: str
    area_key_size: int
    stripes: int
    af_hash: str
    kdf: dict[str, Any]


@dataclass(frozen=True)
class LuksHeader:
    version: int
    keyslots: tuple[Keyslot, ...]
    digest: dict[str, Any]  # pbkdf2 over the volume key: hash, iterations, salt, digest
    data_offset: int
    data_size: int | None  # None: to the end of the device
    cipher: str
    sector_size: int
    iv_tweak: int


def luks_version(head: bytes) -> int:
    return struct.unpack_from(">H", head, 6)[0] if head.startswith(LUKS_MAGIC) and len(head) >= 8 else 0


def read_header(media: Media) -> LuksHeader:
    head = media.read(0, 4096)
    version = luks_version(head)
    if version == 1:
        return _luks1(head)
    if version == 2:
        return _luks2(media, head)
    raise LuksError(f"LUKS version {version} not supported")


def _text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("ascii", "replace")


def _luks1(head: bytes) -> LuksHeader:
    cipher = f"{_text(head[8:40])}-{_text(head[40:72])}"
    hash_spec = _text(head[72:104])
    payload, key_bytes = struct.unpack_from(">II", head, 104)
    digest = {"hash": hash_spec, "salt": head[132:164], "iterations": struct.unpack_from(">I", head, 164)[0]}
    digest["digest"] = head[112:132]
    slots = []
    for i in range(8):
        active, iterations = struct.unpack_from(">II", head, 208 + i * 48)
        salt = head[216 + i * 48 : 248 + i * 48]
        material, stripes = struct.unpack_from(">II", head, 248 + i * 48)
        if active != LUKS1_ACTIVE:
            continue
        kdf = {"type": "pbkdf2", "hash": hash_spec, "iterations": iterations, "salt": salt}
        area = key_bytes * stripes
        slots.append(Keyslot(key_bytes, material * 512, area, cipher, key_bytes, stripes, hash_spec, kdf))
    return LuksHeader(1, tuple(slots), digest, payload * 512, None, cipher, 512, 0)


def _luks2(media: Media, head: bytes) -> LuksHeader:
    header_size = struct.unpack_from(">Q", head, 8)[0]
    if not 4096 < header_size <= MAX_JSON:
        raise LuksError(f"LUKS2 header size {header_size} out of bounds")
    raw = media.read(4096, header_size - 4096).split(b"\x00", 1)[0]
    try:
        meta = json.loads(raw)
        segment = meta["segments"]["0"]
        digest = next(iter(meta["digests"].values()))
        slots = tuple(
            _luks2_keyslot(slot) for slot in meta["keyslots"].values() if slot.get("type") == "luks2"
        )
        size = None if segment.get("size") == "dynamic" else int(segment["size"])
        return LuksHeader(
            2,
            slots,
            {**digest, "salt": _b64(digest["salt"]), "digest": _b64(digest["digest"])},
            int(segment["offset"]),
            size,
            segment["encryption"],
            int(segment.get("sector_size", 512)),
            int(segment.get("iv_tweak", 0)),
        )
    except (ValueError, KeyError, TypeError, StopIteration, AttributeError) as exc:
        raise LuksError(f"LUKS2 metadata not readable: {exc.__class__.__name__}") from exc


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def _luks2_keyslot(slot: dict[str, Any]) -> Keyslot:
    kdf = dict(slot["kdf"])
    kdf["salt"] = _b64(kdf["salt"])
    area, af = slot["area"], slot["af"]
    return Keyslot(
        int(slot["key_size"]),
        int(area["offset"]),
        int(area["size"]),
        area["encryption"],
        int(area["key_size"]),
        int(af["stripes"]),
        af["hash"],
        kdf,
    )


def volume_key(media: Media, header: LuksHeader, passphrase: bytes) -> bytes | None:
    """The volume key if ``passphrase`` opens a keyslot, else None."""
    for slot in header.keyslots:
        derived = derive_key(passphrase, slot.kdf, slot.area_key_size)
        size = slot.key_size * slot.stripes
        material = media.read(slot.area_offset, (size + 511) // 512 * 512)
        plain = SectorCipher(slot.area_cipher, derived).decrypt(material, 0)
        candidate = af_merge(plain, slot.key_size, slot.stripes, slot.af_hash)
        if _digest_matches(candidate, header.digest):
            return candidate
    return None


def _digest_matches(key: bytes, digest: dict[str, Any]) -> bool:
    expected = digest["digest"]
    kdf = {
        "type": "pbkdf2",
        "hash": digest["hash"],
        "iterations": digest["iterations"],
        "salt": digest["salt"],
    }
    return hmac.compare_digest(derive_key(key, kdf, len(expected)), expected)


class LuksMedia:
    """The decrypted data segment of an unlocked LUKS volume."""

    def __init__(self, media: Media, header: LuksHeader, key: bytes) -> None:
        self._media = media
        self._offset = header.data_offset
        available = max(0, media.size - header.data_offset)
        self.size = min(header.data_size, available) if header.data_size is not None else available
        self._sector = header.sector_size
        self._cipher = SectorCipher(header.cipher, key, header.sector_size, header.iv_tweak)

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or offset >= self.size or length <= 0:
            return b""
        length = min(length, self.size - offset)
        start = offset - offset % self._sector
        end = min(-(-(offset + length) // self._sector) * self._sector, self.size)
        data = self._media.read(self._offset + start, end - start)
        data = data[: len(data) - len(data) % self._sector]
        plain = self._cipher.decrypt(data, start // self._sector)
        return plain[offset - start : offset - start + length]

    def close(self) -> None:
        pass


def unlock_luks(volume: Media, keys: Sequence[Key]) -> UnlockResult:
    name = f"LUKS{luks_version(volume.read(0, 8))}"
    try:
        header = read_header(volume)
    except LuksError as exc:
        return UnlockResult(None, f"locked ({exc})")
    tried = []
    for key in keys:
        if key.kind == "recovery":
            continue
        try:
            found = volume_key(volume, header, _passphrase(key))
        except OSError as exc:
            tried.append(f"{key.label} unreadable ({exc.strerror})")
            continue
        except LuksError as exc:
            return UnlockResult(None, f"locked ({exc})")
        if found is not None:
            return UnlockResult(LuksMedia(volume, header, found), f"{name}, unlocked with the {key.label}")
        tried.append(key.label)
    if not tried:
        return UnlockResult(None, "locked (no passphrase or key file was given)")
    return UnlockResult(None, f"locked (the keys given did not unlock it: {'; '.join(tried)} wrong)")


def _passphrase(key: Key) -> bytes:
    if key.kind != "keyfile":
        return key.secret.encode("utf-8")
    with open(key.secret, "rb") as handle:  # cryptsetup uses a key file's bytes as they are
        return handle.read(MAX_KEY_FILE)


__all__ = ["LuksHeader", "LuksMedia", "read_header", "unlock_luks", "volume_key"]
