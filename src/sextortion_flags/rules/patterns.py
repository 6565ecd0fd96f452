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

Compilation indexes every pattern by the rarest of its required slots (its anchor), so a
message costs a few cached look-ups per word plus work on the rare patterns it wakes: the
speed hardly depends on how many rules there are (a spaCy `PhraseMatcher`-like design, kept
here because slots, gaps and prefixes over *normalized* words are what rules need).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from sextortion_flags.caching import FillingCache
from sextortion_flags.normalize import normalize_term

WORD = re.compile(r"\w+")
_GAP = re.compile(r"^~(\d{1,2})$")
_MAX_GAP = 12


class PatternError(ValueError):
    """A pattern string that does not compile; the message says which part and why."""


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # "exact" | "prefix" | "suffix" (matched through _TermTable)
    value: str


@dataclass(frozen=True, slots=True)
class Slot:
    alternatives: tuple[tuple[Term, ...], ...]
    optional: bool = False
    gap_before: int = 0


@dataclass(frozen=True, slots=True)
class Pattern:
    key: object  # what the match belongs to (a rule or a cue)
    source: str
    slots: tuple[Slot, ...]


def _compile_term(raw: str, where: str) -> tuple[Term, ...]:
    try:
        return _compile_alternative(raw)
    except PatternError as exc:
        raise PatternError(f"{where}: {exc}") from None


@cache
def _compile_alternative(raw: str) -> tuple[Term, ...]:
    """One alternative ("carte+cadeau", "photo*"); the same alternatives recur across thousands of
    patterns, so each is compiled once."""
    words = [w for w in raw.split("+") if w]
    if not words:
        raise PatternError("empty alternative")
    terms = []
    for word in words:
        kind = "exact"
        if word.endswith("*") and len(word) > 1:
            kind, word = "prefix", word[:-1]
        elif word.startswith("*") and len(word) > 1:
            kind, word = "suffix", word[1:]
        if "*" in word:
            raise PatternError(f"'*' only at the start or end of a word, got {raw!r}")
        norm = normalize_term(word, aliases=kind == "exact")
        parts = WORD.findall(norm)
        if len(parts) != 1 or (kind == "exact" and parts[0] != norm):
            if kind == "exact" and len(parts) > 1:
                terms.extend(Term("exact", p) for p in parts)
                continue
            raise PatternError(
                f"{word!r} normalizes to {norm!r}, which is not one word; join words with '+'"
            )
        if kind != "exact" and len(parts[0]) < 2:
            raise PatternError(f"prefix/suffix {word!r} is too short (two letters at least)")
        terms.append(Term(kind, parts[0]))
    return tuple(terms)


@cache
def compile_regex(source: str) -> re.Pattern[str]:
    """re.compile, kept: rule files hold more regexes than `re`'s own cache (512), and the loader's
    validation and the engine compile the same ones."""
    return re.compile(source)


def compile_pattern(source: str, key: object) -> Pattern:
    """Compile one pattern string; raises PatternError naming the bad part."""
    return Pattern(key, source, _compile_slots(source))


@cache
def _compile_slots(source: str) -> tuple[Slot, ...]:
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
        slots.append(Slot(alternatives, optional, gap))
        gap = 0
    if not slots:
        raise PatternError("empty pattern")
    if gap:
        raise PatternError(f"pattern {source!r} cannot end with a gap")
    return tuple(slots)


@dataclass(slots=True)
class Match:
    key: object
    pattern: str
    start_word: int
    end_word: int  # exclusive


