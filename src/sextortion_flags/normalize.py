"""Text normalization that remembers where every character came from.

Rules match the normalized text; evidence quotes are cut from the original text, so every
normalized character keeps the span of original characters it stands for. Each step is a small
pure function; `normalize` chains them. Patterns in rule files go through the same chain, so a
rule author writes "wh@tsapp", "3afak" or "Télégram" and it means what the text means.

Steps, in order:
1. per character: drop invisible and control characters (zero-width, bidi overrides, tatweel),
   emoji that carry meaning become word tokens (`📸` -> ` emo_camera `), NFKC, case folding,
   accent folding (combining marks, which also removes Arabic diacritics), Arabic letter
   variants (alef, ya, ta marbuta), Arabic-Indic digits, typographic apostrophes;
2. elongations: a letter repeated three times or more becomes one ("pleaaase" -> "please");
3. spacing tricks: single letters separated by one repeated separator are joined
   ("t e l e g r a m", "w.h.a.t.s.a.p.p");
4. obfuscated words: leetspeak that decodes to a watched word ("wh@tsapp", "t3l3gram"),
   otherwise arabizi digits inside words (3 -> a, 7 -> h, 9 -> q, 5 -> kh, 2 -> a, 8 -> gh);
5. aliases: abbreviations of apps and a few watched words ("snp" -> "snapchat");
6. a word repeated back to back counts once ("stp stp stp" -> "stp").
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sextortion_flags import lexicon

__all__ = ["Normalized", "normalize", "normalize_term", "fold_char"]

_INVISIBLE = {
    *map(chr, range(0x200B, 0x2010)),  # zero-width space/joiners, LRM, RLM
    *map(chr, range(0x202A, 0x202F)),  # bidi embeddings and overrides
    *map(chr, range(0x2060, 0x2070)),  # word joiner, invisible operators, bidi isolates
    "\ufeff", "\u00ad", "\u0640", "\u180e", "\ufe0e", "\ufe0f", "\u034f",
}
_ARABIC_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ک": "ك", "ی": "ي",
    "ڤ": "ف", "گ": "ك", "ڭ": "ك",
}
_APOSTROPHES = {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "‛": "'", "＇": "'"}
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """Normalize one character; may return "" (dropped) or several characters."""
    if ch in _INVISIBLE:
        return ""
    emoji = lexicon.emoji_tokens().get(ch)
    if emoji is not None:
        return f" {emoji} "
    cat = unicodedata.category(ch)
    if cat == "Cc":
        return " " if ch in "\n\r\t\x0b\x0c" else ""
    if cat in ("Cf", "Cs", "Co", "Cn", "Mn", "Me"):
        return ""
    if ch in _DIGITS:
        return _DIGITS[ch]
    if ch in _APOSTROPHES:
        return "'"
    if ch in _ARABIC_FOLD:
        return _ARABIC_FOLD[ch]
    out = unicodedata.normalize("NFKC", ch).casefold()
    decomposed = unicodedata.normalize("NFD", out)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    out = "".join(_ARABIC_FOLD.get(c, c) for c in out)
    return "ss" if out == "ß" else out


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized text and, per normalized character, the original span it came from.

    `starts`/`ends` are None when the mapping is the identity (plain ASCII text without tricks).
    """

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span [start, end) to the original text's [start, end)."""
        if end <= start:
            raise ValueError("empty span")
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]

    def quote(self, start: int, end: int) -> tuple[str, int, int]:
        s, e = self.original_span(start, end)
        return self.original[s:e], s, e


# ------------------------------------------------------------------ edit machinery


