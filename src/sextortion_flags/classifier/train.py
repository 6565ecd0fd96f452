"""Train the message classifier: `python -m sextortion_flags.classifier.train`.

Reads data/messages/*.jsonl, cross-validates (fixed seed, K folds) for the model card's
figures, fits on everything, and writes models/classifier.skops + models/model_card.json.
`--smoke N` trains on the first N messages with 2 folds into a temporary folder (for CI).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import KFold, cross_val_predict

from sextortion_flags._version import __version__
from sextortion_flags.classifier.features import CATEGORIES, build_pipeline, prepare
from sextortion_flags.classifier.linear import LinearScorer
from sextortion_flags.classifier.persistence import save, save_compiled

ROOT = Path(__file__).resolve().parents[3]
THRESHOLD = 0.5


def _jsonl_lines(folder: Path) -> tuple[list[tuple[Path, list[str]]], str]:
    """Each `*.jsonl` file of a folder with its lines, and one sha256 over names and bytes."""
    files = []
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.jsonl")):
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw)
        files.append((path, raw.decode("utf-8").splitlines()))
    return files, digest.hexdigest()


def load_corpus(folder: Path) -> tuple[list[dict[str, Any]], str]:
    files, digest = _jsonl_lines(folder)
    return [json.loads(line) for _path, lines in files for line in lines if line.strip()], digest


EVERYDAY_HELD_OUT = 3
"""Every third line of data/everyday/ is kept out of training, to measure false alarms on ordinary chat."""


def load_everyday(folder: Path) -> tuple[list[dict[str, Any]], str]:
    """Ordinary chat (data/everyday/): negatives for every category, minus the held-out lines."""
    files, digest = _jsonl_lines(folder)
    rows: list[dict[str, Any]] = []
    for path, lines in files:
        for number, line in enumerate(lines):
            if line.strip() and number % EVERYDAY_HELD_OUT:
                item = json.loads(line)
                rows.append({"id": f"{path.stem}-everyday-{number}", "lang": item["lang"], "text": item["text"],
                             "labels": [], "hard_negative": False, "topic": "everyday"})
    return rows, digest


def targets(rows: list[dict[str, Any]]) -> np.ndarray:
    """Multi-label targets. A hard negative is a negative for every category: its `labels`, when
    present, only say what it looks like (a seller's "text me on WhatsApp", a landlord's threat)."""
    return np.array([[c in row["labels"] and not row.get("hard_negative") for c in CATEGORIES] for row in rows],
                    dtype=int)


def _prf(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tp = int((y & pred).sum())
    fp = int(((1 - y) & pred).sum())
    fn = int((y & (1 - pred)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
            "support": int(y.sum())}


def calibration(y: np.ndarray, proba: np.ndarray, bins: int = 10) -> dict[str, float]:
    """Brier score and expected calibration error (equal-width bins)."""
    brier = float(np.mean((proba - y) ** 2))
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (proba >= lo) & (proba < hi if hi < 1 else proba <= hi)
        if mask.any():
            ece += mask.mean() * abs(proba[mask].mean() - y[mask].mean())
    return {"brier": round(brier, 4), "ece": round(float(ece), 4)}


def metrics(rows: list[dict[str, Any]], y: np.ndarray, proba: np.ndarray) -> dict[str, Any]:
    pred = (proba >= THRESHOLD).astype(int)
    per_category = {c: {**_prf(y[:, k], pred[:, k]), **calibration(y[:, k], proba[:, k])}
                    for k, c in enumerate(CATEGORIES)}
    langs = np.array([str(r["lang"]).split("+")[0] for r in rows])
    per_language = {}
    for lang in sorted(set(langs)):
        mask = langs == lang
        f1s = [_prf(y[mask, k], pred[mask, k])["f1"] for k in range(len(CATEGORIES))]
        per_language[lang] = {"n": int(mask.sum()), "macro_f1": round(float(np.mean(f1s)), 4)}
    hard = np.array([bool(r.get("hard_negative")) for r in rows])
    hard_none = hard & (y.sum(axis=1) == 0)
    return {
        "macro_f1": round(float(np.mean([m["f1"] for m in per_category.values()])), 4),
        "per_category": per_category,
        "per_language": per_language,
        "hard_negative_false_alarm_rate": round(float(pred[hard_none].any(axis=1).mean()), 4) if hard_none.any()
        else None,
    }


def train(data: Path, out: Path, folds: int = 5, seed: int = 0, limit: int | None = None) -> dict[str, Any]:
    rows, data_hash = load_corpus(data)
    if limit:
        rows = rows[:limit]
    else:
        everyday, everyday_hash = load_everyday(data.parent / "everyday")
        rows += everyday
        data_hash = hashlib.sha256((data_hash + everyday_hash).encode()).hexdigest()
    x = prepare([r["text"] for r in rows], [r.get("prev") or "" for r in rows])
    y = targets(rows)
    started = time.perf_counter()
    cv = KFold(n_splits=folds, shuffle=True, random_state=seed)
    proba = cross_val_predict(build_pipeline(seed), x, y, cv=cv, method="predict_proba")
    cv_metrics = metrics(rows, y, proba)
    model = build_pipeline(seed).fit(x, y)
    card = {
        "name": "tfidf-logreg",
        "version": f"clf {date.today().isoformat()}",
        "library_version": __version__,
        "categories": list(CATEGORIES),
        "threshold": THRESHOLD,
        "training_data": {"path": "data/messages/*.jsonl + data/everyday/*.jsonl (2 lines in 3, as negatives)",
                          "sha256": data_hash, "messages": len(rows),
                          "per_language": {lang: int(sum(str(r["lang"]).split("+")[0] == lang for r in rows))
                                           for lang in sorted({str(r["lang"]).split("+")[0] for r in rows})}},
        "model": "TF-IDF word 1-2-grams + char_wb 2-5-grams of the normalized message, word unigrams of the "
                 "previous message (weight 0.35); one-vs-rest class-balanced logistic regression (C=4)",
        "seed": seed,
        "cross_validation": {"folds": folds, "shuffle": True, **cv_metrics},
        "training_seconds": round(time.perf_counter() - started, 1),
        "intended_use": "message-level scores combined with rules and conversation signals by the analyzer; "
                        "not a standalone decision",
        "limits": "trained on invented, non-graphic chat text in fr/en/es/ary/ar; messages are short; "
                  "figures are cross-validated on the same corpus and can be optimistic for other wording",
    }
    save(model, card, out)
    save_compiled(LinearScorer.from_pipeline(model), out)
    return card


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sextortion_flags.classifier.train", description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "messages")
    parser.add_argument("--out", type=Path, default=ROOT / "models")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", type=int, metavar="N", help="train on the first N messages with 2 folds")
    args = parser.parse_args(argv)
    folds = 2 if args.smoke else args.folds
    card = train(args.data, args.out, folds=folds, seed=args.seed, limit=args.smoke)
    cv = card["cross_validation"]
    print(f"{card['training_data']['messages']} messages, {folds}-fold CV macro-F1 {cv['macro_f1']:.3f}")
    for category, m in cv["per_category"].items():
        print(f"  {category:20} P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
              f"Brier {m['brier']:.3f} ECE {m['ece']:.3f}")
    for lang, m in cv["per_language"].items():
        print(f"  {lang:4} n={m['n']:5d} macro-F1 {m['macro_f1']:.3f}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
