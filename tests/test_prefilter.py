"""The regex prefilter only skips regexes that cannot match."""

import re

import pytest

from sextortion_flags.normalize import normalize
from sextortion_flags.rules.engine import RuleEngine, Words
from sextortion_flags.rules.prefilter import ARABIC, DIGIT, LONG_WORD, RegexPrefilter, required_literals


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\bwestern\W+union\b", [{"western"}]),
    (r"(?:gift\s*card|carte\s+cadeau)", [{"gift", "carte"}, {"gift", "cadeau"}, {"card", "carte"}, {"card", "cadeau"}]),
    (r"\b(?:bc1[a-z0-9]{20,60}|0x[a-f0-9]{40})\b", [{"bc1", LONG_WORD}]),  # 40 hex digits: a long word
    (r"\b(?:bc1[a-z0-9]{2,6}|0x[a-f0-9]{4})\b", [{"bc1", "0x"}]),  # two letters when nothing longer is required
    (r"\bt[a-z1-9]{33}\b", [{LONG_WORD}]),
    (r"\bt[a-z1-9 ]{33}\b", None),  # a space in the class: no long word is needed
    (r"(?<![\w@])@[a-z0-9_.]{3,30}\b", [{"@"}]),
    (r"[\u0621-\u064a]{2,}\s+(?:ok|yes)", [{ARABIC}]),
    (r"(?:a|b)\s+\w+", None),
    (r"(?:paypal)+", [{"paypal"}]),
    (r"(?:paypal)?\d+", [{DIGIT}]),
    (r"(?i)WAFACASH", [{"wafacash"}]),
    (r"abc(?=def)", [{"abc"}]),
])
def test_required_literals(pattern, expected):
    found = required_literals(pattern, re.compile(pattern).flags & ~re.UNICODE)
    if expected is None:
        assert found is None
    else:
        assert set(found) in expected


def test_prefilter_keeps_every_regex_that_matches_a_rule_example():
    engine = RuleEngine()
    regexes = [regex for _, regex in engine._rules.regexes]
    prefilter = RegexPrefilter(regexes)
    assert len(prefilter.always) < len(regexes) / 5  # it does filter
    checked = 0
    for rule_file, _path in engine.rule_files:
        for rule in rule_file.rules:
            for example in [*rule.examples.positive, *rule.examples.negative]:
                text = normalize(example).text
                candidates = set(prefilter.candidates(text))
                for index, regex in enumerate(regexes):
                    if regex.search(text):
                        checked += 1
                        assert index in candidates, (rule.id, regex.pattern[:60])
    assert checked > 100


def test_pseudo_literals_need_a_digit_or_an_arabic_letter():
    regexes = [re.compile(r"\b\d{6,}\b"), re.compile(r"[\u0621-\u064a]+ ok"), re.compile(r"western")]
    prefilter = RegexPrefilter(regexes)
    assert prefilter.always == []
    assert prefilter.candidates("call me at 0612345678") == [0]
    assert prefilter.candidates("نعم ok") == [1]
    assert prefilter.candidates("by western union") == [2]
    assert prefilter.candidates("nothing here") == []


def test_long_word_pseudo_literal_needs_a_long_run_of_word_characters():
    prefilter = RegexPrefilter([re.compile(r"\bt[a-z1-9]{33}\b"), re.compile(r"\b(?:bc1|tb1)[a-z0-9]{20,60}\b|bitcoin")])
    assert prefilter.always == []
    assert prefilter.candidates("send to t" + "a1" * 16 + "b now") == [0, 1]
    assert prefilter.candidates("pay in bitcoin") == [1]
    assert prefilter.candidates("a short message with no address at all") == []


def test_quotation_marks_are_literals_so_quote_cues_skip_most_messages():
    quoted = [re.compile(r"«[^»\n]{1,400}»"), re.compile(r"(?m)^>[^\n]{0,400}"), re.compile(r'"[^"\n]{1,400}"')]
    prefilter = RegexPrefilter(quoted)
    assert prefilter.always == []
    assert prefilter.candidates("il a dit « envoie » hier") == [0]
    assert prefilter.candidates("> forwarded line") == [1]
    assert prefilter.candidates('he said "send it"') == [2]
    assert prefilter.candidates("no quotes at all") == []


