"""False alarms on ordinary chat: how often everyday conversations get a flag.

    python benchmarks/ordinary_chat.py [--conversations 2000] [--seed 7]

`data/everyday/` holds invented everyday messages in five languages; the classifier trains on two
lines in three and never sees every third line (`classifier/train.py: EVERYDAY_HELD_OUT`). Prints
the risk levels of (1) each held-out line alone, (2) conversations of 5-40 held-out lines of one
language (nothing the classifier trained on), (3) conversations of any everyday lines, as in the
speed benchmark's traffic mix; and the categories and quotes behind the flags that remain.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

from sextortion_flags import Analyzer
from sextortion_flags.classifier.train import EVERYDAY_HELD_OUT

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ("none", "low", "medium", "high", "critical")


def everyday_lines() -> dict[str, list[tuple[bool, str]]]:
    """Language -> (held out, text) for every everyday line."""
    lines: dict[str, list[tuple[bool, str]]] = {}
    for path in sorted((ROOT / "data" / "everyday").glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                item = json.loads(line)
                lines.setdefault(item["lang"], []).append((number % EVERYDAY_HELD_OUT == 0, item["text"]))
    return lines


def conversations(pools: dict[str, list[str]], count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        pool = pools[rng.choice(sorted(pools))]
        texts = [rng.choice(pool) for _ in range(rng.randint(5, 40))]
        messages = [{"sender": "sv"[i % 2], "text": t} for i, t in enumerate(texts)]
        out.append({"id": f"e{n}", "user": "v", "messages": messages})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    analyzer = Analyzer()
    lines = everyday_lines()
    held_out = {lang: [t for held, t in items if held] for lang, items in lines.items()}
    every = {lang: [t for _, t in items] for lang, items in lines.items()}
    singles = [{"id": f"l{i}", "messages": [{"sender": "s", "text": t}]}
               for i, t in enumerate(t for texts in held_out.values() for t in texts)]
    runs = [("held-out lines, each alone", singles),
            ("conversations of held-out lines", conversations(held_out, args.conversations, args.seed)),
            ("conversations of any everyday lines", conversations(every, args.conversations, args.seed))]
    print("| input | n | " + " | ".join(LEVELS) + " | ≥ medium |")
    print("|---|---|" + "---|" * (len(LEVELS) + 1))
    flagged: Counter[tuple[str, str, str]] = Counter()
    for label, items in runs:
        levels: Counter[str] = Counter()
        for report in analyzer.analyze_many(items):
            levels[report.risk_level] += 1  # type: ignore[union-attr]
            for flag in report.flags:  # type: ignore[union-attr]
                quote = flag.evidence[0].quote if flag.evidence else ""
                flagged[(report.risk_level, flag.category, quote[:40])] += 1  # type: ignore[union-attr]
        n = len(items)
        high = sum(levels[level] for level in ("medium", "high", "critical"))
        print(f"| {label} | {n:,} | " + " | ".join(f"{levels[level] / n:.1%}" for level in LEVELS)
              + f" | {high / n:.1%} |")
    print("\nMost frequent flags (level, category, first evidence quote):")
    for (level, category, quote), count in flagged.most_common(10):
        print(f"  {count:4d}  {level:8s} {category:20s} {quote!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
