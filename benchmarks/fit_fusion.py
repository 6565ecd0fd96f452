"""Fit the fusion's model weights on the labelled conversations, with cross-validation.

    python benchmarks/fit_fusion.py [--model models/classifier.skops]

For each grid point (weight, min_probability) of `fusion.ModelWeights`, every conversation is
scored once; then 5 folds over conversations pick the best point on 4 folds and measure it on
the fifth. The objective is macro-F1 over the six categories, minus a penalty when benign
conversations reach `medium` or above more than 5% of the time. Prints the held-out figures and
the point chosen on all conversations (to write into `fusion.ModelWeights`).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import ROOT, load, score  # noqa: E402

from sextortion_flags import Analyzer  # noqa: E402
from sextortion_flags.fusion import ModelWeights  # noqa: E402

WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
MIN_PROBABILITIES = (0.5, 0.6, 0.7, 0.8, 0.9)


def objective(result: dict) -> float:
    return result["macro_f1"] - 2.0 * max(0.0, result["benign_fpr"] - 0.05) - 0.05 * len(result["sextortion_missed"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "conversations")
    args = parser.parse_args()
    items = load(args.data)
    grid = list(itertools.product(WEIGHTS, MIN_PROBABILITIES))
    reports = {}
    for weight, min_p in grid:
        analyzer = Analyzer(model=args.model or True, model_weights=ModelWeights(weight, min_p))
        reports[(weight, min_p)] = [analyzer.analyze(item) for item in items]
    folds = KFold(n_splits=5, shuffle=True, random_state=0)
    held_out = []
    for train_idx, test_idx in folds.split(items):
        def on(idx: np.ndarray, point: tuple[float, float]) -> dict:
            return score([reports[point][i] for i in idx], [items[i] for i in idx])
        best = max(grid, key=lambda point: objective(on(train_idx, point)))
        result = on(test_idx, best)
        held_out.append(result)
        print(f"fold: chose weight={best[0]} min_p={best[1]} -> held-out macro-F1 {result['macro_f1']:.3f}, "
              f"benign>=medium {result['benign_fpr']:.1%}")
    print(f"\nheld-out mean: macro-F1 {np.mean([r['macro_f1'] for r in held_out]):.3f}, "
          f"AUC {np.nanmean([r['auc'] for r in held_out]):.3f}, "
          f"benign>=medium {np.mean([r['benign_fpr'] for r in held_out]):.1%}")
    everything = np.arange(len(items))
    best = max(grid, key=lambda point: objective(score([reports[point][i] for i in everything], items)))
    print(f"chosen on all conversations: ModelWeights(weight={best[0]}, min_probability={best[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
