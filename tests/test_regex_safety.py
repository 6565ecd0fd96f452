"""Every regex the library runs terminates quickly on pathological input (no catastrophic backtracking).

This is a termination check, not a benchmark: each pattern gets a hard 2 s alarm per input, and a
failure names the pattern. Inputs are longer than the analyzer's per-message cap, so a pattern
that passes here is bounded on anything a user can send.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import signal
import time
from collections.abc import Iterator

import pytest

import sextortion_flags
from sextortion_flags.analyzer import MAX_MESSAGE_CHARS, Analyzer
from sextortion_flags.rules.engine import RuleEngine
from sextortion_flags.rules.patterns import compile_regex
from sextortion_flags.rules.prefilter import first_character_guard
from sextortion_flags.signals.age import claim_patterns as age_patterns

LIMIT_SECONDS = 2
N = 50_000
PATHOLOGICAL = {
    "a": "a" * N,
    "a-space": "a " * (N // 2),
    "ha": "ha" * (N // 2),
    "digits": "1" * N,
    "digits-space": "1 " * (N // 2),
    "digits-dots": "1." * (N // 2),
    "letters-spaces": "a b " * (N // 4),
    "apostrophes": "l'a" * (N // 3),
    "arabic": "ب" * N,
    "arabic-space": "ب " * (N // 2),
    "emoji": "😀" * N,
    "emoji-tokens": " emo_sexual" * (N // 11),
    "arabizi": "a3" * (N // 2),
    "newlines": "a\n" * (N // 2),
    "plus-digits": "+1 " * (N // 3),
    "at-dots": "a@a." * (N // 4),
    "no-final": "a" * N + "!",
}


def _module_patterns() -> Iterator[tuple[str, re.Pattern]]:
    for info in pkgutil.walk_packages(sextortion_flags.__path__, "sextortion_flags."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                yield f"{info.name}.{name}", value
            elif isinstance(value, (list, tuple)):  # tables of (regex, label)
                for k, entry in enumerate(value):
                    first = entry[0] if isinstance(entry, tuple) and entry else entry
                    if isinstance(first, re.Pattern):
                        yield f"{info.name}.{name}[{k}]", first


def _engine_patterns() -> Iterator[tuple[str, re.Pattern]]:
    engine = RuleEngine()
    for k, (rule, regex) in enumerate(engine._rules.regexes):
        yield f"rule:{rule.id}[{k}]", regex  # type: ignore[attr-defined]
    for language, cues in engine.cues.items():  # as the engine runs them: guarded
        for cue in cues:
            for k, source in enumerate(cue.regex):
                yield f"cue:{language}:{cue.id}[{k}]", compile_regex(first_character_guard(source))
    ages, schools, _prefilter = age_patterns()
    for k, regex in enumerate([*ages, *schools]):
        yield f"age_claims[{k}]", regex


def _all_patterns() -> dict[str, re.Pattern]:
    return dict([*_module_patterns(), *_engine_patterns()])


ALL_PATTERNS = _all_patterns()


def _alarm(signum: int, frame: object) -> None:
    raise TimeoutError


def _run(regex: re.Pattern, text: str) -> float:
    subject = text.encode() if isinstance(regex.pattern, bytes) else text
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, LIMIT_SECONDS)
    started = time.perf_counter()
    try:
        for _ in regex.finditer(subject):
            pass
        regex.match(subject)
        regex.fullmatch(subject)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return time.perf_counter() - started


def test_the_collection_finds_the_rule_cue_parser_and_normalizer_regexes():
    names = " ".join(ALL_PATTERNS)
    for expected in ("rule:", "cue:", "parsers.whatsapp", "normalize._SPACED", "lang._ARABIZI", "age_claims"):
        assert expected in names
    assert len(ALL_PATTERNS) > 100


@pytest.mark.parametrize("name", sorted(ALL_PATTERNS))
def test_pattern_terminates_on_pathological_input(name):
    regex = ALL_PATTERNS[name]
    slow = []
    for label, text in PATHOLOGICAL.items():
        try:
            _run(regex, text)
        except TimeoutError:
            slow.append(label)
    assert not slow, f"{name} ({regex.pattern!r}) takes more than {LIMIT_SECONDS}s on {slow}"


def test_a_2mb_message_is_cut_with_a_note_and_finishes():
    analyzer = Analyzer(model=False)
    text = "send me the money now or I post it " + "ha " * (2_000_000 // 3)
    started = time.perf_counter()
    report = analyzer.analyze({"id": "big", "messages": [{"sender": "s", "text": text}]})
    assert time.perf_counter() - started < 60
    assert len(text) > MAX_MESSAGE_CHARS
    assert any(str(MAX_MESSAGE_CHARS) in note for note in report.notes)
    for flag in report.flags:
        for ev in flag.evidence:
            assert ev.quote is None or text[ev.start:ev.end] == ev.quote
