"""Every rule's positive and negative examples are tests; every language covers every category."""

from collections import Counter

import pytest

from sextortion_flags.models import REQUIRED_CATEGORIES
from sextortion_flags.rules.check import check_examples
from sextortion_flags.rules.engine import RuleEngine
from sextortion_flags.rules.schema import LANGUAGES

ENGINE = RuleEngine()
RESULTS = check_examples(ENGINE)
MIN_EXAMPLES = 10


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: f"{r.rule_id}:{r.polarity}:{r.text[:40]}")
def test_rule_example(result):
    assert result.ok, f"{result.polarity} example of {result.rule_id}: {result.text!r} -> {result.detail}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("category", REQUIRED_CATEGORIES)
def test_every_language_covers_every_category(language, category):
    counts = Counter(r.polarity for r in RESULTS if r.language == language and r.category == category)
    assert counts["positive"] >= MIN_EXAMPLES, f"{language}/{category}: {counts['positive']} positive examples"
    assert counts["negative"] >= MIN_EXAMPLES, f"{language}/{category}: {counts['negative']} negative examples"


def test_every_rule_has_examples():
    for rule in ENGINE.rules:
        assert rule.examples.positive, f"{rule.id} has no positive example"


def test_every_language_has_context_cues():
    for language in LANGUAGES:
        kinds = {cue.kind for cue in ENGINE.cues.get(language, [])}
        assert {"negation", "reported", "awareness"} <= kinds, f"{language} cues: {sorted(kinds)}"
