"""Skip regexes that cannot match: each regex's required literals, found in one pass per message.

Running hundreds of rule regexes on every message costs far more than matching words. Most
regexes cannot match without one of a few literal strings ("western", "gift", "bc1"), which
`required_literals` reads off the parsed regex. One Aho-Corasick automaton over all those
literals tells, in one C-speed pass, which regexes are worth running; a regex without a usable
literal always runs. The result is exactly the same matches, only faster.
"""

from __future__ import annotations

import re
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


def required_literal_sets(pattern: str, flags: int = 0, keep: int = 2) -> list[frozenset[str]]:
    """Up to `keep` literal sets that every match needs one literal of each (the most selective first)."""
    found = _required(pattern, flags, MIN_LITERAL) or _required(pattern, flags, 2)
    return sorted(found, key=_rank, reverse=True)[:keep]


def _required(pattern: str, flags: int, minimum: int) -> list[frozenset[str]]:
    try:
        tree = sre_parse.parse(pattern, flags)
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


_HAS_DIGIT = re.compile(r"\d")
_HAS_ARABIC = re.compile(r"[\u0600-\u06ff]")
_HAS_LONG_WORD = re.compile(rf"\w{{{LONG_RUN}}}")
_ENTRIES = itemgetter(1)


class RegexPrefilter:
    """Which of a list of regexes may match a text, decided by their required literals.

    A regex is kept when each of its (up to two) required literal sets has a literal in the text.
    Each literal posts three tuples of regex indices: regexes it alone lets through (one set),
    and regexes for which it fills the first or the second of two sets; a text's candidates are
    the first, plus the regexes both of whose sets were filled, computed with set operations.
    """

    def __init__(self, regexes: list[re.Pattern[str]]) -> None:
        self.always: list[int] = []
        self._automaton = ahocorasick.Automaton()
        postings: dict[str, tuple[list[int], list[int], list[int]]] = {}
        self._filtered = 0
        for index, regex in enumerate(regexes):
            sets = required_literal_sets(regex.pattern, regex.flags & ~re.UNICODE)
            if not sets:
                self.always.append(index)
                continue
            self._filtered += 1
            for bit, literals in enumerate(sets):
                slot = 0 if len(sets) == 1 else bit + 1
                for literal in literals:
                    postings.setdefault(literal, ([], [], []))[slot].append(index)
        frozen = {literal: tuple(tuple(part) for part in parts) for literal, parts in postings.items()}
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
        seen: set[tuple[tuple[int, ...], ...]] = set()
        if self._has_words:
            seen.update(map(_ENTRIES, self._automaton.iter(text)))
        pseudo = self._pseudo
        if pseudo[DIGIT] and _HAS_DIGIT.search(text):
            seen.add(pseudo[DIGIT])
        if pseudo[ARABIC] and _HAS_ARABIC.search(text):
            seen.add(pseudo[ARABIC])
        if pseudo[LONG_WORD] and _HAS_LONG_WORD.search(text):
            seen.add(pseudo[LONG_WORD])
        if not seen:
            return self.always
        found: set[int] = set(self.always)
        first: set[int] = set()
        second: set[int] = set()
        for alone, one, two in seen:
            found.update(alone)
            first.update(one)
            second.update(two)
        if first and second:
            found.update(first & second)
        return sorted(found)
