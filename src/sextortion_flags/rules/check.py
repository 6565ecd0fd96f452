"""Run every rule's examples: `python -m sextortion_flags.rules.check [--lang fr] [--rules DIR]`.

- a positive example must trigger its rule with a score of at least half the rule's weight
  after context;
- a negative example must leave its category below the flag threshold (all rules together).

The test suite runs the same checks; this command prints every failure at once, which is what
a rule author wants while editing.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sextortion_flags.errors import SextortionFlagsError
from sextortion_flags.fusion import DEFAULT_THRESHOLDS, category_score
from sextortion_flags.normalize import normalize
from sextortion_flags.rules.engine import Hit, RuleEngine, cue_languages


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    category: str
    language: str
    polarity: str  # "positive" | "negative"
    text: str
    ok: bool
    detail: str


def message_scores(engine: RuleEngine, text: str, language: str) -> tuple[dict[str, float], list[Hit]]:
    hits = engine.scan(normalize(text), cue_languages(language))
    by_category: dict[str, list[tuple[int, float]]] = {}
    for hit in hits:
        by_category.setdefault(hit.category, []).append((0, hit.score))
    return {c: category_score(s) for c, s in by_category.items()}, hits


def check_examples(engine: RuleEngine) -> list[ExampleResult]:
    results = []
    for rule_file, _path in engine.rule_files:
        threshold = DEFAULT_THRESHOLDS[rule_file.category]
        for rule in rule_file.rules:
            for text in rule.examples.positive:
                _, hits = message_scores(engine, text, rule_file.language)
                mine = [h for h in hits if h.rule.id == rule.id]
                ok = bool(mine) and mine[0].score >= rule.weight / 2
                detail = "no match" if not mine else f"score {mine[0].score:.2f} after " + ", ".join(
                    f"{a.kind} ({a.quote!r})" for a in mine[0].adjustments)
                results.append(ExampleResult(rule.id, rule_file.category, rule_file.language, "positive", text,
                                             ok, detail))
            for text in rule.examples.negative:
                scores, hits = message_scores(engine, text, rule_file.language)
                score = scores.get(rule_file.category, 0.0)
                fired = [f"{h.rule.id}={h.score:.2f}" for h in hits if h.category == rule_file.category]
                results.append(ExampleResult(rule.id, rule_file.category, rule_file.language, "negative", text,
                                             score < threshold, f"category score {score:.2f} ({', '.join(fired)})"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sextortion_flags.rules.check", description=__doc__)
    parser.add_argument("--lang", action="append", help="only these languages (repeatable)")
    parser.add_argument("--rules", type=Path, help="a rules directory instead of the packaged one")
    args = parser.parse_args(argv)
    try:
        engine = RuleEngine(args.rules, tuple(args.lang) if args.lang else None)
    except SextortionFlagsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = check_examples(engine)
    failures = [r for r in results if not r.ok]
    for r in failures:
        print(f"FAIL {r.polarity:8} {r.rule_id}: {r.text!r} -> {r.detail}")
    counts: Counter[tuple[str, str, str]] = Counter((r.language, r.category, r.polarity) for r in results)
    print("\nexamples per language/category (positive/negative):")
    for language in sorted({k[0] for k in counts}):
        row = [f"{c}={counts[(language, c, 'positive')]}/{counts[(language, c, 'negative')]}"
               for c in sorted({k[1] for k in counts if k[0] == language})]
        print(f"  {language}: " + "  ".join(row))
    print(f"\n{len(results) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
