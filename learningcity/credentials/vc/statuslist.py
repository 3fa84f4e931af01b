"""Bitstring Status List v1.0: a list of at least 131,072 bits (16 KiB), GZIP
compressed and base64url multibase encoded; bit 0 is the first (most significant)
bit of the first byte."""

import gzip

from .multibase import decode_base64url, encode_base64url

MIN_BITS = 131_072


def empty(bits: int = MIN_BITS) -> bytearray:
    return bytearray(max(bits, MIN_BITS) // 8)


def set_bit(bitstring: bytearray, index: int, value: bool = True) -> None:
    byte, bit = divmod(index, 8)
    mask = 0x80 >> bit
    if value:
        bitstring[byte] |= mask
    else:
        bitstring[byte] &= ~mask & 0xFF


def get_bit(bitstring: bytes, index: int) -> bool:
    byte, bit = divmod(index, 8)
    if index < 0 or byte >= len(bitstring):
        raise IndexError(index)
    return bool(bitstring[byte] & (0x80 >> bit))


def encode(bitstring: bytes | bytearray) -> str:
    # mtime=0: the same list always encodes to the same text.
    return encode_base64url(gzip.compress(bytes(bitstring), mtime=0))


def decode(encoded: str) -> bytes:
    return gzip.decompress(decode_base64url(encoded))