class _TermTable:
    """Every distinct term of every pattern, numbered; a word maps to the set of term ids it satisfies.

    A message's words are looked up once (and cached across messages: chat vocabulary repeats),
    after which testing a slot is a set intersection, whatever its number of alternatives.
    """

    _CACHE_LIMIT = 200_000

    def __init__(self) -> None:
        self.ids: dict[Term, int] = {}
        self._exact: dict[str, set[int]] = defaultdict(set)
        self._prefix: dict[str, set[int]] = defaultdict(set)
        self._suffix: dict[str, set[int]] = defaultdict(set)
        self._prefix_lengths: list[int] = []
        self._suffix_lengths: list[int] = []
        # every beginning of a prefix term and every ending of a suffix term: a word whose first
        # (last) k letters are none of them can match no longer prefix (suffix) either
        self._prefix_stems: set[str] = set()
        self._suffix_stems: set[str] = set()
        self._cache = FillingCache(self._lookup, self._CACHE_LIMIT)

    def id_of(self, term: Term) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.ids)
            table = {"exact": self._exact, "prefix": self._prefix, "suffix": self._suffix}[term.kind]
            table[term.value].add(found)
            lengths = self._prefix_lengths if term.kind == "prefix" else self._suffix_lengths
            if term.kind != "exact" and len(term.value) not in lengths:
                lengths.append(len(term.value))
                lengths.sort()
            if term.kind == "prefix":
                self._prefix_stems.update(term.value[:k] for k in range(1, len(term.value) + 1))
            elif term.kind == "suffix":
                self._suffix_stems.update(term.value[-k:] for k in range(1, len(term.value) + 1))
            self._cache.clear()
        return found

    def of_all(self, words: Sequence[str]) -> list[tuple[int, ...]]:
        """Term ids of each word (dictionary look-ups mapped in C; new words computed once)."""
        return list(map(self._cache.__getitem__, words))

    def _lookup(self, word: str) -> tuple[int, ...]:
        ids = set(self._exact.get(word, ()))
        n = len(word)
        for length in self._prefix_lengths:
            head = word[:length]
            if length > n or head not in self._prefix_stems:
                break
            ids.update(self._prefix.get(head, ()))
        for length in self._suffix_lengths:
            tail = word[-length:]
            if length > n or tail not in self._suffix_stems:
                break
            ids.update(self._suffix.get(tail, ()))
        # a tuple (most words: the shared empty one): tuples of ints leave the garbage collector's
        # lists, and the cache holds a word per distinct chat word
        return tuple(sorted(ids)) if ids else ()


@dataclass(frozen=True, slots=True)
class _CompiledSlot:
    single: frozenset[int]  # one-word alternatives
    multi: dict[int, tuple[tuple[int, ...], ...]]  # several-word alternatives, by their first term id
    optional: bool
    gap_before: int


@dataclass(frozen=True, slots=True)
class _Entry:
    pattern: Pattern
    slots: tuple[_CompiledSlot, ...]
    first: frozenset[int]  # term ids that can start the first slot
    gates: tuple[frozenset[int], ...]  # per other required slot: one of these ids must be in the message


class _Rarity:
    """How many corpus messages a term would match (`lexicon.word_frequencies`), plus one: the
    matcher's measure of how often a slot wakes up. Prefixes and suffixes add up every word
    they cover."""

    def __init__(self) -> None:
        from sextortion_flags.lexicon import word_frequencies

        self.counts = word_frequencies()
        self.words = sorted(self.counts)
        self.reversed = sorted(word[::-1] for word in self.counts)
        self._memo: dict[Term, int] = {}

    def __call__(self, term: Term) -> int:
        found = self._memo.get(term)
        if found is None:
            if term.kind == "exact":
                found = self.counts.get(term.value, 0)
            elif term.kind == "prefix":
                found = sum(self.counts[w] for w in _with_prefix(self.words, term.value))
            else:
                found = sum(self.counts[w[::-1]] for w in _with_prefix(self.reversed, term.value[::-1]))
            found = self._memo[term] = found + 1
        return found


@cache
def _rarity() -> _Rarity:
    return _Rarity()


