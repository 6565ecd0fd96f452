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

Steps 2, 4 and 5 stay inside one run of word characters, so `normalize` takes their result per
chunk from a bounded cache and runs the whole chain only when spaced-out letters may be present
(see "per-chunk fast path" below; `_slow_normalize` is the reference the tests compare with).
"""

from __future__ import annotations

import operator
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


_UNEVEN = "\uffff"  # a noncharacter: `fold_char` drops it, so no character folds to it


class _FoldTable(dict):
    """Code point -> folded character for `str.translate`, filled on first sight of each character.

    Characters that do not fold to exactly one character (dropped, or several like an emoji
    token) translate to `_UNEVEN`: a text without it in its translation keeps identity offsets.
    """

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        if len(folded) != 1:
            folded = _UNEVEN
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def _fold(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Step 1, `fold_char` on every character, with offsets: in C when every character folds to one
    (offsets stay the identity: None); otherwise only the uneven characters are handled one by one."""
    folded = text.translate(_FOLD_TABLE)
    if _UNEVEN not in folded:
        return folded, None, None
    # The translation has one character per character of the text, the uneven ones marked: copy
    # the runs between marks with identity offsets and fold each marked character on its own.
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    runs = folded.split(_UNEVEN)
    for k, run in enumerate(runs):
        if run:
            out.append(run)
            starts.extend(range(pos, pos + len(run)))
            ends.extend(range(pos + 1, pos + len(run) + 1))
            pos += len(run)
        if k < len(runs) - 1:  # the uneven character at `pos`
            replacement = fold_char(text[pos])
            if replacement:
                out.append(replacement)
                starts.extend([pos] * len(replacement))
                ends.extend([pos + 1] * len(replacement))
            pos += 1
    return "".join(out), starts, ends


def fold_characters(text: str) -> tuple[str, list[int], list[int]]:
    """Step 1 with the offsets always listed (identity ones included)."""
    folded, starts, ends = _fold(text)
    if starts is None or ends is None:
        return folded, list(range(len(text))), list(range(1, len(text) + 1))
    return folded, starts, ends


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
_CHUNK_STEPS = (elongation_edits, obfuscation_edits, alias_edits)


def _edit_chain(
    norm: str,
    starts: list[int] | None,
    ends: list[int] | None,
    steps: tuple,
) -> tuple[str, list[int] | None, list[int] | None]:
    """Run edit steps one after the other over the whole text; the reference for the fast path."""
    for step in steps:
        edits = step(norm)
        if edits:
            if starts is None or ends is None:
                starts = list(range(len(norm)))
                ends = list(range(1, len(norm) + 1))
            norm, starts, ends = _apply_edits(norm, starts, ends, edits)
    return norm, starts, ends


# ------------------------------------------------------------------ per-chunk fast path
#
# Steps 2, 4 and 5 never look beyond one chunk (a maximal run of `[\w@$!|€]`): an elongation is a
# run of one letter, obfuscation decodes one chunk, an alias replaces one `\w+` word, and none of
# them changes which characters are chunk characters (letters stay letters, a decoded chunk and an
# alias are word characters). Gaps between chunks are left alone. So when step 3 has nothing to
# do, the text after step 5 is the gaps plus each chunk run through steps 2, 4, 5 on its own, and
# that result is remembered per chunk (words repeat). Offsets compose: every step maps a new
# character to `starts[a]`/`ends[b - 1]` of the previous arrays, so a chunk's own offsets (counted
# from 0) index into the offsets the chunk starts with. Step 6 then runs on that text as usual.
#
# Step 3 (spacing) needs four letters standing alone, between equal separators of one or two
# characters from ` .-_*/|+`. If the separator holds `_` or `|` (chunk characters), a chunk has a
# lone letter beside one; else the second and third letters are whole chunks of one letter (after
# step 2) next to each other. Only then is step 3 run (on the text after step 2), and if it edits
# anything the whole chain runs instead. Step 6 needs two equal words with only white space
# between: the last word of a chunk's result and the first word of the next one's.