def _apply_edits(
    text: str,
    starts: list[int],
    ends: list[int],
    edits: list[tuple[int, int, str]],
) -> tuple[str, list[int], list[int]]:
    """Replace normalized spans [a, b) by new strings, keeping the original-offset arrays.

    Each replacement character maps to the whole original span of what it replaces.
    Edits must be sorted and non-overlapping.
    """
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    for a, b, repl in edits:
        out.append(text[pos:a])
        new_starts.extend(starts[pos:a])
        new_ends.extend(ends[pos:a])
        if repl and b > a:
            s, e = starts[a], ends[b - 1]
            out.append(repl)
            new_starts.extend([s] * len(repl))
            new_ends.extend([e] * len(repl))
        pos = b
    out.append(text[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return "".join(out), new_starts, new_ends


class _FoldTable(dict):
    """Code point -> folded string for `str.translate`, filled on first sight of each character.

    Characters that do not fold to exactly one character (dropped, or several like an emoji
    token) are remembered in `uneven`: a text without any of them keeps identity offsets.
    """

    def __init__(self) -> None:
        super().__init__()
        self.uneven: set[str] = set()

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        if len(folded) != 1:
            self.uneven.add(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def _fold(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Step 1 in C when every character folds to one (offsets stay the identity: None), else the
    per-character loop."""
    folded = text.translate(_FOLD_TABLE)  # also registers the text's new characters
    if _FOLD_TABLE.uneven.isdisjoint(text):
        return folded, None, None
    return fold_characters(text)


def fold_characters(text: str) -> tuple[str, list[int], list[int]]:
    """Step 1: per-character folding with offsets."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        folded = fold_char(ch)
        if folded:
            out.append(folded)
            starts.extend([i] * len(folded))
            ends.extend([i + 1] * len(folded))
    return "".join(out), starts, ends


_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")


def elongation_edits(text: str) -> list[tuple[int, int, str]]:
    """Step 2: a letter repeated three or more times is kept once."""
    return [(m.start(), m.end(), m.group(1)) for m in _ELONGATION.finditer(text)]


_SPACED = re.compile(r"(?<![^\W\d_])([^\W\d_])([ .\-_*/|+]{1,2})(?:[^\W\d_]\2){2,}[^\W\d_](?![^\W\d_])")


def spacing_edits(text: str) -> list[tuple[int, int, str]]:
    """Step 3: "t e l e g r a m" -> "telegram" (four letters or more, one separator)."""
    edits = []
    for m in _SPACED.finditer(text):
        letters = m.group(0).replace(m.group(2), "")
        if len(letters) >= 4 and all(len(part) == 1 for part in m.group(0).split(m.group(2))):
            edits.append((m.start(), m.end(), letters))
    return edits


_CHUNK = re.compile(r"[\w@$!|€]+")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "@": "a", "$": "s", "!": "i", "|": "i", "€": "e"})
_ARABIZI = {"2": "a", "3": "a", "5": "kh", "7": "h", "8": "gh", "9": "q"}
MAX_ARABIZI_WORD = 14
_NUMBER_WITH_UNIT = re.compile(
    r"^\d+(?:[.,]\d+)?(?:h|hr|hrs|min|mn|s|sec|j|jr|jrs|jours?|d|days?|ans?|am|yo|y|yrs?|years?|"
    r"dh|dhs|mad|eur|euros?|e|k|m|usd|usdt|btc|gb|mb|go|mo|er|re|e|eme|em|nd|rd|th|st|x|pm|am)$"
)


_OBFUSCATION_CHARS = re.compile(r"[0-9@$!|€]")


def obfuscation_edits(text: str) -> list[tuple[int, int, str]]:
    """Step 4: decode leetspeak into watched words, else arabizi digits inside words."""
    if _OBFUSCATION_CHARS.search(text) is None:  # most messages: nothing to decode
        return []
    watched = lexicon.watched_words()
    aliases = lexicon.aliases()
    edits = []
    for m in _CHUNK.finditer(text):
        token = m.group(0)
        if token.isalpha() or token.isdigit() or not any(c.isalpha() for c in token) or token in aliases:
            continue
        if not any(c in "0123456789@$!|€" for c in token):
            continue
        decoded = _ELONGATION.sub(r"\1", token.translate(_LEET))
        if decoded in watched:
            edits.append((m.start(), m.end(), decoded))
            continue
        stripped = token.strip("@$!|€")
        if stripped != token:  # "@user", "100$" : punctuation around a word, not obfuscation
            continue
        if _NUMBER_WITH_UNIT.match(token) or re.search(r"\d{2,}", token):
            continue
        if len(token) > MAX_ARABIZI_WORD or sum(c.isdigit() for c in token) > 3:
            continue  # codes, wallet addresses, references: not words
        if any(c in _ARABIZI for c in token) and token.isalnum():
            # decoding can create a new elongation ("l3a2ila" -> "laaaila"): fold it like step 2
            decoded = _ELONGATION.sub(r"\1", "".join(_ARABIZI.get(c, c) for c in token))
            edits.append((m.start(), m.end(), decoded))
    return edits


_WORD = re.compile(r"\w+")


_ARABIC_CLITICS = ("وبال", "وفال", "وال", "بال", "فال", "عال", "لل", "ال", "و", "ب", "ف", "ل", "ك")


_LATIN_CLITICS = ("fel", "bel", "del", "fl", "bl", "dl", "l", "f", "b")  # Darija: "lvideo", "fsnap"


def _alias_of(word: str, aliases: dict[str, str]) -> str | None:
    found = aliases.get(word)
    if found is not None:
        return found
    clitics = _ARABIC_CLITICS if "\u0600" <= word[0] <= "\u06ff" else _LATIN_CLITICS
    if clitics is _ARABIC_CLITICS or word.isascii():  # Arabic "للواتساب", Darija "fsnap"
        for clitic in clitics:
            rest = word[len(clitic):]
            if word.startswith(clitic) and len(rest) >= 3 and aliases.get(rest) is not None:
                return aliases[rest]
    return None


@lru_cache(maxsize=1)
def _alias_words() -> dict[str, str]:
    """Every word that normalizes to an alias: the variants themselves and their clitic forms
    ("fsnap", "للواتساب"), computed once, so a message costs one set test."""
    table = lexicon.aliases()
    candidates = set(table)
    for key in table:
        if len(key) >= 3:
            candidates.update(clitic + key for clitic in (*_ARABIC_CLITICS, *_LATIN_CLITICS))
    found = {word: _alias_of(word, table) for word in candidates}
    return {word: canonical for word, canonical in found.items() if canonical is not None}


def alias_edits(text: str) -> list[tuple[int, int, str]]:
    """Step 5: app abbreviations and spelling variants to one canonical word."""
    table = _alias_words()
    if table.keys().isdisjoint(_WORD.findall(text)):
        return []
    edits = []
    for m in _WORD.finditer(text):
        canonical = table.get(m.group(0))
        if canonical is not None:
            edits.append((m.start(), m.end(), canonical))
    return edits


_REPEATED_WORD = re.compile(r"(?<!\w)(\w+)\s+\1(?!\w)")


def repetition_edits(text: str) -> list[tuple[int, int, str]]:
    """Step 6: "stp stp stp" -> "stp" (drops the repeats and the space before them)."""
    if _REPEATED_WORD.search(text) is None:
        return []
    edits = []
    previous = None
    prev_end = 0
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word == previous and text[prev_end:m.start()].strip() == "":
            edits.append((prev_end, m.end(), ""))
        else:
            previous = word
        prev_end = m.end()
    return edits


_STEPS = (elongation_edits, spacing_edits, obfuscation_edits, alias_edits, repetition_edits)


def normalize(text: str, *, aliases: bool = True) -> Normalized:
    """Normalize `text` for matching; see the module docstring for the steps.

    `aliases=False` skips step 5, for prefixes in rule patterns ("snap*" must stay "snap").
    """
    if text.isascii() and text.isprintable():
        norm = text.lower()
        starts: list[int] | None = None
        ends: list[int] | None = None
    else:
        norm, starts, ends = _fold(text)
    for step in _STEPS:
        if step is alias_edits and not aliases:
            continue
        edits = step(norm)
        if edits:
            if starts is None or ends is None:
                starts = list(range(len(text)))
                ends = list(range(1, len(text) + 1))
            norm, starts, ends = _apply_edits(norm, starts, ends, edits)
    if starts is None or ends is None:
        return Normalized(text, norm)
    return Normalized(text, norm, tuple(starts), tuple(ends))


@lru_cache(maxsize=16384)
def normalize_term(term: str, *, aliases: bool = True) -> str:
    """Normalize a rule literal the same way as message text (whitespace squeezed)."""
    return " ".join(normalize(term, aliases=aliases).text.split())


def _main(argv: list[str]) -> int:
    """`python -m sextortion_flags.normalize "text"` shows what the rules see."""
    for text in argv or [sys.stdin.read()]:
        print(normalize(text).text)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
