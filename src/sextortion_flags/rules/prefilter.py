"""Skip regexes that cannot match: each regex's required literals, found in one pass per message.

Running hundreds of rule regexes on every message costs far more than matching words. Most
regexes cannot match without one of a few literal strings ("western", "gift", "bc1"), which
`required_literals` reads off the parsed regex. One Aho-Corasick automaton over all those
literals tells, in one C-speed pass, which regexes are worth running; a regex without a usable
literal always runs. The result is exactly the same matches, only faster.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from operator import itemgetter
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

MIN_LITERAL = 3
"""Shorter literals are too common to filter much; two letters are used only when nothing longer is required."""

DIGIT, ARABIC, LONG_WORD = "\x00digit", "\x00arabic", "\x00long"
"""Pseudo-literals for a required digit, Arabic letter or long run of word characters: cheap to
test, and they keep regexes such as phone numbers or amounts ("\\d{3,}") out of messages without
digits, and wallet addresses ("t[a-z0-9]{33}") out of messages without a long word."""
PSEUDO = (DIGIT, ARABIC, LONG_WORD)
_PSEUDO_SET = frozenset(PSEUDO)
LONG_RUN = 16
"""A repeat of at least this many word characters requires a LONG_WORD."""
_RARE_CHARACTERS = frozenset("@$€£+#«»\"“”>")
_PSEUDO_RANK = 3

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Literal strings, one of which occurs in every match of `pattern`; None when there is no such set.

    Case-insensitive patterns give lower-case literals (the text they run on is case-folded).
    """
    sets = required_literal_sets(pattern, flags, keep=1)
    return sets[0] if sets else None


MAX_SETS = 3


def required_literal_sets(pattern: str, flags: int = 0, keep: int = MAX_SETS) -> list[frozenset[str]]:
    """Up to `keep` literal sets that every match needs one literal of each (the most selective first).

    Literals have three characters or more; when that leaves only pseudo-literals (a digit...),
    sets of two-character literals ("or", "rn") are added: a branch with one short alternative
    yields no set in the first reading but one in the second.
    """
    found = _required(pattern, flags, MIN_LITERAL)
    if all(literals <= _PSEUDO_SET for literals in found):
        found = list(dict.fromkeys(found + _required(pattern, flags, 2)))
    return sorted(found, key=_rank, reverse=True)[:keep]


def _required(pattern: str, flags: int, minimum: int) -> list[frozenset[str]]:
    guard = _GUARD.match(pattern, len(_head(pattern)))
    if guard is not None:  # the look-ahead of `first_character_guard` requires no literal: read the
        pattern = pattern[:guard.start()] + pattern[guard.end():]  # source (already parsed by it)
    try:
        tree = _parsed(pattern, flags)
    except (re.error, RecursionError):
        return []
    if tree.state.flags & (re.VERBOSE | re.LOCALE):
        return []
    sets = _sequence(list(tree), minimum)
    if tree.state.flags & re.IGNORECASE:
        sets = [{lit if lit in PSEUDO else lit.lower() for lit in found} for found in sets]
    return list(dict.fromkeys(frozenset(found) for found in sets))


def _rank(literals: set[str]) -> tuple[int, int]:
    return min(_PSEUDO_RANK if lit in PSEUDO else len(lit) for lit in literals), -len(literals)


def _best(sets: list[set[str]]) -> set[str] | None:
    return max(sets, key=_rank) if sets else None