_CHUNK_SPLIT = re.compile(r"([\w@$!|€]+)")  # `_CHUNK`, kept by `split`: gap, chunk, gap, ..., chunk, gap
_LETTER = re.compile(r"[^\W\d_]")
_LONE_LETTER_BY_SEPARATOR = re.compile(r"(?<![^\W\d_])[^\W\d_][_|]|[_|][^\W\d_](?![^\W\d_])")
_CHUNK_CACHE_SIZE = 50_000  # distinct chunks remembered per table before it starts over
_CHUNK_CACHE_MAX_CHARS = 64  # longer chunks are worked out each time, never kept


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: `None in entries` stays in C
class _Chunk:
    """What steps 2, 4 and 5 make of one chunk, and what steps 3 and 6 need to know about it."""

    text: str
    starts: tuple[int, ...] | None  # offsets counted from the chunk's start; None: unchanged
    ends: tuple[int, ...] | None
    head: str  # first word of `text` when `text` starts with a word, else ""
    tail: str | None  # last word of `text` when `text` ends with a word, else None (never a head)
    letter: bool  # one letter after step 2: maybe part of a spaced-out word
    separated: bool  # a lone letter beside `_` or `|` after step 2: maybe a spaced-out word inside

    @classmethod
    def of(cls, chunk: str, aliases: bool) -> _Chunk:
        if chunk.isalpha() and _ELONGATION.search(chunk) is None and not (aliases and chunk in _alias_words()):
            # most words: letters only (no obfuscation), no elongation, no alias: nothing to do
            return cls(chunk, None, None, chunk, chunk, len(chunk) == 1, False)
        steps = _CHUNK_STEPS if aliases else _CHUNK_STEPS[:2]
        text, starts, ends = _edit_chain(chunk, None, None, steps)
        words = _WORD.findall(text)
        elongated = _ELONGATION.sub(r"\1", chunk)
        return cls(
            text,
            None if starts is None else tuple(starts),
            None if ends is None else tuple(ends),
            words[0] if words and text.startswith(words[0]) else "",
            words[-1] if words and text.endswith(words[-1]) else None,
            _LETTER.fullmatch(elongated) is not None,
            _LONE_LETTER_BY_SEPARATOR.search(elongated) is not None,
        )


_CHUNKS: tuple[dict[str, _Chunk], dict[str, _Chunk]] = ({}, {})  # indexed by `aliases`
_PLAIN: tuple[set[str], set[str]] = (set(), set())  # one word kept as it is, no lone letter by `_`/`|`


_GAPS_TO_SPACE = {code: " " for code in range(128) if not _CHUNK.match(chr(code))}
_SEPARATORS = " .-*/+"  # the separators of step 3 that are not chunk characters
_LETTER_OF = operator.attrgetter("letter")
_SEPARATED_OF = operator.attrgetter("separated")
_HEAD_OF = operator.attrgetter("head")
_TAIL_OF = operator.attrgetter("tail")


def _maybe_spaced(parts: list[str], letters: list[bool]) -> bool:
    """Two one-letter chunks in a row, one or two separators of step 3 between them (`parts` from
    `_CHUNK_SPLIT.split`, `letters[k]` true when its chunk k may be one letter)."""
    for k in range(len(letters) - 1):
        if letters[k] and letters[k + 1]:
            gap = parts[2 * k + 2]
            if len(gap) <= 2 and not gap.strip(_SEPARATORS):
                return True
    return False


def _chunks_of(chunks: list[str], aliases: bool) -> list[_Chunk]:
    table = _CHUNKS[aliases]
    found = list(map(table.get, chunks))
    if None not in found:
        return found
    for k, entry in enumerate(found):
        if entry is None:
            if len(table) >= _CHUNK_CACHE_SIZE:
                table.clear()
                _PLAIN[aliases].clear()
            entry = found[k] = _Chunk.of(chunks[k], aliases)
            if len(chunks[k]) > _CHUNK_CACHE_MAX_CHARS:  # codes, addresses, floods: rarely seen twice
                continue
            table[chunks[k]] = entry
            if entry.starts is None and entry.head == chunks[k] and not entry.separated:
                _PLAIN[aliases].add(chunks[k])
    return found


