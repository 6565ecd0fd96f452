"""Whole-word literals found in one linear pass, exactly where a big regex alternation finds them.

`re.compile(r"(?<!\\w)(?:alt1|alt2|...)(?!\\w)")` over a few hundred context words makes Python's
`re` try every alternative at every position of every message. `WordLiterals` gives the same
matches from one Aho-Corasick pass (C speed, linear in the text) plus a boundary check on the few
hits: at each position, left to right, the longest literal that starts after a non-word character
and ends before one; matches never overlap and the scan goes on after each match, as `finditer`
does. `\\w` is Python's Unicode word class (`str.isalnum()` or "_"), so Arabic words behave as in
the regex.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

Match = tuple[int, int, str]
"""(start, end, literal) of one match, `text[start:end] == literal`."""


class WordLiterals:
    """Fixed sets ("tables") of non-empty literals, matched as whole words (leftmost, then longest).

    Each table's matches are what its own alternation would find, independent of the other
    tables; holding several tables in one automaton reads the text once for all of them.
    """

    __slots__ = ("_automaton", "tables")

    def __init__(self, *tables: Iterable[str]) -> None:
        self.tables = tuple(frozenset(table) for table in tables)
        if any("" in table for table in self.tables):
            raise ValueError("an empty literal matches nothing useful; remove it")
        self._automaton: ahocorasick.Automaton | None = None
        entries: dict[str, list[int]] = {}
        for index, table in enumerate(self.tables):
            for literal in table:
                entries.setdefault(literal, []).append(index)
        if entries:
            self._automaton = ahocorasick.Automaton()
            for literal, indexes in entries.items():
                self._automaton.add_word(literal, (len(literal), literal, tuple(indexes)))
            self._automaton.make_automaton()

    def find(self, text: str, table: int = 0) -> list[Match]:
        """The non-overlapping whole-word matches of one table's literals in `text`, left to right."""
        return self.find_all(text)[table]

    def find_all(self, text: str) -> list[list[Match]]:
        """`find` for every table, in table order, from one pass over `text`."""
        hits: list[list[tuple[int, int, str]]] = [[] for _ in self.tables]  # (start, -length, literal)
        if self._automaton is None:
            return hits
        n = len(text)
        for last, (length, literal, indexes) in self._automaton.iter(text):
            start = last - length + 1
            if start:
                before = text[start - 1]
                if before.isalnum() or before == "_":
                    continue
            if last + 1 < n:
                after = text[last + 1]
                if after.isalnum() or after == "_":
                    continue
            for index in indexes:
                hits[index].append((start, -length, literal))
        return [_leftmost_longest(table_hits) if table_hits else [] for table_hits in hits]


def _leftmost_longest(hits: list[tuple[int, int, str]]) -> list[Match]:
    """Non-overlapping matches from boundary-checked hits (start, -length, literal), as `finditer` takes them."""
    if len(hits) > 1:
        hits.sort()  # leftmost first, then longest
    found: list[Match] = []
    free_from = 0
    for start, negative_length, literal in hits:
        if start >= free_from:
            free_from = start - negative_length
            found.append((start, free_from, literal))
    return found


class Substrings:
    """Where each of a fixed set of strings occurs in a text, overlaps included, in one pass.

    The same positions as calling `text.find(s, pos + 1)` again and again for every string `s`,
    without one call per string and message.
    """

    __slots__ = ("_automaton", "strings")

    def __init__(self, strings: Iterable[str]) -> None:
        self.strings = frozenset(strings)
        if "" in self.strings:
            raise ValueError("an empty string occurs everywhere; remove it")
        self._automaton: ahocorasick.Automaton | None = None
        if self.strings:
            self._automaton = ahocorasick.Automaton()
            for string in self.strings:
                self._automaton.add_word(string, (len(string), string))
            self._automaton.make_automaton()

    def positions(self, text: str) -> dict[str, list[int]]:
        """Start offsets of every occurrence, ascending, by string (strings that do not occur are absent)."""
        found: dict[str, list[int]] = {}
        if self._automaton is None:
            return found
        for last, (length, string) in self._automaton.iter(text):
            found.setdefault(string, []).append(last - length + 1)
        return found
