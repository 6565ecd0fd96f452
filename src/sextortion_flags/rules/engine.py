"""Runs the compiled rules on one normalized message and applies context cues to the hits.

Every score change is recorded on the hit (Presidio's habit): which cue, its kind, the factor,
and the words that triggered it, so the explanation can say why a flag was lowered.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sextortion_flags.normalize import Normalized
from sextortion_flags.rules.loader import load_cues, load_rules
from sextortion_flags.rules.patterns import WORD, PhraseMatcher, compile_pattern, compile_regex
from sextortion_flags.rules.prefilter import RegexPrefilter, first_character_guard
from sextortion_flags.rules.schema import Cue, Rule


@dataclass(frozen=True, slots=True)
class Adjustment:
    cue_id: str
    kind: str
    factor: float
    explanation: str
    quote: str


@dataclass(slots=True)
class Hit:
    """One rule match in one message, in original-text offsets."""

    rule: Rule
    category: str
    language: str
    start: int
    end: int
    quote: str
    first_word: int
    last_word: int
    score: float
    adjustments: list[Adjustment] = field(default_factory=list)
    message_index: int = -1
    sender: str | None = None

    @property
    def source(self) -> str:
        return f"rule:{self.rule.id}"

    @property
    def base(self) -> float:
        return self.rule.weight


@dataclass(frozen=True, slots=True)
class _Span:
    key: object
    start: int  # normalized offsets
    end: int
    first_word: int
    last_word: int


class Words:
    """The words of a normalized message, and their normalized offsets (computed when first asked
    for: most messages never need them, only those with a match)."""

    __slots__ = ("text", "words", "_offsets")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: tuple[str, ...] = tuple(WORD.findall(text))  # a tuple leaves the collector's lists
        self._offsets: tuple[tuple[int, ...], tuple[int, ...]] | None = None

    @classmethod
    def of(cls, text: str) -> Words:
        """The words of a normalized text (cached: language detection, rules and cues read the same text)."""
        return _words_of(text)

    @property
    def starts(self) -> tuple[int, ...]:
        return self._spans()[0]

    @property
    def ends(self) -> tuple[int, ...]:
        return self._spans()[1]

    def _spans(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if self._offsets is None:
            matches = list(WORD.finditer(self.text))
            self._offsets = (tuple(m.start() for m in matches), tuple(m.end() for m in matches))
        return self._offsets

    def word_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices of the first and last word overlapping normalized [start, end)."""
        first = max(bisect.bisect_right(self.ends, start), 0)
        last = max(bisect.bisect_left(self.starts, end) - 1, first)
        return first, last


@lru_cache(maxsize=4096)
def _words_of(text: str) -> Words:
    return Words(text)


class _Compiled:
    """Phrase patterns in one index plus regexes, for rules or cues."""

    def __init__(self) -> None:
        self.matcher = PhraseMatcher()
        self.regexes: list[tuple[object, re.Pattern[str]]] = []
        self._prefilter: RegexPrefilter | None = None

    def add(self, key: object, patterns: list[str], regexes: list[str]) -> None:
        for source in patterns:
            self.matcher.add(compile_pattern(source, key))
        for source in regexes:
            self.regexes.append((key, compile_regex(first_character_guard(source))))
        self._prefilter = None

    def prepare(self) -> None:
        if self._prefilter is None and self.regexes:
            self._prefilter = RegexPrefilter([regex for _, regex in self.regexes])

    def spans(self, text: str, words: Words) -> list[_Span]:
        found: list[_Span] = []
        for m in self.matcher.find(words.words):
            found.append(_Span(m.key, words.starts[m.start_word], words.ends[m.end_word - 1],
                               m.start_word, m.end_word - 1))
        if not self.regexes:
            return found
        if self._prefilter is None:
            self.prepare()
        for index in self._prefilter.candidates(text):  # type: ignore[union-attr]
            key, regex = self.regexes[index]
            for m in regex.finditer(text):
                if m.end() > m.start():
                    first, last = words.word_range(m.start(), m.end())
                    found.append(_Span(key, m.start(), m.end(), first, last))
        return found