def _chunk_chain(
    norm: str,
    starts: list[int] | None,
    ends: list[int] | None,
    aliases: bool,
) -> tuple[str, list[int] | None, list[int] | None] | None:
    """Steps 2-6 from remembered chunk results; None when step 3 edits (run the whole chain)."""
    parts = None  # `_CHUNK_SPLIT.split(norm)`, made when needed
    if norm.isascii():  # `str.translate` then `str.split` find the chunks faster than a regex
        chunks = norm.translate(_GAPS_TO_SPACE).split()
    else:
        parts = _CHUNK_SPLIT.split(norm)
        chunks = parts[1::2]
    if _PLAIN[aliases].issuperset(chunks):  # most texts: steps 2, 4, 5 keep every chunk
        lengths = list(map(len, chunks))
        if (1, 1) in zip(lengths, lengths[1:], strict=False):  # two one-character chunks in a row
            parts = _CHUNK_SPLIT.split(norm) if parts is None else parts
            if _maybe_spaced(parts, [n == 1 for n in lengths]) and spacing_edits(norm):
                return None
        if True in map(operator.eq, chunks, chunks[1:]):
            return _edit_chain(norm, starts, ends, (repetition_edits,))
        return norm, starts, ends
    entries = _chunks_of(chunks, aliases)
    maybe_spaced = repeated = False
    changed = []
    letter, tail = False, None
    for k, entry in enumerate(entries):  # one pass: cheaper than one `map` per question
        if entry.letter and letter or entry.separated:
            maybe_spaced = True
        if entry.head == tail:
            repeated = True
        if entry.starts is not None:
            changed.append(k)
        letter, tail = entry.letter, entry.tail
    if maybe_spaced:
        parts = _CHUNK_SPLIT.split(norm) if parts is None else parts
        letters = list(map(_LETTER_OF, entries))
        if (True in map(_SEPARATED_OF, entries) or _maybe_spaced(parts, letters)) and spacing_edits(
            _ELONGATION.sub(r"\1", norm)
        ):
            return None
    if changed:
        parts = _CHUNK_SPLIT.split(norm) if parts is None else parts
        norm, starts, ends = _join_chunks(norm, parts, entries, changed, starts, ends)
    if repeated:
        return _edit_chain(norm, starts, ends, (repetition_edits,))
    return norm, starts, ends


def _join_chunks(
    norm: str,
    parts: list[str],
    entries: list[_Chunk],
    changed: list[int],
    starts: list[int] | None,
    ends: list[int] | None,
) -> tuple[str, list[int], list[int]]:
    """The text with each changed chunk (indexes `changed`) replaced by its result, offsets composed
    through the chunk's own."""
    spans = []
    pos = done = 0  # `pos` is where `parts[done]` starts
    for k in changed:
        begin = pos + sum(map(len, parts[done:2 * k + 1]))
        pos, done = begin + len(parts[2 * k + 1]), 2 * k + 2
        spans.append((begin, pos, entries[k]))
    out: list[str] = []
    copied = 0
    for begin, end, edit in spans:
        out.append(norm[copied:begin])
        out.append(edit.text)
        copied = end
    out.append(norm[copied:])
    new_starts = list(range(len(norm))) if starts is None else list(starts)
    new_ends = list(range(1, len(norm) + 1)) if ends is None else list(ends)
    for begin, end, edit in reversed(spans):  # from the end, so the positions before each chunk still hold
        new_starts[begin:end] = map(new_starts.__getitem__, map(begin.__add__, edit.starts))  # type: ignore[arg-type]
        new_ends[begin:end] = map(new_ends.__getitem__, map((begin - 1).__add__, edit.ends))  # type: ignore[arg-type]
    return "".join(out), new_starts, new_ends


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
    result = _chunk_chain(norm, starts, ends, aliases)
    if result is None:
        steps = _STEPS if aliases else tuple(step for step in _STEPS if step is not alias_edits)
        result = _edit_chain(norm, starts, ends, steps)
    norm, starts, ends = result
    if starts is None or ends is None:
        return Normalized(text, norm)
    return Normalized(text, norm, tuple(starts), tuple(ends))


def _slow_normalize(text: str, *, aliases: bool = True) -> Normalized:
    """The reference: every step over the whole text (tests check the fast path against it)."""
    if text.isascii() and text.isprintable():
        norm, starts, ends = text.lower(), None, None
    else:
        norm, starts, ends = _fold(text)
    steps = _STEPS if aliases else tuple(step for step in _STEPS if step is not alias_edits)
    norm, starts, ends = _edit_chain(norm, starts, ends, steps)
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
