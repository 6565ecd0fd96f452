"""Counts of the corpus in data/: `python scripts/corpus_stats.py` (the tables in data/README.md)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
CATEGORIES = ("escalation", "platform_migration", "image_request", "threat", "payment_demand", "suspicious_account")


def rows(folder: str) -> list[dict]:
    out = []
    for path in sorted((DATA / folder).glob("*.jsonl")):
        out.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return out


def main() -> None:
    messages = rows("messages")
    langs = sorted({m["lang"] for m in messages})
    print(f"### Messages: {len(messages)}, hard negatives "
          f"{sum(m['hard_negative'] for m in messages) / len(messages):.1%}\n")
    print("| lang | n | hard neg. | no label | " + " | ".join(CATEGORIES) + " (positives) |")
    print("|---" * (len(CATEGORIES) + 4) + "|")
    for lang in langs:
        sub = [m for m in messages if m["lang"] == lang]
        c = Counter(label for m in sub if not m["hard_negative"] for label in m["labels"])
        print(f"| {lang} | {len(sub)} | {sum(m['hard_negative'] for m in sub)} | "
              f"{sum(not m['labels'] for m in sub)} | " + " | ".join(str(c[k]) for k in CATEGORIES) + " |")
    convs = rows("conversations")
    print(f"\n### Conversations: {len(convs)}\n")
    print("| lang | n | sextortion | grooming | benign | none | low | medium | high | critical |")
    print("|---" * 10 + "|")
    for lang in sorted({c["lang"] for c in convs}):
        sub = [c for c in convs if c["lang"] == lang]
        labels = Counter(c["label"] for c in sub)
        risks = Counter(c["expected_risk"] for c in sub)
        print(f"| {lang} | {len(sub)} | " + " | ".join(str(labels[k]) for k in ("sextortion", "grooming", "benign"))
              + " | " + " | ".join(str(risks[k]) for k in ("none", "low", "medium", "high", "critical")) + " |")
    scenarios = Counter(c["scenario"] for c in convs)
    print("\nScenarios: " + ", ".join(f"{k} {v}" for k, v in sorted(scenarios.items())))


if __name__ == "__main__":
    main()
