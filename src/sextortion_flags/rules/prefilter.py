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
from typing import Any

import ahocorasick

MIN_LITERAL = 3
"""Shorter literals are too common to filter much; two letters are used only when nothing longer is required."""

DIGIT, ARABIC = "\x00digit", "\x00arabic"
"""Pseudo-literals for a required digit or Arabic letter: cheap to test, and they keep regexes
such as phone numbers or amounts ("\\d{3,}") out of messages without digits."""
_RARE_CHARACTERS = frozenset("@$€£+#")
_PSEUDO_RANK = 3

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    found = _required(pattern, flags, MIN_LITERAL)
    return found if found is not None else _required(pattern, flags, 2)


def _required(pattern: str, flags: int, minimum: int) -> frozenset[str] | None:
    """Literal strings, one of which occurs in every match of `pattern`; None when there is no such set.

    Case-insensitive patterns give lower-case literals (the text they run on is case-folded).
    """
    try:
        tree = sre_parse.parse(pattern, flags)
    except (re.error, RecursionError):
        return None
    if tree.state.flags & (re.VERBOSE | re.LOCALE):
        return None
    found = _sequence(list(tree), minimum)
    if found is None:
        return None
    if tree.state.flags & re.IGNORECASE:
        found = {literal if literal in (DIGIT, ARABIC) else literal.lower() for literal in found}
    return frozenset(found)


def _rank(literals: set[str]) -> tuple[int, int]:
    return min(_PSEUDO_RANK if lit in (DIGIT, ARABIC) else len(lit) for lit in literals), -len(literals)


def _pick(best: set[str] | None, other: set[str] | None) -> set[str] | None:
    if best is None or (other is not None and _rank(other) > _rank(best)):
        return other
    return best


def _sequence(items: list[tuple[object, object]], minimum: int) -> set[str] | None:
    best: set[str] | None = None
    run: list[str] = []
    for op, arg in items:
        if op is sre.LITERAL:
            run.append(chr(arg))  # type: ignore[arg-type]
            continue
        if len(run) >= minimum or (run and set(run) <= _RARE_CHARACTERS):
            best = _pick(best, {"".join(run)})
        run = []
        best = _pick(best, _node(op, arg, minimum))
    if len(run) >= minimum or (run and set(run) <= _RARE_CHARACTERS):
        best = _pick(best, {"".join(run)})
    return best


def _node(op: object, arg: object, minimum: int) -> set[str] | None:
    if op is sre.SUBPATTERN:
        return _sequence(list(arg[-1]), minimum)  # type: ignore[index]
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(arg), minimum)  # type: ignore[arg-type]
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:  # type: ignore[index]
            found = _sequence(list(branch), minimum)
            if found is None:
                return None
            union |= found
        return union
    if op in _REPEATS:
        low, _high, item = arg  # type: ignore[misc]
        return _sequence(list(item), minimum) if low >= 1 else None
    if op is sre.IN:
        return _class(arg)  # type: ignore[arg-type]
    return None  # anchors, look-arounds, back-references: no literal to require


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


def _is_digit_item(op: object, arg: Any) -> bool:
    if op is sre.CATEGORY:
        return arg is sre.CATEGORY_DIGIT
    if op is sre.RANGE:
        return ord("0") <= arg[0] and arg[1] <= ord("9")
    return op is sre.LITERAL and ord("0") <= arg <= ord("9")


_HAS_DIGIT = re.compile(r"\d")
_HAS_ARABIC = re.compile(r"[\u0600-\u06ff]")


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
        self._pseudo = {key: tuple(by_literal.pop(key, ())) for key in (DIGIT, ARABIC)}
        for literal, indices in by_literal.items():
            self._automaton.add_word(literal, tuple(indices))
        self._active = bool(by_literal) or any(self._pseudo.values())
        if by_literal:
            self._automaton.make_automaton()
        self._has_words = bool(by_literal)

    def candidates(self, text: str) -> list[int]:
        """Indices of the regexes worth running on `text`, in their original order."""
        if not self._active:
            return self.always
        found = set(self.always)
        if self._has_words:
            for _end, indices in self._automaton.iter(text):
                found.update(indices)
        if self._pseudo[DIGIT] and _HAS_DIGIT.search(text):
            found.update(self._pseudo[DIGIT])
        if self._pseudo[ARABIC] and _HAS_ARABIC.search(text):
            found.update(self._pseudo[ARABIC])
        return sorted(found)
