"""Rules alone on the message corpus: precision/recall per category, misses and false alarms.

    python scripts/rules_on_messages.py --lang fr [--split dev|test|all] [--show misses|fp] [--category threat]

The corpus is split by a hash of each id: rule authors tune on `dev` and report on `test`, so the
figures on `test` measure wording the authors did not look at.
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections import Counter
from pathlib import Path

from sextortion_flags.fusion import DEFAULT_THRESHOLDS
from sextortion_flags.models import REQUIRED_CATEGORIES
from sextortion_flags.rules.check import message_scores
from sextortion_flags.rules.engine import RuleEngine

DATA = Path(__file__).resolve().parent.parent / "data" / "messages"


def split_of(ident: str) -> str:
    return "dev" if zlib.crc32(ident.encode()) % 2 == 0 else "test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", help="language prefix (fr, en, es, ary, ar); default all")
    parser.add_argument("--split", default="dev", choices=("dev", "test", "all"))
    parser.add_argument("--show", choices=("misses", "fp"))
    parser.add_argument("--category")
    args = parser.parse_args()
    engine = RuleEngine()
    counts: Counter[tuple[str, str]] = Counter()
    shown = 0
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if args.lang and not item["lang"].startswith(args.lang):
                continue
            if args.split != "all" and split_of(item["id"]) != args.split:
                continue
            language = item["lang"].split("+")[0]
            scores, _ = message_scores(engine, item["text"], language)
            for category in REQUIRED_CATEGORIES:
                truth = category in item["labels"] and not item.get("hard_negative")
                pred = scores.get(category, 0.0) >= DEFAULT_THRESHOLDS[category]
                counts[(category, {(True, True): "tp", (False, True): "fp", (True, False): "fn"}.get(
                    (truth, pred), "tn"))] += 1
                if args.category and category != args.category:
                    continue
                if (args.show == "misses" and truth and not pred) or (args.show == "fp" and pred and not truth):
                    print(f"{args.show[:4].upper()} {category:18} {scores.get(category, 0):.2f} {item['text']!r}")
                    shown += 1
    print(f"\n{'category':20} {'P':>5} {'R':>5} {'F1':>5}   (split {args.split}, lang {args.lang or 'all'})")
    f1s = []
    for c in REQUIRED_CATEGORIES:
        tp, fp, fn = counts[(c, "tp")], counts[(c, "fp")], counts[(c, "fn")]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f)
        print(f"{c:20} {p:5.2f} {r:5.2f} {f:5.2f}   tp={tp} fp={fp} fn={fn}")
    print(f"macro-F1 {sum(f1s) / len(f1s):.3f}")


if __name__ == "__main__":
    main()
