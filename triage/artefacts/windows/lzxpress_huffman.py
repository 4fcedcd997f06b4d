"""LZXPRESS Huffman (LZ77 + Huffman) decompression, as Windows 8-11 Prefetch files use it.

Written by hand from the algorithm in [MS-XCA] 2.1-2.2.4 ("LZ77+Huffman Decompression
Algorithm Details"). Why not a library: libscca-python decodes it but is LGPL; dissect.util
(Apache-2.0) has ``compression.lzxpress_huffman``, but in version 3.24 its loop stops when
the input is used up and drops the final symbols still in its bit buffer (1 byte short on
two of plaso's four compressed Prefetch files). This decoder is driven by the size the
``MAM`` header declares, so it stops exactly there, and its time and memory are bounded by
that size. The tests compare it with dissect.util's output on every compressed peerdata file.
"""

from __future__ import annotations

from triage.artefacts.common import Damaged

BLOCK = 65536  # uncompressed bytes per Huffman table
TABLE_BYTES = 256  # 512 symbols, 4 bits of code length each
MAX_BITS = 15
MASK32 = 0xFFFF_FFFF


def decompress(data: bytes, size: int) -> bytes:
    """The first ``size`` bytes that ``data`` decodes to; Damaged where it runs out first."""
    out = bytearray()
    position = 0
    while len(out) < size:
        table, lengths = _decoding_table(data[position : position + TABLE_BYTES])
        position += TABLE_BYTES
        position = _decode_block(data, position, table, lengths, out, min(size, len(out) + BLOCK))
    return bytes(out[:size])


def _decoding_table(raw: bytes) -> tuple[list[int], list[int]]:
    """Symbol by the next 15 bits, and each symbol's code length (canonical Huffman codes)."""
    if len(raw) < TABLE_BYTES:
        raise Damaged("LZXPRESS Huffman: input ends inside a code-length table")
    lengths = [b >> shift & 0x0F for b in raw for shift in (0, 4)]
    table = [0] * (1 << MAX_BITS)
    code = 0
    for length in range(1, MAX_BITS + 1):
        for symbol in (s for s, n in enumerate(lengths) if n == length):
            span = 1 << (MAX_BITS - length)
            if (code + 1) * span > len(table):
                raise Damaged("LZXPRESS Huffman: code lengths overflow the code space")
            table[code * span : (code + 1) * span] = [symbol] * span
            code += 1
        code <<= 1
    if code == 0:
        raise Damaged("LZXPRESS Huffman: a table with no codes")
    return table, lengths


def _decode_block(
    data: bytes, position: int, table: list[int], lengths: list[int], out: bytearray, block_end: int
) -> int:
    """Decode into out until block_end; returns the input position after the block."""
    bits = _word(data, position) << 16 | _word(data, position + 2)
    position += 4
    spare = 16  # bits in ``bits`` beyond the 16 that are always available
    while len(out) < block_end:
        symbol = table[bits >> (32 - MAX_BITS)]
        bits, spare, position = _consume(data, position, bits, spare, lengths[symbol])
        if symbol < 256:
            out.append(symbol)
            continue
        symbol -= 256
        length, offset_bits = symbol & 0x0F, symbol >> 4
        if length == 15:
            length, position = _long_length(data, position)
        offset = (bits >> (32 - offset_bits) if offset_bits else 0) + (1 << offset_bits)
        bits, spare, position = _consume(data, position, bits, spare, offset_bits)
        _copy_match(out, offset, length + 3)
    return position


def _consume(data: bytes, position: int, bits: int, spare: int, count: int) -> tuple[int, int, int]:
    bits = bits << count & MASK32
    spare -= count
    if spare < 0:
        if position > len(data) + 2:
            raise Damaged("LZXPRESS Huffman: input ends before the declared size is decoded")
        bits |= _word(data, position) << -spare
        position += 2
        spare += 16
    return bits, spare, position


def _long_length(data: bytes, position: int) -> tuple[int, int]:
    if position >= len(data):
        raise Damaged("LZXPRESS Huffman: input ends inside a match length")
    length = data[position]
    position += 1
    if length == 255:
        length = _word(data, position)
        position += 2
        if length < 15:
            raise Damaged("LZXPRESS Huffman: a match length below 15 in its long form")
        length -= 15
    return length + 15, position


def _copy_match(out: bytearray, offset: int, length: int) -> None:
    if offset > len(out):
        raise Damaged(f"LZXPRESS Huffman: a match {offset} bytes back, with {len(out)} decoded")
    start = len(out) - offset
    while length > 0:
        piece = out[start : start + min(length, offset)]
        out += piece
        start += len(piece)
        length -= len(piece)


def _word(data: bytes, position: int) -> int:
    """A little-endian 16-bit word; past the end of the input, zero (the encoder pads with zeros)."""
    return int.from_bytes(data[position : position + 2].ljust(2, b"\0"), "little")