def _with_prefix(ordered: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(ordered, prefix)
    end = bisect.bisect_left(ordered, prefix + "\U0010ffff")
    return ordered[start:end]


@dataclass
class PhraseMatcher:
    """Finds every pattern in a list of words; one index for all patterns.

    Each pattern is indexed under its *anchor*: the required slot least likely to occur in a
    message (by corpus word frequencies: "je" and "photo" are frequent, "whatsapp" less so),
    through the rarest word of each of its alternatives; its other required slots are tested
    rarest first. A message only wakes the patterns whose anchor it
    contains; their other required slots are then tested as set intersections, and only the
    survivors are matched slot by slot from each word that can start them.
    """

    _terms: _TermTable = field(default_factory=_TermTable)
    _rarity: _Rarity = field(default_factory=lambda: _rarity())
    _entries: list[_Entry] = field(default_factory=list)
    _by_anchor: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _anchors: set[int] = field(default_factory=set)
    size: int = 0

    def add(self, pattern: Pattern) -> None:
        rarity = self._rarity
        slots = tuple(self._compile_slot(slot) for slot in pattern.slots)
        required = [k for k, slot in enumerate(pattern.slots) if k == 0 or not slot.optional]
        gates: dict[int, frozenset[int]] = {}
        costs: dict[int, int] = {}
        for k in required:
            rarest = [min(alternative, key=rarity) for alternative in pattern.slots[k].alternatives]
            gates[k] = frozenset(self._terms.id_of(term) for term in rarest)
            costs[k] = sum(map(rarity, rarest))
        by_rarity = sorted(required, key=lambda k: (costs[k], k))
        anchor = by_rarity[0]
        first = slots[0].single | frozenset(slots[0].multi)
        index = len(self._entries)
        self._entries.append(_Entry(pattern, slots, first, tuple(gates[k] for k in by_rarity[1:])))
        for term_id in gates[anchor]:
            self._by_anchor[term_id].append(index)
            self._anchors.add(term_id)
        self.size += 1

    def _compile_slot(self, slot: Slot) -> _CompiledSlot:
        single, multi = set(), defaultdict(list)
        for alternative in slot.alternatives:
            ids = tuple(self._terms.id_of(term) for term in alternative)
            if len(ids) == 1:
                single.add(ids[0])
            else:
                multi[ids[0]].append(ids)
        return _CompiledSlot(frozenset(single), {k: tuple(v) for k, v in multi.items()}, slot.optional,
                             slot.gap_before)

    def find(self, words: Sequence[str]) -> list[Match]:
        termsets = self._terms.of_all(words)
        present: set[int] = set().union(*termsets)
        anchors = present & self._anchors
        if not anchors:
            return []
        woken: set[int] = set().union(*map(self._by_anchor.__getitem__, anchors))
        entries = self._entries
        matches: list[Match] = []
        for index in sorted(woken):
            entry = entries[index]
            for gate in entry.gates:
                if present.isdisjoint(gate):
                    break
            else:
                starters = entry.first.intersection(present)
                if not starters:
                    continue
                for i, ids in enumerate(termsets):
                    if not starters.isdisjoint(ids):
                        end = _match_slots(entry.slots, 0, termsets, i, first=True)
                        if end is not None:
                            matches.append(Match(entry.pattern.key, entry.pattern.source, i, end))
        matches.sort(key=lambda m: m.start_word)
        return matches


def _match_slots(slots: tuple[_CompiledSlot, ...], k: int, termsets: list[tuple[int, ...]], pos: int,
                 first: bool = False) -> int | None:
    """End word index of the shortest match of slots[k:] starting at `pos`, or None."""
    if k == len(slots):
        return pos
    slot = slots[k]
    gap = 0 if first else slot.gap_before
    n = len(termsets)
    for start in range(pos, min(pos + gap, n - 1) + 1):
        ids = termsets[start]
        if not ids:
            continue
        if not slot.single.isdisjoint(ids):
            rest = _match_slots(slots, k + 1, termsets, start + 1)
            if rest is not None:
                return rest
        if slot.multi:
            for term_id in ids:
                for alternative in slot.multi.get(term_id, ()):
                    end = start + len(alternative)
                    if end <= n and all(alternative[j] in termsets[start + j] for j in range(1, len(alternative))):
                        rest = _match_slots(slots, k + 1, termsets, end)
                        if rest is not None:
                            return rest
    if slot.optional:
        return _match_slots(slots, k + 1, termsets, pos)
    return None
