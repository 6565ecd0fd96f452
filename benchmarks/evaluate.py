"""Evaluate the analyzer on labelled conversations (data/conversations/*.jsonl).

    python benchmarks/evaluate.py [--data data/conversations] [--lang fr] [--errors]

Prints: conversation ROC AUC (risky = sextortion + grooming), per-category precision/recall/F1,
the risk-level confusion matrix, the false-positive rate of benign conversations at `medium` or
above, evidence accuracy (a flag's evidence includes a labelled message), per language; rules
only, model only and fused side by side; and the early-warning latency (after how many messages
a risky conversation first reaches `high`).

The classifier is trained on data/messages, never on these conversations, so every figure here
is held out for the model; the fusion weights are fitted by benchmarks/fit_fusion.py with
cross-validation over these conversations.
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
    return score([analyzer.analyze(item) for item in items], items, show_errors)


def score(reports: list, items: list[dict], show_errors: bool = False) -> dict:
    """The figures for reports already computed on `items` (same order)."""
    scores, labels = [], []
    counts: dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    benign = benign_fp = 0
    ev_total = ev_right = 0
    sextortion_missed = []
    for item, report in zip(items, reports, strict=True):
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


def early_warning(analyzer: Analyzer, items: list[dict]) -> dict:
    """Messages read before a risky conversation first reaches `high` (eSPD-style latency)."""
    latencies, never = [], 0
    for item in items:
        if item.get("label") not in ("sextortion", "grooming") or item.get("expected_risk") not in ("high", "critical"):
            continue
        n = len(item["messages"])
        for k in range(1, n + 1):
            prefix = {**item, "messages": item["messages"][:k]}
            if analyzer.analyze(prefix).risk_level in ("high", "critical"):
                latencies.append((k, n))
                break
        else:
            never += 1
    ratios = sorted(k / n for k, n in latencies)
    return {
        "conversations": len(latencies) + never,
        "reached_high": len(latencies),
        "median_messages": sorted(k for k, _ in latencies)[len(latencies) // 2] if latencies else None,
        "median_fraction": ratios[len(ratios) // 2] if ratios else None,
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
    parser.add_argument("--model", help="a classifier artifact (default: the packaged one)")
    parser.add_argument("--no-compare", action="store_true", help="skip the rules/model/fused comparison")
    parser.add_argument("--update-card", action="store_true",
                        help="write the figures into models/model_card.json (conversation_evaluation)")
    args = parser.parse_args(argv)
    items = load(args.data)
    if args.lang:
        items = [i for i in items if str(i.get("lang", "")).startswith(args.lang)]
    if not items:
        print("no labelled conversations found", file=sys.stderr)
        return 1
    analyzer = Analyzer(model=args.model) if args.model else Analyzer()
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
    warning = early_warning(analyzer, items)
    print(f"\nearly warning: {warning['reached_high']}/{warning['conversations']} risky conversations reach high; "
          f"median {warning['median_messages']} messages read "
          f"({warning['median_fraction']:.0%} of the conversation)" if warning["median_fraction"] is not None
          else "\nearly warning: no risky conversation reached high")
    table = {}
    if not args.no_compare and analyzer.classifier is not None:
        print("\n| variant | ROC AUC | macro-F1 | benign >= medium | sextortion below high | evidence |")
        print("|---|---|---|---|---|---|")
        variants = [("rules + signals", Analyzer(model=False)),
                    ("model + signals", Analyzer(model=args.model or True, use_rules=False)),
                    ("fused", analyzer)]
        for name, variant in variants:
            r = evaluate(variant, items)
            table[name] = {"roc_auc": round(r["auc"], 4), "macro_f1": round(r["macro_f1"], 4),
                           "benign_medium_or_above": round(r["benign_fpr"], 4),
                           "sextortion_below_high": len(r["sextortion_missed"]),
                           "evidence_accuracy": round(r["evidence_accuracy"], 4)}
            print(f"| {name} | {r['auc']:.3f} | {r['macro_f1']:.3f} | {r['benign_fpr']:.1%} | "
                  f"{len(r['sextortion_missed'])} | {r['evidence_accuracy']:.1%} |")
    if args.update_card:
        card_path = ROOT / "models" / "model_card.json"
        card = json.loads(card_path.read_text(encoding="utf-8"))
        card["conversation_evaluation"] = {
            "data": f"data/conversations ({len(items)} labelled conversations, never used for training)",
            "command": "python benchmarks/evaluate.py --update-card",
            "variants": table,
            "per_category_fused": {c: {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
                                   for c, (p, r, f) in overall["per_category"].items()},
            "early_warning": warning,
            "caveats": [
                "the classifier never saw these conversations; the rule authors did look at errors on them while "
                "writing rules, so rules-only and fused figures here are optimistic",
                "fusion weights come from benchmarks/fit_fusion.py (5-fold CV over these conversations); its "
                "held-out figures are the fairer estimate",
                "held-out rules-only figures on messages: scripts/rules_on_messages.py --split test",
            ],
        }
        card_path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"updated {card_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
