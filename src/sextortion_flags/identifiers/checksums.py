"""Checksums that tell a real payment identifier from a look-alike string.

A wallet or IBAN typed by a blackmailer carries its own checksum; verifying it is what keeps
random hex, order numbers and half-copied addresses out of a police report. Pure Python, no
network, bounded by the (short) input length.
"""

from __future__ import annotations

import hashlib

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {c: i for i, c in enumerate(BASE58_ALPHABET)}
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(BECH32_CHARSET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3


# ------------------------------------------------------------------ IBAN (ISO 13616, mod 97)


def iban_checksum_ok(iban: str) -> bool:
    """True when the compact, upper-case IBAN passes the ISO 7064 mod-97-10 check."""
    if len(iban) < 15 or len(iban) > 34 or not iban.isascii() or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def iban_with_checksum(country: str, bban: str) -> str:
    """Build a valid IBAN from a country code and BBAN (used to make fake test values)."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


# ------------------------------------------------------------------ base58check (Bitcoin, TRON)


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def base58_decode(text: str) -> bytes | None:
    """Decode base58 text, or None when a character is outside the alphabet."""
    number = 0
    for ch in text:
        value = _BASE58_INDEX.get(ch)
        if value is None:
            return None
        number = number * 58 + value
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    leading_zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * leading_zeros + body


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = BASE58_ALPHABET[rem] + out
    return "1" * (len(data) - len(data.lstrip(b"\x00"))) + out


def base58check_payload(text: str) -> bytes | None:
    """The payload (version byte included) of a base58check string, or None if the checksum fails."""
    raw = base58_decode(text)
    if raw is None or len(raw) < 5:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    return payload if _sha256d(payload)[:4] == checksum else None


def base58check_encode(payload: bytes) -> str:
    return base58_encode(payload + _sha256d(payload)[:4])


# ------------------------------------------------------------------ bech32 / bech32m (BIP-173, BIP-350)


def _bech32_polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            chk ^= generator[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def segwit_address_ok(address: str, hrp: str = "bc") -> bool:
    """True for a valid segwit address: bech32 for witness v0, bech32m for v1+ (BIP-350)."""
    if address.lower() != address and address.upper() != address:
        return False  # mixed case is invalid by BIP-173
    address = address.lower()
    if not address.startswith(hrp + "1") or not 14 <= len(address) <= 90:
        return False
    data = [_BECH32_INDEX.get(c, -1) for c in address[len(hrp) + 1:]]
    if -1 in data or len(data) < 7:
        return False
    const = _bech32_polymod(_hrp_expand(hrp) + data)
    version = data[0]
    if version > 16 or const != (_BECH32_CONST if version == 0 else _BECH32M_CONST):
        return False
    program = _convert_bits(data[1:-6], 5, 8, pad=False)
    if program is None or not 2 <= len(program) <= 40:
        return False
    return version != 0 or len(program) in (20, 32)


def _convert_bits(data: list[int], from_bits: int, to_bits: int, pad: bool) -> list[int] | None:
    acc = bits = 0
    out = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad and bits:
        out.append((acc << (to_bits - bits)) & maxv)
    elif not pad and (bits >= from_bits or (acc << (to_bits - bits)) & maxv):
        return None
    return out


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """Encode a segwit address (used to make fake test values)."""
    data = [version] + (_convert_bits(list(program), 8, 5, pad=True) or [])
    const = _BECH32_CONST if version == 0 else _BECH32M_CONST
    polymod = _bech32_polymod(_hrp_expand(hrp) + data + [0] * 6) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


# ------------------------------------------------------------------ Keccak-256 (Ethereum EIP-55)

_KECCAK_RC = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)
_KECCAK_ROT = (
    (0, 36, 3, 41, 18), (1, 44, 10, 45, 2), (62, 6, 43, 15, 61), (28, 55, 25, 21, 56), (27, 20, 39, 8, 14),
)
_MASK64 = (1 << 64) - 1


def _rol(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK64 if shift else value


def _keccak_f(state: list[list[int]]) -> None:
    for rc in _KECCAK_RC:
        c = [state[x][0] ^ state[x][1] ^ state[x][2] ^ state[x][3] ^ state[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        for x in range(5):
            for y in range(5):
                state[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rol(state[x][y], _KECCAK_ROT[x][y])
        for x in range(5):
            for y in range(5):
                state[x][y] = b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y])
        state[0][0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Original Keccak-256 (not NIST SHA3-256: the padding differs), as Ethereum uses it."""
    rate = 136
    if len(data) % rate == rate - 1:  # the two padding bits share one byte
        padded = bytearray(data) + b"\x81"
    else:
        padded = bytearray(data) + b"\x01" + b"\x00" * ((-len(data) - 2) % rate) + b"\x80"
    state = [[0] * 5 for _ in range(5)]
    for offset in range(0, len(padded), rate):
        block = padded[offset:offset + rate]
        for i in range(rate // 8):
            state[i % 5][i // 5] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        _keccak_f(state)
    return b"".join(state[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


def eip55_checksum_address(hex40: str) -> str:
    """The EIP-55 mixed-case spelling of a 40-hex-digit Ethereum address."""
    lower = hex40.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))


def ethereum_address_ok(address: str) -> bool:
    """0x + 40 hex; when written in mixed case the EIP-55 checksum must hold."""
    body = address[2:]
    if not address.startswith(("0x", "0X")) or len(body) != 40:
        return False
    if any(c not in "0123456789abcdefABCDEF" for c in body):
        return False
    if body.lower() == body or body.upper() == body:
        return True
    return eip55_checksum_address(body) == "0x" + body