def test_cues_of_several_languages_are_listed_language_by_language():
    engine = RuleEngine()
    norm = normalize("mdr je rigole, ne pas envoyer")
    spans = engine._cue_spans(norm, Words.of(norm.text), ("ary", "fr"))
    languages = [span.key.id.split("/")[0] for span in spans]
    order = {"ary": 0, "fr": 1, "xx": 2}
    assert languages == sorted(languages, key=order.__getitem__)
    assert "fr" in languages


def test_up_to_three_sets_and_short_literals_when_only_a_digit_was_required():
    from sextortion_flags.rules.prefilter import required_literal_sets

    sets = required_literal_sets(r"\d{2,6} ?(?:now\b|rn\b|or\b|asap)")  # min-3 reading: a digit only
    assert {DIGIT} in [set(s) for s in sets]
    assert any({"rn", "or"} <= set(s) for s in sets)
    prefilter = RegexPrefilter([re.compile(r"\bpay\b[^.]{0,20}\bwestern\b[^.]{0,20}\bunion\b")])
    assert prefilter.candidates("pay by western union") == [0]
    assert prefilter.candidates("pay by western") == []  # all three sets are needed
    assert prefilter.candidates("union western") == []
    digits = RegexPrefilter([re.compile(r"\d{2,6} ?(?:now\b|rn\b|or\b|asap)")])
    assert digits.candidates("500 rn") == [0]
    assert digits.candidates("500 euros merci") == []  # a digit alone no longer wakes it


@pytest.mark.parametrize(("pattern", "guarded"), [
    (r"\b(?:paie|vire)\b", r"(?=[pv])\b(?:paie|vire)\b"),
    (r"(?<!\bje )\b(?:envoie|send)\b", r"(?=[es])(?<!\bje )\b(?:envoie|send)\b"),
    (r"(?i)\bWestern\b", r"(?i)(?=[W])\bWestern\b"),  # global flags stay first and cover the guard
    (r"(?m)^>[^\n]{0,400}", r"(?m)(?=[>])^>[^\n]{0,400}"),
    (r"(?:\+|00)?\d{6,}", r"(?=[0\+\d])(?:\+|00)?\d{6,}"),  # an optional start adds what follows it
    (r"[$£€] ?\d+", r"(?=[\$£€])[$£€] ?\d+"),
])
def test_first_character_guard(pattern, guarded):
    from sextortion_flags.rules.prefilter import first_character_guard

    assert first_character_guard(pattern) == guarded
    sample = "x western paie 0612345678 $5 envoie\n> quoted"
    assert [m.span() for m in re.finditer(guarded, sample)] == [m.span() for m in re.finditer(pattern, sample)]


@pytest.mark.parametrize("pattern", [r".{3}abc", r"[^a]bc", r"(?:ab)?", r"x?y*", r"(?i:Western)\b", r"\1"])
def test_first_character_guard_leaves_unknown_starts_alone(pattern):
    from sextortion_flags.rules.prefilter import first_character_guard

    assert first_character_guard(pattern) == pattern


def test_guarded_rule_regexes_match_exactly_like_the_originals():
    from sextortion_flags.rules.prefilter import first_character_guard

    engine = RuleEngine()
    texts = [normalize(example).text for rule_file, _ in engine.rule_files for rule in rule_file.rules
             for example in [*rule.examples.positive, *rule.examples.negative]]
    sources = [rule_regex for rule in engine.rules for rule_regex in rule.regex]
    sources += [cue_regex for cues in engine.cues.values() for cue in cues for cue_regex in cue.regex]
    guarded = 0
    for source in sources:
        original, new = re.compile(source), re.compile(first_character_guard(source))
        guarded += original.pattern != new.pattern
        for text in texts:
            assert [m.span() for m in original.finditer(text)] == [m.span() for m in new.finditer(text)], source[:60]
    assert guarded > len(sources) * 0.8
