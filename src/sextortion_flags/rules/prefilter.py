"""Skip regexes that cannot match: each regex's required literals, found in one pass per message.

Running hundreds of rule regexes on every message costs far more than matching words. Most
regexes cannot match without one of a few literal strings ("western", "gift", "bc1"), which
`required_literals` reads off the parsed regex. One Aho-Corasick automaton over all those
literals tells, in one C-speed pass, which regexes are worth running; a regex without a usable
literal always runs. The result is exactly the same matches, only faster.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import ahocorasick

MIN_LITERAL = 3
"""Shorter literals are too common to filter anything."""

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Literal strings, one of which occurs in every match of `pattern`; None when there is no such set.

    Case-insensitive patterns give lower-case literals (the text they run on is case-folded).
    """
    try:
        tree = sre_parse.parse(pattern, flags)
    except (re.error, RecursionError):
        return None
    if tree.state.flags & (re.VERBOSE | re.LOCALE):
        return None
    found = _sequence(list(tree))
    if found is None:
        return None
    if tree.state.flags & re.IGNORECASE:
        found = {literal.lower() for literal in found}
    return frozenset(found)


def _rank(literals: set[str]) -> tuple[int, int]:
    return min(map(len, literals)), -len(literals)


def _pick(best: set[str] | None, other: set[str] | None) -> set[str] | None:
    if best is None or (other is not None and _rank(other) > _rank(best)):
        return other
    return best


def _sequence(items: list[tuple[object, object]]) -> set[str] | None:
    best: set[str] | None = None
    run: list[str] = []
    for op, arg in items:
        if op is sre.LITERAL:
            run.append(chr(arg))  # type: ignore[arg-type]
            continue
        if len(run) >= MIN_LITERAL:
            best = _pick(best, {"".join(run)})
        run = []
        best = _pick(best, _node(op, arg))
    if len(run) >= MIN_LITERAL:
        best = _pick(best, {"".join(run)})
    return best


def _node(op: object, arg: object) -> set[str] | None:
    if op is sre.SUBPATTERN:
        return _sequence(list(arg[-1]))  # type: ignore[index]
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(arg))  # type: ignore[arg-type]
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:  # type: ignore[index]
            found = _sequence(list(branch))
            if found is None:
                return None
            union |= found
        return union
    if op in _REPEATS:
        low, _high, item = arg  # type: ignore[misc]
        return _sequence(list(item)) if low >= 1 else None
    return None  # classes, anchors, look-arounds, back-references: no literal to require


class RegexPrefilter:
    """Which of a list of regexes may match a text, decided by their required literals."""

    def __init__(self, regexes: list[re.Pattern[str]]) -> None:
        self.always: list[int] = []
        self._automaton = ahocorasick.Automaton()
        by_literal: dict[str, list[int]] = {}
        for index, regex in enumerate(regexes):
            literals = required_literals(regex.pattern, regex.flags & ~re.UNICODE)
            if not literals:
                self.always.append(index)
                continue
            for literal in literals:
                by_literal.setdefault(literal, []).append(index)
        for literal, indices in by_literal.items():
            self._automaton.add_word(literal, tuple(indices))
        self._active = bool(by_literal)
        if self._active:
            self._automaton.make_automaton()

    def candidates(self, text: str) -> list[int]:
        """Indices of the regexes worth running on `text`, in their original order."""
        if not self._active:
            return self.always
        found = set(self.always)
        for _end, indices in self._automaton.iter(text):
            found.update(indices)
        return sorted(found)
