"""The classifier at run time: probabilities per message and the n-grams behind them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sextortion_flags.classifier.linear import LinearScorer
from sextortion_flags.classifier.persistence import COMPILED_FILE, MODEL_FILE, load, load_compiled
from sextortion_flags.classifier.rows import CATEGORIES
from sextortion_flags.errors import ModelFileError
from sextortion_flags.lexicon import RESOURCE_ROOT

PACKAGED_FOLDER = RESOURCE_ROOT / "model"
SOURCE_TREE_FOLDER = Path(__file__).resolve().parents[3] / "models"  # editable installs


def packaged_model_path() -> Path | None:
    """The shipped model: its compiled arrays when present (fast, no scikit-learn), else the skops file."""
    for folder in (PACKAGED_FOLDER, SOURCE_TREE_FOLDER):
        for name in (COMPILED_FILE, MODEL_FILE):
            if (folder / name).is_file():
                return folder / name
    return None


def _telling(ngram: str) -> bool:
    """Short function words ("va", "ton") explain nothing on their own."""
    return " " in ngram or len(ngram) >= 4 or any(c.isdigit() for c in ngram)


class MessageClassifier:
    """The classifier at run time; `name` is what evidence sources say (`model:<name>`).

    `pipeline` is the scikit-learn pipeline when the model was loaded from its skops file (None
    when loaded from compiled arrays); scoring always goes through the compiled `LinearScorer`.
    """

    def __init__(self, scorer: LinearScorer, card: dict[str, Any], pipeline: Any = None) -> None:
        self.scorer = scorer
        self.pipeline = pipeline
        self.card = card
        self.name = str(card.get("name", "tfidf-logreg"))
        self.version = str(card.get("version", "unknown"))
        classes = list(card.get("categories", CATEGORIES))
        if len(classes) != scorer.coef.shape[1]:
            raise ModelFileError("the model's categories do not match its model card")
        self.categories: tuple[str, ...] = tuple(classes)
        self._is_word = np.zeros(scorer.n_features, dtype=bool)
        for block in scorer.blocks:
            if block.name == "word":
                self._is_word[block.offset:block.offset + len(block.terms)] = True

    @classmethod
    def load(cls, path: str | Path) -> MessageClassifier:
        path = Path(path)
        if path.suffix == ".npz" or (path.is_dir() and (path / COMPILED_FILE).is_file()):
            scorer, card = load_compiled(path)
            return cls(scorer, card)
        pipeline, card = load(path)
        try:
            scorer = LinearScorer.from_pipeline(pipeline)
        except (ValueError, AttributeError, TypeError, KeyError, IndexError) as exc:
            raise ModelFileError(f"{path}: not a model this version can score ({exc})") from None
        return cls(scorer, card, pipeline)

    def transform(self, rows: Any) -> Any:
        """Sparse features of (normalized text, normalized previous text) rows."""
        return self.scorer.transform(rows)

    def predict_proba(self, features: Any) -> np.ndarray:
        """(n, categories) probabilities from transformed features."""
        return self.scorer.predict_proba(features)

    def top_ngrams(self, features: Any, row: int, category: str, k: int = 3) -> list[str]:
        """The word n-grams of the message that pushed this category's score up the most."""
        coef = self.scorer.coef[:, self.categories.index(category)]
        names = self.scorer.feature_names
        start, end = features.indptr[row], features.indptr[row + 1]
        indices, values = features.indices[start:end], features.data[start:end]
        contributions = values * coef[indices]
        # words read better than char n-grams: the positive word features, strongest first
        words = np.flatnonzero((contributions > 0) & self._is_word[indices])
        out: list[str] = []
        for j in words[np.argsort(-contributions[words], kind="stable")]:
            name = names[indices[j]]
            if _telling(name):
                out.append(name)
                if len(out) >= k:
                    break
        if not out:  # only character n-grams: show the strongest, trimmed
            order = np.argsort(-contributions, kind="stable")
            out = [names[indices[j]].strip() for j in order[:k] if contributions[j] > 0]
        return out