def _sequence(items: list[tuple[object, object]], minimum: int) -> list[set[str]]:
    """Every literal set the sequence needs (all of them: a conjunction)."""
    needed: list[set[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op is sre.LITERAL:
            run.append(chr(arg))  # type: ignore[arg-type]
            continue
        if len(run) >= minimum or (run and set(run) <= _RARE_CHARACTERS):
            needed.append({"".join(run)})
        run = []
        needed.extend(_node(op, arg, minimum))
    if len(run) >= minimum or (run and set(run) <= _RARE_CHARACTERS):
        needed.append({"".join(run)})
    return needed


def _node(op: object, arg: object, minimum: int) -> list[set[str]]:
    if op is sre.SUBPATTERN:
        return _sequence(list(arg[-1]), minimum)  # type: ignore[index]
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(arg), minimum)  # type: ignore[arg-type]
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:  # type: ignore[index]
            found = _best(_sequence(list(branch), minimum))
            if found is None:
                return []
            union |= found
        return [union]
    if op in _REPEATS:
        low, _high, item = arg  # type: ignore[misc]
        items = list(item)
        if low >= LONG_RUN and len(items) == 1 and _word_only(*items[0]):
            return [{LONG_WORD}]
        return _sequence(items, minimum) if low >= 1 else []
    if op is sre.IN:
        found = _class(arg)  # type: ignore[arg-type]
        return [found] if found else []
    return []  # anchors, look-arounds, back-references: no literal to require


def _class(items: list[tuple[object, object]]) -> set[str] | None:
    """A character class made only of digits, or only of Arabic letters, requires one of them."""
    kinds = set()
    for op, arg in items:
        if _is_digit_item(op, arg):
            kinds.add(DIGIT)
        elif op is sre.RANGE and arg[0] >= 0x0600 and arg[1] <= 0x06FF:  # type: ignore[index]
            kinds.add(ARABIC)
        else:
            return None
    return kinds if len(kinds) == 1 else None


def _word_only(op: object, arg: Any) -> bool:
    """A character class (or character) that matches ASCII letters, digits or "_" only, all `\\w`."""
    if op is sre.LITERAL:
        return chr(arg).isascii() and (chr(arg).isalnum() or chr(arg) == "_")
    if op is not sre.IN:
        return False
    for item_op, item_arg in arg:
        if item_op is sre.LITERAL:
            if not _word_only(item_op, item_arg):
                return False
        elif item_op is sre.RANGE:
            low, high = item_arg
            if not any(ord(a) <= low and high <= ord(b) for a, b in (("0", "9"), ("a", "z"), ("A", "Z"))):
                return False
        elif not (item_op is sre.CATEGORY and item_arg in (sre.CATEGORY_DIGIT, sre.CATEGORY_WORD)):
            return False
    return True


def _is_digit_item(op: object, arg: Any) -> bool:
    if op is sre.CATEGORY:
        return arg is sre.CATEGORY_DIGIT
    if op is sre.RANGE:
        return ord("0") <= arg[0] and arg[1] <= ord("9")
    return op is sre.LITERAL and ord("0") <= arg <= ord("9")


_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_CATEGORY_CLASS = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_SPACE: r"\s",
                   sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_NOT_WORD: r"\W", sre.CATEGORY_NOT_SPACE: r"\S"}
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


