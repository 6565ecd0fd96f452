import pytest

from sextortion_flags.normalize import normalize
from sextortion_flags.rules.patterns import WORD, PatternError, PhraseMatcher, compile_pattern


def spans(pattern: str, text: str) -> list[str]:
    matcher = PhraseMatcher()
    matcher.add(compile_pattern(pattern, "k"))
    words = WORD.findall(normalize(text).text)
    return [" ".join(words[m.start_word:m.end_word]) for m in matcher.find(words)]


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("envoie photo", "envoie photo", ["envoie photo"]),
        ("envoie photo", "envoie une photo", []),
        ("envoie ~2 photo", "envoie une petite photo", ["envoie une petite photo"]),
        ("envoie ~1 photo", "envoie une petite photo", []),
        ("envoie ?moi photo", "envoie moi photo", ["envoie moi photo"]),
        ("envoie ?moi photo", "envoie photo", ["envoie photo"]),
        ("envo* photo", "envoyer photo", ["envoyer photo"]),
        ("*ing photo", "sending photo", ["sending photo"]),
        ("carte+cadeau|giftcard amazon", "une carte cadeau amazon", ["carte cadeau amazon"]),
        ("whatsapp", "Wh@tsapp", ["whatsapp"]),  # literals are normalized like text
        ("3afak sift", "afak sift", []),
        ("3afak sift", "3afak sift", ["aafak sift"]),
        ("ajoute-moi snap", "ajoute moi sur snap", []),
        ("ajoute-moi ~1 snap", "ajoute moi sur snp", ["ajoute moi sur snapchat"]),
    ],
)
def test_pattern_semantics(pattern, text, expected):
    assert spans(pattern, text) == expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("~2 photo", "cannot start with a gap"),
        ("?moi photo", "cannot start with an optional"),
        ("photo ~3", "cannot end with a gap"),
        ("photo ~99 x", "larger than"),
        ("ph*to", "only at the start or end"),
        ("a* x", "too short"),
        ("", "empty pattern"),
    ],
)
def test_bad_patterns_are_explained(pattern, message):
    with pytest.raises(PatternError, match=message):
        compile_pattern(pattern, "k")


def test_matcher_indexes_many_patterns():
    def name(i: int) -> str:  # letters only: digits inside words are read as arabizi
        return "w" + "".join(chr(97 + int(d)) for d in str(i))

    matcher = PhraseMatcher()
    for i in range(500):
        matcher.add(compile_pattern(f"{name(i)} ~2 end", i))
    found = matcher.find([name(7), "x", "end", name(8), "end"])
    assert sorted(m.key for m in found) == [7, 8]


def test_patterns_are_anchored_on_their_rarest_required_slot():
    matcher = PhraseMatcher()
    matcher.add(compile_pattern("you|u ?really ~2 whatsapp", "a"))
    matcher.add(compile_pattern("the ~3 video", "b"))
    anchors = {term.value for term, term_id in matcher._terms.ids.items() if term_id in matcher._by_anchor}
    assert anchors == {"whatsapp", "video"}  # never the function words "you", "u" or "the"
    found = matcher.find(["add", "you", "on", "whatsapp", "the", "video", "you", "whatsapp"])
    assert [(m.key, m.start_word, m.end_word) for m in found] == [("a", 1, 4), ("b", 4, 6), ("a", 6, 8)]
    assert matcher.find(["you", "really", "the", "thing"]) == []


def test_word_frequencies_are_normalized_words_with_counts():
    from sextortion_flags.lexicon import word_frequencies

    table = word_frequencies()
    assert len(table) > 1000
    assert table["de"] > table.get("whatsapp", 0) > 0  # a function word is more frequent than an app
    sample = sorted(table)[::97]
    assert all(WORD.fullmatch(word) and normalize(word).text == word for word in sample)


def test_term_lookup_finds_every_prefix_and_suffix_term_a_word_satisfies() -> None:
    """A word's term ids are looked up with an early stop (no term starts with these letters):
    checked against testing every term of every packaged rule, on words that end or begin each
    prefix and suffix term and on words that share only their first or last letters with one."""
    import random

    from sextortion_flags.rules.engine import RuleEngine
    from sextortion_flags.rules.patterns import Term

    matcher = RuleEngine()._rules.matcher
    table = matcher._terms
    terms = list(table.ids.items())
    prefixes = [t.value for t, _ in terms if t.kind == "prefix"]
    suffixes = [t.value for t, _ in terms if t.kind == "suffix"]
    assert prefixes and suffixes
    rng = random.Random(7)
    words = [p + rng.choice(["", "a", "ing", "xyz"]) for p in prefixes] + [rng.choice(["", "x", "re"]) + s for s in suffixes]
    words += [p[:-1] + "q" for p in prefixes if len(p) > 2] + ["q" + s[1:] for s in suffixes if len(s) > 2]

    def satisfies(term: Term, word: str) -> bool:
        if term.kind == "prefix":
            return word.startswith(term.value)
        if term.kind == "suffix":
            return word.endswith(term.value)
        return word == term.value

    for word in words:
        assert table._lookup(word) == tuple(sorted(i for t, i in terms if satisfies(t, word))), word
