"""Evaluate the analyzer on labelled conversations (data/conversations/*.jsonl).

    python benchmarks/evaluate.py [--data data/conversations] [--lang fr] [--errors]

Prints: conversation ROC AUC (risky = sextortion + grooming), per-category precision/recall/F1,
the risk-level confusion matrix, the false-positive rate of benign conversations at `medium` or
above, evidence accuracy (a flag's evidence includes a labelled message), per language.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from sextortion_flags import Analyzer
from sextortion_flags.fusion import LEVEL_ORDER
from sextortion_flags.models import REQUIRED_CATEGORIES

ROOT = Path(__file__).resolve().parent.parent


def load(folder: Path) -> list[dict]:
    items = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append(json.loads(line))
    return items


def roc_auc(scores: list[float], labels: list[int]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(analyzer: Analyzer, items: list[dict], show_errors: bool = False) -> dict:
    scores, labels = [], []
    counts: dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    benign = benign_fp = 0
    ev_total = ev_right = 0
    sextortion_missed = []
    for item in items:
        report = analyzer.analyze(item)
        risky = item.get("label") in ("sextortion", "grooming")
        scores.append(report.risk_score)
        labels.append(int(risky))
        expected = set(item.get("expected_categories", [])) & set(REQUIRED_CATEGORIES)
        predicted = set(report.categories) & set(REQUIRED_CATEGORIES)
        for c in REQUIRED_CATEGORIES:
            counts[c]["tp"] += c in expected and c in predicted
            counts[c]["fp"] += c not in expected and c in predicted
            counts[c]["fn"] += c in expected and c not in predicted
        confusion[(item.get("expected_risk", "none"), report.risk_level)] += 1
        if item.get("label") == "benign":
            benign += 1
            if LEVEL_ORDER.index(report.risk_level) >= LEVEL_ORDER.index("medium"):
                benign_fp += 1
                if show_errors:
                    print(f"  FP {item['id']}: {report.risk_level} {report.categories}")
        if item.get("label") == "sextortion" and report.risk_level not in ("high", "critical"):
            sextortion_missed.append(item["id"])
            if show_errors:
                print(f"  MISS {item['id']}: {report.risk_level} {report.categories} expected {sorted(expected)}")
        for flag in report.flags:
            wanted = set(item.get("evidence", {}).get(flag.category, []))
            if wanted:
                ev_total += 1
                ev_right += bool(wanted & {e.message_index for e in flag.evidence})
        if show_errors and expected != predicted:
            print(f"  CAT {item['id']} ({item.get('lang')}): missing {sorted(expected - predicted)} "
                  f"extra {sorted(predicted - expected)}")
    per_category = {c: prf(counts[c]["tp"], counts[c]["fp"], counts[c]["fn"]) for c in REQUIRED_CATEGORIES}
    return {
        "n": len(items),
        "auc": roc_auc(scores, labels),
        "macro_f1": sum(f for _, _, f in per_category.values()) / len(per_category),
        "per_category": per_category,
        "confusion": confusion,
        "benign_fpr": benign_fp / benign if benign else float("nan"),
        "sextortion_missed": sextortion_missed,
        "evidence_accuracy": ev_right / ev_total if ev_total else float("nan"),
    }


def print_result(name: str, result: dict) -> None:
    print(f"\n## {name}: {result['n']} conversations")
    print(f"ROC AUC {result['auc']:.3f} | macro-F1 {result['macro_f1']:.3f} | benign at >=medium "
          f"{result['benign_fpr']:.1%} | evidence on the right message {result['evidence_accuracy']:.1%} | "
          f"sextortion below high: {len(result['sextortion_missed'])}")
    print(f"{'category':20} {'P':>6} {'R':>6} {'F1':>6}")
    for c, (p, r, f) in result["per_category"].items():
        print(f"{c:20} {p:6.2f} {r:6.2f} {f:6.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "conversations")
    parser.add_argument("--lang", help="only conversations whose lang starts with this")
    parser.add_argument("--errors", action="store_true", help="print each misclassified conversation")
    args = parser.parse_args(argv)
    items = load(args.data)
    if args.lang:
        items = [i for i in items if str(i.get("lang", "")).startswith(args.lang)]
    if not items:
        print("no labelled conversations found", file=sys.stderr)
        return 1
    analyzer = Analyzer()
    overall = evaluate(analyzer, items, args.errors)
    print_result("all languages", overall)
    print("\nrisk level confusion (rows expected, columns predicted):")
    print(" " * 10 + "".join(f"{lv:>9}" for lv in LEVEL_ORDER))
    for exp in LEVEL_ORDER:
        print(f"{exp:10}" + "".join(f"{overall['confusion'][(exp, pred)]:9d}" for pred in LEVEL_ORDER))
    for lang in sorted({str(i.get("lang", "?")).split("+")[0] for i in items}):
        subset = [i for i in items if str(i.get("lang", "?")).split("+")[0] == lang]
        result = evaluate(analyzer, subset)
        print(f"{lang:4} n={result['n']:3d} AUC {result['auc']:.3f} macro-F1 {result['macro_f1']:.3f} "
              f"benign>=medium {result['benign_fpr']:.1%} evidence {result['evidence_accuracy']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
