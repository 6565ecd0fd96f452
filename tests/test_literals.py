"""The whole-word literal matcher gives exactly the matches of the regex alternation it replaces."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sextortion_flags.identifiers import patterns
from sextortion_flags.literals import Substrings, WordLiterals


def regex_matches(literals: set[str], text: str) -> list[tuple[int, int, str]]:
    """What the identifiers used before: one alternation, longest literal first, whole words."""
    alternation = "|".join(re.escape(lit) for lit in sorted(literals, key=len, reverse=True))
    regex = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
    return [(m.start(), m.end(), m.group(0)) for m in regex.finditer(text)]


@pytest.mark.parametrize(("literals", "text", "expected"), [
    # leftmost, then longest
    ({"snap", "snapchat"}, "add my snapchat", [(7, 15, "snapchat")]),
    ({"snap", "snapchat"}, "snap or snapchat", [(0, 4, "snap"), (8, 16, "snapchat")]),
    # the longest literal that ends a word: "snap chat" is cut inside "chatty", "snap" is whole
    ({"snap", "snap chat"}, "snap chatty", [(0, 4, "snap")]),
    # whole words only, Unicode word characters on both sides
    ({"tel"}, "hotel tel. teller tel_x 5tel tel", [(6, 9, "tel"), (29, 32, "tel")]),
    ({"code"}, "codé code", [(5, 9, "code")]),
    # overlapping literals: left to right, no overlap, the scan goes on after each match
    ({"wu code", "code mtcn"}, "wu code mtcn", [(0, 7, "wu code")]),
    ({"a b", "b c"}, "a b c b c", [(0, 3, "a b"), (6, 9, "b c")]),
    # Arabic: a prefix letter joins the word, a diacritic (not a word character) does not
    ({"رقم", "رقمي"}, "هذا رقمي", [(4, 8, "رقمي")]),
    ({"رقم"}, "الرقم رقمَ", [(6, 9, "رقم")]),
    # literals that start or end with a non-word character keep the regex's boundaries
    ({"n°", "-x"}, "n° a-x -x", [(0, 2, "n°"), (7, 9, "-x")]),
    # nothing to find
    ({"snap"}, "", []),
    (set(), "snap", []),
])
def test_examples(literals: set[str], text: str, expected: list[tuple[int, int, str]]) -> None:
    assert WordLiterals(literals).find(text) == expected
    if literals:  # the examples are right: the regex agrees
        assert regex_matches(literals, text) == expected


_ALPHABET = "ab_- 1éرق\u064e."


@settings(max_examples=400, deadline=None)
@given(st.sets(st.text(alphabet=_ALPHABET, min_size=1, max_size=4), min_size=1, max_size=8),
       st.text(alphabet=_ALPHABET, max_size=60))
def test_same_matches_as_the_regex_alternation(literals: set[str], text: str) -> None:
    assert WordLiterals(literals).find(text) == regex_matches(literals, text)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.text(alphabet=_ALPHABET, min_size=1, max_size=3), min_size=1, max_size=5),
       st.sets(st.text(alphabet=_ALPHABET, min_size=1, max_size=3), min_size=1, max_size=5),
       st.text(alphabet=_ALPHABET, max_size=40))
def test_tables_are_independent(first: set[str], second: set[str], text: str) -> None:
    both = WordLiterals(first, second)
    assert both.find_all(text) == [regex_matches(first, text), regex_matches(second, text)]
    assert both.find(text, 1) == regex_matches(second, text)


def test_packaged_cues_match_like_their_alternation() -> None:
    table = patterns.cues()
    text = "mon num c'est le 06, snap: lina_b, wu code 1234567890, western union, sifr stta, رقمي, واتس"
    folded = patterns.fold_cue(text)
    cues, digits = table.words.find_all(folded)
    assert cues == regex_matches(set(table.kinds), folded)
    assert digits == regex_matches(set(table.digit_words), folded)
    assert [word for _, _, word in cues] == ["mon num", "snap", "wu", "code", "western union", "رقمي", "واتس"]
    assert [word for _, _, word in digits] == ["sifr", "stta"]


def test_an_empty_literal_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        WordLiterals({"snap", ""})
    with pytest.raises(ValueError, match="empty"):
        Substrings({""})


@pytest.mark.parametrize("text", ["un " * 400_000, "x" * 1_200_000, "ab_" * 400_000, "رقم " * 300_000])
def test_huge_text_in_bounded_time(text: str) -> None:
    matcher = WordLiterals({"un", "un deux", "ab", "رقم", "x"})
    started = time.perf_counter()
    found = matcher.find(text)
    assert time.perf_counter() - started < 5.0
    assert len(found) in (0, text.count(" "))


@pytest.mark.parametrize(("strings", "text", "expected"), [
    ({"t.me/", "wa.me/"}, "t.me/x wa.me/1 t.me/", {"t.me/": [0, 15], "wa.me/": [7]}),
    ({"aa"}, "aaaa", {"aa": [0, 1, 2]}),  # overlaps included, as repeated str.find does
    ({"m.me/", "me/"}, "m.me/", {"m.me/": [0], "me/": [2]}),
    ({"discord"}, "nothing here", {}),
    (set(), "t.me/", {}),
])
def test_substring_positions(strings: set[str], text: str, expected: dict[str, list[int]]) -> None:
    assert Substrings(strings).positions(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.sets(st.text(alphabet="ab./", min_size=1, max_size=3), min_size=1, max_size=5),
       st.text(alphabet="ab./", max_size=40))
def test_substring_positions_are_every_find(strings: set[str], text: str) -> None:
    expected: dict[str, list[int]] = {}
    for string in strings:
        pos = text.find(string)
        while pos != -1:
            expected.setdefault(string, []).append(pos)
            pos = text.find(string, pos + 1)
    assert Substrings(strings).positions(text) == expected