class RuleEngine:
    """All rules of the selected languages in one index, and context cues per language."""

    def __init__(self, rules_path: Path | None = None, languages: tuple[str, ...] | None = None,
                 context_path: Path | None = None) -> None:
        self.rule_files = load_rules(rules_path, languages)
        self.rules: list[Rule] = []
        self._rule_meta: dict[str, tuple[str, str]] = {}
        self._rules = _Compiled()
        for rule_file, _path in self.rule_files:
            for rule in rule_file.rules:
                self.rules.append(rule)
                self._rule_meta[rule.id] = (rule_file.category, rule_file.language)
                self._rules.add(rule, rule.patterns, rule.regex)
        self._cue_memo: dict[tuple[str, tuple[str, ...]], list[_Span]] = {}
        self.cues = load_cues(context_path, _with_mixed(languages))
        self._cue_sets: dict[tuple[str, ...], tuple[_Compiled, dict[int, int]]] = {}

    def prepare(self) -> None:
        """Build now what is otherwise built on first use (the regex prefilters, each language's
        cue index), e.g. before a batch freezes long-lived objects or forks workers."""
        self._rules.prepare()
        for language in self.cues:
            if language != "xx":
                self._cue_set(cue_languages(language))[0].prepare()

    @property
    def languages(self) -> list[str]:
        return sorted({lang for _, lang in self._rule_meta.values()})

    def category_of(self, rule: Rule) -> str:
        return self._rule_meta[rule.id][0]

    def scan(self, norm: Normalized, cue_languages: tuple[str, ...]) -> list[Hit]:
        """Rule hits in one message, context applied with the cues of `cue_languages` (+ `xx`)."""
        words = Words.of(norm.text)
        spans = self._rules.spans(norm.text, words)
        if not spans:
            return []
        hits = []
        for span in spans:
            rule: Rule = span.key  # type: ignore[assignment]
            quote, start, end = norm.quote(span.start, span.end)
            category, language = self._rule_meta[rule.id]
            hits.append(Hit(rule, category, language, start, end, quote, span.first_word, span.last_word,
                            rule.weight))
        cue_spans = self._cue_spans(norm, words, cue_languages)
        if cue_spans:
            for hit in hits:
                _apply_cues(hit, cue_spans, norm)
        return _best_per_rule(hits)

    def _cue_spans(self, norm: Normalized, words: Words, languages: tuple[str, ...]) -> list[_Span]:
        """Cue matches of a message (memoized: rules, the model's evidence and the refusal check ask
        about the same message), language by language as listed, then `xx`."""
        key = (norm.text, languages)
        spans = self._cue_memo.get(key)
        if spans is None:
            compiled, rank = self._cue_set(languages)
            spans = compiled.spans(norm.text, words)
            if len(spans) > 1:  # one pass over all the languages' cues; listed in language order
                spans.sort(key=lambda span: rank[id(span.key)])
            if len(self._cue_memo) >= 4096:
                self._cue_memo.clear()
            self._cue_memo[key] = spans
        return spans

    def _cue_set(self, languages: tuple[str, ...]) -> tuple[_Compiled, dict[int, int]]:
        """The cues of `languages` and `xx` in one index (built once per combination), and each cue's
        rank (its language's position, then phrase patterns before regexes) for ordering matches."""
        found = self._cue_sets.get(languages)
        if found is None:
            compiled, rank = _Compiled(), {}
            for position, language in enumerate(dict.fromkeys((*languages, "xx"))):
                for cue in self.cues.get(language, []):
                    compiled.add(cue, cue.patterns, cue.regex)
                    rank[id(cue)] = position
            found = self._cue_sets[languages] = (compiled, rank)
        return found

    def message_cues(self, norm: Normalized, languages: tuple[str, ...]) -> list[tuple[Cue, str]]:
        """Cues that speak for a whole message (news, reported speech, jokes...), with their quotes.

        They apply to evidence that has no span of its own, such as a classifier's score.
        """
        found = []
        for span in self._cue_spans(norm, Words.of(norm.text), languages):
            cue: Cue = span.key  # type: ignore[assignment]
            if cue.direction == "message":
                found.append((cue, norm.quote(span.start, span.end)[0]))
        return found

    def cue_kinds(self, norm: Normalized, languages: tuple[str, ...]) -> set[str]:
        """Kinds of cue present anywhere in a message (e.g. a refusal by the protected user)."""
        spans = self._cue_spans(norm, Words.of(norm.text), languages)
        return {span.key.kind for span in spans}  # type: ignore[attr-defined]


def cue_languages(language: str) -> tuple[str, ...]:
    """Cue sets for a message language: Darija in Latin letters is mixed with French."""
    return {"ary": ("ary", "fr")}.get(language, (language,))


def _with_mixed(languages: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if languages is None:
        return None
    return tuple(dict.fromkeys(lang for language in languages for lang in cue_languages(language)))


def _in_scope(cue: Cue, span: _Span, hit: Hit) -> bool:
    if cue.direction == "message":
        # A cue made of the rule's own first or last words is not its context ("لا تقولي لحد" is
        # secrecy, not a refusal); a cue reaching beyond the match ("خويا صيفط", "my brother
        # sent"), or lying inside one of its gaps, still is.
        inside = hit.first_word <= span.first_word and span.last_word <= hit.last_word
        anchored = span.first_word == hit.first_word or span.last_word == hit.last_word
        return not (inside and anchored)
    if cue.direction == "around":
        return span.first_word <= hit.first_word and hit.last_word <= span.last_word
    if span.last_word < hit.first_word:
        return cue.direction in ("before", "both") and hit.first_word - span.last_word - 1 <= cue.scope
    if span.first_word > hit.last_word:
        return cue.direction in ("after", "both") and span.first_word - hit.last_word - 1 <= cue.scope
    return False  # the cue overlaps the hit itself: the hit's own words are not context


def strongest_adjustments(cues: list[tuple[Cue, str]], category: str) -> list[Adjustment]:
    """The strongest cue of each kind that applies to `category` (cues of one kind do not stack)."""
    strongest: dict[str, tuple[Cue, str]] = {}
    for cue, quote in cues:
        if cue.categories is not None and category not in cue.categories:
            continue
        if cue.kind not in strongest or cue.factor < strongest[cue.kind][0].factor:
            strongest[cue.kind] = (cue, quote)
    return [Adjustment(cue.id, kind, cue.factor, cue.explanation, quote)
            for kind, (cue, quote) in sorted(strongest.items())]


def _apply_cues(hit: Hit, cue_spans: list[_Span], norm: Normalized) -> None:
    in_scope = [(span.key, norm.quote(span.start, span.end)[0]) for span in cue_spans
                if _in_scope(span.key, span, hit)]  # type: ignore[arg-type]
    for adjustment in strongest_adjustments(in_scope, hit.category):  # type: ignore[arg-type]
        hit.adjustments.append(adjustment)
        hit.score *= adjustment.factor


def _best_per_rule(hits: list[Hit]) -> list[Hit]:
    """One hit per rule and message: the strongest after context, then the earliest."""
    best: dict[str, Hit] = {}
    for hit in hits:
        current = best.get(hit.rule.id)
        if current is None or (hit.score, -hit.start) > (current.score, -current.start):
            best[hit.rule.id] = hit
    return sorted(best.values(), key=lambda h: h.start)
