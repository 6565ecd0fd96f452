"""The phrase-pattern language of rule files, and the matcher that runs it.

A pattern is a sequence of slots separated by spaces, matched against the words of the
normalized text (`\\w+` runs):

    envoie|envoi|envoyer ?moi ~3 photo*|nudes

- `a|b|c`     one word among the alternatives;
- `word*`     a word starting with `word`; `*word` a word ending with `word`;
- `a+b`       an alternative of several consecutive words ("carte+cadeau|giftcard");
- `?slot`     an optional slot;
- `~N`        up to N words of anything before the next slot.

Literals go through `normalize_term`, so "Wh@tsapp", "caméra" and "3afak" are written as
people write them. Normalization counts a word repeated back to back once ("stp stp" ->
"stp"), so never write the same word twice in a row in a pattern.

Compilation indexes every pattern by the words its first slot can match,
so a message costs one dictionary look-up per word plus work on the rare candidates: the
speed does not depend on how many rules there are (a spaCy `PhraseMatcher`-like design, kept
here because slots, gaps and prefixes over *normalized* words are what rules need).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sextortion_flags.normalize import normalize_term

WORD = re.compile(r"\w+")
_GAP = re.compile(r"^~(\d{1,2})$")
_MAX_GAP = 12


class PatternError(ValueError):
    """A pattern string that does not compile; the message says which part and why."""


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # "exact" | "prefix" | "suffix"
    value: str

    def test(self, word: str) -> bool:
        if self.kind == "exact":
            return word == self.value
        if self.kind == "prefix":
            return word.startswith(self.value)
        return word.endswith(self.value)


@dataclass(frozen=True, slots=True)
class Slot:
    alternatives: tuple[tuple[Term, ...], ...]
    optional: bool = False
    gap_before: int = 0
    exact: frozenset[str] = frozenset()  # single exact words: one set look-up
    by_first: dict[str, tuple[tuple[Term, ...], ...]] = field(default_factory=dict)  # "carte+cadeau" by "carte"
    affixes: tuple[tuple[Term, ...], ...] = ()  # alternatives starting with a prefix or suffix: tested one by one

    @classmethod
    def build(cls, alternatives: tuple[tuple[Term, ...], ...], optional: bool, gap_before: int) -> Slot:
        exact = frozenset(a[0].value for a in alternatives if len(a) == 1 and a[0].kind == "exact")
        by_first: dict[str, list[tuple[Term, ...]]] = {}
        affixes = []
        for alternative in alternatives:
            if alternative[0].kind != "exact":
                affixes.append(alternative)
            elif len(alternative) > 1:
                by_first.setdefault(alternative[0].value, []).append(alternative)
        return cls(alternatives, optional, gap_before, exact, {k: tuple(v) for k, v in by_first.items()},
                   tuple(affixes))

    def candidates(self, word: str) -> tuple[tuple[Term, ...], ...]:
        """Alternatives of more than one plain word that can start at `word`, then the affixed ones."""
        return self.by_first.get(word, ()) + self.affixes


@dataclass(frozen=True, slots=True)
class Pattern:
    key: object  # what the match belongs to (a rule or a cue)
    source: str
    slots: tuple[Slot, ...]


def _compile_term(raw: str, where: str) -> tuple[Term, ...]:
    words = [w for w in raw.split("+") if w]
    if not words:
        raise PatternError(f"{where}: empty alternative")
    terms = []
    for word in words:
        kind = "exact"
        if word.endswith("*") and len(word) > 1:
            kind, word = "prefix", word[:-1]
        elif word.startswith("*") and len(word) > 1:
            kind, word = "suffix", word[1:]
        if "*" in word:
            raise PatternError(f"{where}: '*' only at the start or end of a word, got {raw!r}")
        norm = normalize_term(word, aliases=kind == "exact")
        parts = WORD.findall(norm)
        if len(parts) != 1 or (kind == "exact" and parts[0] != norm):
            if kind == "exact" and len(parts) > 1:
                terms.extend(Term("exact", p) for p in parts)
                continue
            raise PatternError(
                f"{where}: {word!r} normalizes to {norm!r}, which is not one word; join words with '+'"
            )
        if kind != "exact" and len(parts[0]) < 2:
            raise PatternError(f"{where}: prefix/suffix {word!r} is too short (two letters at least)")
        terms.append(Term(kind, parts[0]))
    return tuple(terms)


def compile_pattern(source: str, key: object) -> Pattern:
    """Compile one pattern string; raises PatternError naming the bad part."""
    slots: list[Slot] = []
    gap = 0
    for element in source.split():
        gap_match = _GAP.match(element)
        if gap_match:
            if not slots:
                raise PatternError(f"pattern {source!r} cannot start with a gap")
            gap = int(gap_match.group(1))
            if gap > _MAX_GAP:
                raise PatternError(f"pattern {source!r}: gap ~{gap} is larger than ~{_MAX_GAP}")
            continue
        optional = element.startswith("?")
        body = element[1:] if optional else element
        if optional and not slots:
            raise PatternError(f"pattern {source!r} cannot start with an optional slot")
        alternatives = tuple(_compile_term(alt, f"pattern {source!r}") for alt in body.split("|") if alt)
        if not alternatives:
            raise PatternError(f"pattern {source!r}: empty slot {element!r}")
        slots.append(Slot.build(alternatives, optional, gap))
        gap = 0
    if not slots:
        raise PatternError("empty pattern")
    if gap:
        raise PatternError(f"pattern {source!r} cannot end with a gap")
    return Pattern(key, source, tuple(slots))


@dataclass(slots=True)
class Match:
    key: object
    pattern: str
    start_word: int
    end_word: int  # exclusive


@dataclass
class PhraseMatcher:
    """Finds every pattern in a list of words; one index for all patterns."""

    _exact: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    _prefix: dict[tuple[int, str], list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    _suffix: dict[tuple[int, str], list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    _prefix_lengths: set[int] = field(default_factory=set)
    _suffix_lengths: set[int] = field(default_factory=set)
    size: int = 0

    def add(self, pattern: Pattern) -> None:
        for alternative in pattern.slots[0].alternatives:
            first = alternative[0]
            if first.kind == "exact":
                self._exact[first.value].append(pattern)
            elif first.kind == "prefix":
                self._prefix[(len(first.value), first.value)].append(pattern)
                self._prefix_lengths.add(len(first.value))
            else:
                self._suffix[(len(first.value), first.value)].append(pattern)
                self._suffix_lengths.add(len(first.value))
        self.size += 1

    def _candidates(self, word: str) -> list[Pattern]:
        found = list(self._exact.get(word, ()))
        for n in self._prefix_lengths:
            if len(word) >= n:
                found.extend(self._prefix.get((n, word[:n]), ()))
        for n in self._suffix_lengths:
            if len(word) >= n:
                found.extend(self._suffix.get((n, word[-n:]), ()))
        return found

    def find(self, words: list[str]) -> list[Match]:
        matches: list[Match] = []
        seen: set[tuple[int, int]] = set()
        for i, word in enumerate(words):
            for pattern in self._candidates(word):
                end = _match_slots(pattern.slots, 0, words, i, first=True)
                if end is not None and (id(pattern), i) not in seen:
                    seen.add((id(pattern), i))
                    matches.append(Match(pattern.key, pattern.source, i, end))
        return matches


def _match_alternative(alternative: tuple[Term, ...], words: list[str], pos: int) -> int | None:
    if pos + len(alternative) > len(words):
        return None
    for k, term in enumerate(alternative):
        if not term.test(words[pos + k]):
            return None
    return pos + len(alternative)


def _match_slots(slots: tuple[Slot, ...], k: int, words: list[str], pos: int, first: bool = False) -> int | None:
    """End word index of the shortest match of slots[k:] starting at `pos`, or None."""
    if k == len(slots):
        return pos
    slot = slots[k]
    gap = 0 if first else slot.gap_before
    n = len(words)
    for start in range(pos, min(pos + gap, n) + 1):
        if start < n and words[start] in slot.exact:
            rest = _match_slots(slots, k + 1, words, start + 1)
            if rest is not None:
                return rest
        for alternative in (slot.candidates(words[start]) if start < n else ()):
            end = _match_alternative(alternative, words, start)
            if end is not None:
                rest = _match_slots(slots, k + 1, words, end)
                if rest is not None:
                    return rest
    if slot.optional:
        return _match_slots(slots, k + 1, words, pos)
    return None
