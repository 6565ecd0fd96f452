"""Phone numbers: from a run of digit groups to E.164, or to the local digits as written.

Only forms a person would give as a contact number are kept: an international number whose
national part has the right length for its country code, a 10-digit local number starting
with 0 (06/07 mobiles always; other prefixes when grouped in pairs or announced by a phone
word), a Spanish 9-digit number when grouped Spanish-style or announced. A local 06/07 number
could be Moroccan or French: it is kept as written (spaces removed), never given a guessed
country. Dates written with dots or dashes ("06.01.2025 14.30") are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sextortion_flags.identifiers.patterns import COUNTRY_CODES, MOROCCO_NATIONAL_FIRST, PHONE_GROUP

MIN_DIGITS = min(8, 9, *(len(code) + min(lengths) for code, lengths in COUNTRY_CODES.items()))
"""The fewest digits `phone_value` accepts: 8 for an international number outside the table (see
`international_value`), 9 for a local one (`local_value`), else a known country code and its shortest number."""


@dataclass(frozen=True, slots=True)
class PhoneCandidate:
    digits: str  # digits only, "+" dropped
    international: bool
    groups: tuple[int, ...]  # lengths of the digit groups as written
    start: int  # offset of the first group in the prepared text
    end: int


def candidates(run: str, offset: int) -> list[PhoneCandidate]:
    """Every contiguous slice of digit groups in `run` that starts like a phone number."""
    groups = [(m.group(0), m.start() + offset, m.end() + offset) for m in PHONE_GROUP.finditer(run)]
    out = []
    for i, (first, start, _end) in enumerate(groups):
        if not (first.startswith(("+", "0")) or first[:1] in "6789"):
            continue
        digits = ""
        lengths: list[int] = []
        for text, _s, end in groups[i:]:
            if text.startswith("+") and lengths:
                break  # a new international number begins
            digits += text.lstrip("+")
            lengths.append(len(text.lstrip("+")))
            if len(digits) > 16:
                break
            out.append(PhoneCandidate(digits, first.startswith("+") or digits.startswith("00"),
                                      tuple(lengths), start, end))
    return out


def _looks_like_date(groups: tuple[int, ...], digits: str) -> bool:
    """dd.mm.yyyy or yyyy-mm-dd at the start of the groups."""
    if len(groups) >= 3 and groups[:3] == (2, 2, 4):
        day, month = int(digits[:2]), int(digits[2:4])
        return 1 <= day <= 31 and 1 <= month <= 12
    if len(groups) >= 3 and groups[:3] == (4, 2, 2):
        return digits[:2] in ("19", "20") and 1 <= int(digits[4:6]) <= 12
    return False


def international_value(digits: str) -> str | None:
    """E.164 for "+CC..." / "00CC..." digits, with a trunk 0 after the country code dropped."""
    if digits.startswith("00"):
        digits = digits[2:]
    for size in (1, 2, 3):
        code, national = digits[:size], digits[size:]
        lengths = COUNTRY_CODES.get(code)
        if lengths is None:
            continue
        if national.startswith("0") and len(national) - 1 in lengths:
            national = national[1:]  # "+33 (0)6 ..." / "+212 06 ..."
        if len(national) not in lengths:
            return None
        if code == "212" and national[0] not in MOROCCO_NATIONAL_FIRST:
            return None
        return f"+{code}{national}"
    return f"+{digits}" if 8 <= len(digits) <= 15 and digits[0] != "0" else None


def local_value(candidate: PhoneCandidate, announced: bool) -> str | None:
    """The digits as written for a plausible local number, else None."""
    digits, groups = candidate.digits, candidate.groups
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        if digits[1] in "67" or announced or groups == (2, 2, 2, 2, 2):
            return digits
        return None
    if len(digits) == 9 and digits[0] in "6789":
        spanish_grouping = groups in ((3, 3, 3), (3, 2, 2, 2), (2, 3, 2, 2))
        if announced or (spanish_grouping and digits[0] in "67"):
            return digits
    return None


def phone_value(candidate: PhoneCandidate, announced: bool) -> str | None:
    """The reported value of a candidate (E.164 or local digits), or None when it is no phone."""
    if _looks_like_date(candidate.groups, candidate.digits):
        return None
    if candidate.international:
        return international_value(candidate.digits)
    return local_value(candidate, announced)
