"""The cryptography LUKS needs: key derivation, the anti-forensic splitter, sector ciphers.

From the LUKS1 on-disk format specification 1.2.3 (AF-splitter §2.4, PBKDF2) and the LUKS2
on-disk format specification 1.1.x (argon2i/argon2id keyslots, ``iv_tweak``, 4096-byte sectors
with IVs counted in sector-size units as cryptsetup's ``iv_large_sectors``). Ciphers through
``cryptography`` (Apache-2.0/BSD), Argon2 through ``argon2-cffi`` (MIT). Every cost read from a
header is bounded before it is spent: the header is evidence, so hostile.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MAX_PBKDF2_ITERATIONS = 50_000_000
MAX_ARGON2_MEMORY_KIB = 4 * 1024 * 1024
MAX_ARGON2_TIME = 64
MAX_STRIPES = 65_536
MAX_KEY_BYTES = 128


class LuksError(Exception):
    """The header asks for something unsupported or beyond our bounds; the message says what."""


def derive_key(passphrase: bytes, kdf: dict[str, Any], length: int) -> bytes:
    kind = kdf.get("type")
    salt = kdf["salt"]
    if kind == "pbkdf2":
        iterations = int(kdf["iterations"])
        if not 0 < iterations <= MAX_PBKDF2_ITERATIONS:
            raise LuksError(f"PBKDF2 iteration count {iterations} beyond the bound")
        return hashlib.pbkdf2_hmac(_hash_name(kdf["hash"]), passphrase, salt, iterations, length)
    if kind in ("argon2i", "argon2id"):
        return _argon2(passphrase, kdf, length, kind)
    raise LuksError(f"key derivation {kind!r} not supported")


def _argon2(passphrase: bytes, kdf: dict[str, Any], length: int, kind: str) -> bytes:
    try:
        from argon2.low_level import Type, hash_secret_raw
    except ImportError as exc:
        raise LuksError("Argon2 keyslots need argon2-cffi (pip install 'triage[unlock]')") from exc
    memory, time_cost, lanes = int(kdf["memory"]), int(kdf["time"]), int(kdf["cpus"])
    if not (0 < memory <= MAX_ARGON2_MEMORY_KIB and 0 < time_cost <= MAX_ARGON2_TIME and 0 < lanes <= 64):
        raise LuksError(
            f"Argon2 cost (memory {memory} KiB, time {time_cost}, lanes {lanes}) beyond the bound"
        )
    kind_type = Type.ID if kind == "argon2id" else Type.I
    return hash_secret_raw(passphrase, kdf["salt"], time_cost, memory, lanes, length, kind_type)


def _hash_name(name: str) -> str:
    name = name.lower().replace("-", "")
    if name not in hashlib.algorithms_available:
        raise LuksError(f"hash {name!r} not available")
    return name


def af_merge(material: bytes, key_size: int, stripes: int, hash_spec: str) -> bytes:
    """Undo the anti-forensic split: xor and diffuse each stripe in turn (LUKS1 spec §2.4)."""
    if not (0 < stripes <= MAX_STRIPES and 0 < key_size <= MAX_KEY_BYTES):
        raise LuksError(f"AF split of {stripes} stripes of {key_size} bytes beyond the bound")
    if len(material) < key_size * stripes:
        raise LuksError("key material area is shorter than the header says")
    hash_name = _hash_name(hash_spec)
    merged = bytes(key_size)
    for i in range(stripes - 1):
        merged = _diffuse(_xor(merged, material[i * key_size : (i + 1) * key_size]), hash_name)
    return _xor(merged, material[(stripes - 1) * key_size : stripes * key_size])


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "little") ^ int.from_bytes(b, "little")).to_bytes(len(a), "little")


def _diffuse(data: bytes, hash_name: str) -> bytes:
    size = hashlib.new(hash_name).digest_size
    out = []
    for index in range(0, len(data), size):
        chunk = data[index : index + size]
        out.append(hashlib.new(hash_name, struct.pack(">I", index // size) + chunk).digest()[: len(chunk)])
    return b"".join(out)


class SectorCipher:
    """Decrypts whole sectors of one cipher spec such as ``aes-xts-plain64`` or ``aes-cbc-essiv:sha256``."""

    def __init__(self, spec: str, key: bytes, sector_size: int = 512, iv_tweak: int = 0) -> None:
        parts = spec.lower().split("-", 2)
        if parts[0] != "aes" or len(parts) < 2:
            raise LuksError(f"cipher {spec!r} not supported (AES only)")
        self.mode, self.iv_kind = parts[1], parts[2] if len(parts) > 2 else ""
        if self.mode not in ("xts", "cbc", "ecb") or (self.mode != "ecb" and not self.iv_kind):
            raise LuksError(f"cipher {spec!r} not supported")
        self.key, self.sector_size, self.iv_tweak = key, sector_size, iv_tweak
        self._aes = algorithms.AES(key)  # built once: a third faster than per sector (bench/luks_read.py)
        self._essiv = None
        if self.iv_kind.startswith("essiv:"):
            salt = hashlib.new(_hash_name(self.iv_kind[6:]), key).digest()
            self._essiv = Cipher(algorithms.AES(salt), modes.ECB()).encryptor()
        elif self.iv_kind not in ("", "plain", "plain64", "plain64be"):
            raise LuksError(f"IV generator {self.iv_kind!r} not supported")

    def decrypt(self, data: bytes, first_sector: int) -> bytes:
        """``data`` is whole sectors; ``first_sector`` counts sectors of ``sector_size``."""
        if self.mode == "ecb":
            return Cipher(self._aes, modes.ECB()).decryptor().update(data)
        out = []
        for index in range(0, len(data), self.sector_size):
            iv = self._iv(first_sector + index // self.sector_size + self.iv_tweak)
            mode = modes.XTS(iv) if self.mode == "xts" else modes.CBC(iv)
            out.append(Cipher(self._aes, mode).decryptor().update(data[index : index + self.sector_size]))
        return b"".join(out)

    def _iv(self, sector: int) -> bytes:
        if self.iv_kind == "plain":
            return (sector & 0xFFFFFFFF).to_bytes(16, "little")
        if self.iv_kind == "plain64be":
            return (sector & (2**64 - 1)).to_bytes(8, "big").rjust(16, b"\x00")
        plain = (sector & (2**64 - 1)).to_bytes(16, "little")
        return self._essiv.update(plain) if self._essiv is not None else plain
