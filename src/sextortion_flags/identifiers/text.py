"""Two aligned views of a message: `raw` keeps case (wallets, IBANs), `folded` is for context words.

Both views have the same length, character for character, so a span found in one is the same
span in the other. Arabic-Indic digits become ASCII digits in both; invisible characters are
dropped; spelled-out digits ("zero six ...", "sifr stta ...") become digits when at least two
follow each other, so an obfuscated number reads like a number.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sextortion_flags.identifiers import patterns
from sextortion_flags.literals import Match

_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
_INVISIBLE = frozenset(
    [*map(chr, range(0x200B, 0x2010)), *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2060, 0x2070)),
     "\ufeff", "\u00ad", "\u0640", "\u180e", "\ufe0e", "\ufe0f", "\u034f"]
)
_ARABIC_FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ک": "ك", "ی": "ي"}
_FOLD_EXTRA = {"@": "a", "’": "'", "‘": "'", "`": "'", "＠": "a"}
# Separators allowed between spelled-out digits, and between them and digit groups.
_MAX_DIGIT_WORDS = 500
_DIGIT_WORD_GAP = re.compile(r"[ \t\-,.]{1,3}$")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> tuple[str, str]:
    """(raw, folded) for one character; both "" when the character is invisible."""
    if ch in _INVISIBLE:
        return "", ""
    if ch in _DIGITS:
        return _DIGITS[ch], _DIGITS[ch]
    if ch in _FOLD_EXTRA:
        return ch if ch != "＠" else "@", _FOLD_EXTRA[ch]
    if ch in _ARABIC_FOLD:
        return ch, _ARABIC_FOLD[ch]
    nfkc = unicodedata.normalize("NFKC", ch)
    raw = nfkc if len(nfkc) == 1 else ch
    folded = "".join(c for c in unicodedata.normalize("NFD", raw.lower()) if not unicodedata.combining(c))
    if len(folded) != 1:
        folded = raw.lower() if len(raw.lower()) == 1 else raw
    return raw, _ARABIC_FOLD.get(folded, folded)


_RAW_TABLE: dict[int, str] = {}
_FOLDED_TABLE: dict[int, str] = {}
_KNOWN: set[str] = set()  # the characters both tables hold
_RAW_CHANGES: set[str] = set()  # the known characters whose raw view is not themselves (rare)


def fold_text(text: str) -> tuple[str, str]:
    """The raw and folded views of `text`, same length (before digit words are replaced).

    Each character maps to one character (or to nothing in both views), so the per-character
    fold is kept in two translation tables, filled as new characters appear, and applied by
    `str.translate` at C speed. The raw view is `text` itself unless the text holds one of the
    few characters it changes (invisible ones, Arabic-Indic digits, compatibility forms).
    """
    if text.isascii():  # nothing invisible, no accents, ASCII digits; `replace` beats `translate` here
        return text, text.lower().replace("@", "a").replace("`", "'")
    chars = set(text)
    for ch in chars.difference(_KNOWN):  # usually empty: the tables already hold every character
        raw, folded = _fold_char(ch)
        _RAW_TABLE[ord(ch)], _FOLDED_TABLE[ord(ch)] = raw, folded
        if raw != ch:
            _RAW_CHANGES.add(ch)
        _KNOWN.add(ch)
    raw_view = text if chars.isdisjoint(_RAW_CHANGES) else text.translate(_RAW_TABLE)
    return raw_view, text.translate(_FOLDED_TABLE)


def prepare(text: str) -> tuple[str, str]:
    """Aligned (raw, folded) views with spelled-out digit runs turned into digits."""
    raw, folded, _cues = prepare_and_find_cues(text)
    return raw, folded


def prepare_and_find_cues(text: str) -> tuple[str, str, list[Match]]:
    """`prepare`, and the context words of the folded view (`Cues.words`), from one pass when no digit is spelled."""
    raw, folded = fold_text(text)
    table = patterns.cues()
    found = table.words.find_all(folded)
    matches = found[patterns.DIGIT_WORDS]
    if not 2 <= len(matches) <= _MAX_DIGIT_WORDS:  # thousands of spelled digits hide no phone number
        return raw, folded, found[patterns.CUE_WORDS]
    runs: list[list[Match]] = [[matches[0]]]
    for match in matches[1:]:
        gap = folded[runs[-1][-1][1]:match[0]]
        if len(gap) <= 3 and _DIGIT_WORD_GAP.match(gap):
            runs[-1].append(match)
        else:
            runs.append([match])
    edits = [(start, end, table.digit_words[word]) for run in runs if len(run) >= 2 for start, end, word in run]
    if not edits:
        return raw, folded, found[patterns.CUE_WORDS]
    raw_parts: list[str] = []
    folded_parts: list[str] = []
    pos = 0
    for start, end, digit in edits:
        raw_parts += [raw[pos:start], digit]
        folded_parts += [folded[pos:start], digit]
        pos = end
    raw_parts.append(raw[pos:])
    folded_parts.append(folded[pos:])
    folded = "".join(folded_parts)
    return "".join(raw_parts), folded, table.words.find(folded, patterns.CUE_WORDS)