@cache
def first_character_guard(pattern: str) -> str:
    """`pattern` with a look-ahead for the characters a match can start with put in front.

    Python's `re` tries a pattern at every position and only skips ahead by itself when the
    pattern opens with a plain literal; rule regexes open with `\\b` or look-behinds, then dozens
    of alternatives, all tried at every position. `(?=[pvs])\\b(?:paie|vire|send...)` fails at
    most positions on one class test. The look-ahead is zero-width and only restates what the
    pattern requires, so matches are unchanged (tested on every rule example). Patterns whose
    first character is unknown (`.`, a negated class, an optional start) are returned as they are.
    """
    try:
        items, nullable = _first_characters(list(_parsed(pattern, 0)))
    except (re.error, RecursionError):
        return pattern
    if items is None or nullable or not items:
        return pattern
    parts = set()
    for op, arg in items:
        if op is sre.LITERAL:
            parts.add(re.escape(chr(arg)))
        elif op is sre.RANGE:
            parts.add(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif op is sre.CATEGORY and arg in _CATEGORY_CLASS:
            parts.add(_CATEGORY_CLASS[arg])
        else:
            return pattern
    head = _head(pattern)  # global flags must stay first
    return f"{head}(?=[{''.join(sorted(parts))}]){pattern[len(head):]}"


def _head(pattern: str) -> str:
    flags = _GLOBAL_FLAGS.match(pattern)
    return flags.group(0) if flags else ""


_GUARD = re.compile(r"\(\?=\[(?:\\.|[^\]\\])+\]\)")


@lru_cache(maxsize=4096)
def _parsed(pattern: str, flags: int) -> Any:
    """sre's parse tree, parsed once: loading reads each rule regex for its guard and its literals
    (never modified: both only walk it)."""
    return sre_parse.parse(pattern, flags)


def _first_characters(items: list[tuple[Any, Any]]) -> tuple[list[tuple[Any, Any]] | None, bool]:
    """The class items one of which starts every match of a sequence, and whether it can be empty."""
    found: list[tuple[Any, Any]] = []
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            return [*found, (op, arg)], False
        if op is sre.IN:
            if any(item_op is sre.NEGATE for item_op, _ in arg):
                return None, False
            return [*found, *arg], False
        if op is sre.BRANCH:
            branches = [_first_characters(list(branch)) for branch in arg[1]]
            if any(got is None for got, _ in branches):
                return None, False
            found += [item for got, _ in branches for item in got]  # type: ignore[union-attr]
            if not any(empty for _, empty in branches):
                return found, False
            continue
        if op is sre.SUBPATTERN and (arg[1] or arg[2]):  # local flags such as (?i:...): give up
            return None, False
        if op in (sre.SUBPATTERN, sre.ATOMIC_GROUP) or op in _REPEATS:
            inner = arg[-1] if op is sre.SUBPATTERN else (arg if op is sre.ATOMIC_GROUP else arg[2])
            got, empty = _first_characters(list(inner))
            if got is None:
                return None, False
            found += got
            if op in _REPEATS and arg[0] == 0:
                empty = True
            if not empty:
                return found, False
            continue
        return None, False
    return found, True


_HAS_DIGIT = re.compile(r"\d")
_HAS_ARABIC = re.compile(r"[\u0600-\u06ff]")
_HAS_LONG_WORD = re.compile(rf"\w{{{LONG_RUN}}}")
_ENTRIES = itemgetter(1)


def _has_long_word(text: str) -> bool:
    """A run of LONG_RUN word characters; a run lies inside one whitespace-separated token, so
    most texts are settled by token lengths alone."""
    return len(text) >= LONG_RUN and max(map(len, text.split()), default=0) >= LONG_RUN \
        and _HAS_LONG_WORD.search(text) is not None


class RegexPrefilter:
    """Which of a list of regexes may match a text, decided by their required literals.

    A regex is kept when each of its (up to three) required literal sets has a literal in the
    text. Each literal posts, per number of sets n and per set k < n, a bit mask of the regexes
    whose k-th of n sets it fills; a text's candidates are, for each n, the regexes all of whose
    n sets were filled: a few integer ORs and ANDs per literal found.
    """

    _SLOTS = tuple((n, k) for n in range(1, MAX_SETS + 1) for k in range(n))

    def __init__(self, regexes: list[re.Pattern[str]]) -> None:
        self.always: list[int] = []
        self._automaton = ahocorasick.Automaton()
        slot_of = {slot: i for i, slot in enumerate(self._SLOTS)}
        postings: dict[str, list[int]] = {}
        self._filtered = 0
        for index, regex in enumerate(regexes):
            sets = required_literal_sets(regex.pattern, regex.flags & ~re.UNICODE)
            if not sets:
                self.always.append(index)
                continue
            self._filtered += 1
            for k, literals in enumerate(sets):
                for literal in literals:
                    postings.setdefault(literal, [0] * len(self._SLOTS))[slot_of[(len(sets), k)]] |= 1 << index
        frozen = {literal: tuple((slot, mask) for slot, mask in enumerate(masks) if mask)
                  for literal, masks in postings.items()}
        self._always_mask = sum(1 << index for index in self.always)
        self._pseudo = {key: frozen.pop(key, None) for key in PSEUDO}
        for literal, parts in frozen.items():
            self._automaton.add_word(literal, parts)
        self._has_words = bool(frozen)
        if self._has_words:
            self._automaton.make_automaton()

    def candidates(self, text: str) -> list[int]:
        """Indices of the regexes worth running on `text`, in their original order."""
        if not self._filtered:
            return self.always
        found: list[tuple[tuple[int, int], ...]] = []
        if self._has_words:
            found.extend(map(_ENTRIES, self._automaton.iter(text)))
        pseudo = self._pseudo
        if pseudo[DIGIT] and _HAS_DIGIT.search(text):
            found.append(pseudo[DIGIT])
        if pseudo[ARABIC] and not text.isascii() and _HAS_ARABIC.search(text):
            found.append(pseudo[ARABIC])
        if pseudo[LONG_WORD] and _has_long_word(text):
            found.append(pseudo[LONG_WORD])
        if not found:
            return self.always
        filled = [0, 0, 0, 0, 0, 0]
        for parts in found:  # repeats are harmless: OR is idempotent
            for slot, mask in parts:
                filled[slot] |= mask
        mask = self._always_mask | filled[0] | (filled[1] & filled[2]) | (filled[3] & filled[4] & filled[5])
        indices = []
        while mask:
            lowest = mask & -mask
            indices.append(lowest.bit_length() - 1)
            mask ^= lowest
        return indices
