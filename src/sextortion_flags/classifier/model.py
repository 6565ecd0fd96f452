"""The classifier at run time: probabilities per message and the n-grams behind them."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from sextortion_flags.classifier.features import CATEGORIES
from sextortion_flags.classifier.linear import LinearScorer
from sextortion_flags.classifier.persistence import MODEL_FILE, load
from sextortion_flags.errors import ModelFileError
from sextortion_flags.lexicon import RESOURCE_ROOT

PACKAGED_MODEL = RESOURCE_ROOT / "model" / MODEL_FILE
SOURCE_TREE_MODEL = Path(__file__).resolve().parents[3] / "models" / MODEL_FILE  # editable installs


def packaged_model_path() -> Path | None:
    for path in (PACKAGED_MODEL, SOURCE_TREE_MODEL):
        if path.is_file():
            return path
    return None


def _telling(ngram: str) -> bool:
    """Short function words ("va", "ton") explain nothing on their own."""
    return " " in ngram or len(ngram) >= 4 or any(c.isdigit() for c in ngram)


class MessageClassifier:
    """Wraps the trained pipeline; `name` is what evidence sources say (`model:<name>`)."""

    def __init__(self, pipeline: Any, card: dict[str, Any]) -> None:
        self.pipeline = pipeline
        self.card = card
        self.name = str(card.get("name", "tfidf-logreg"))
        self.version = str(card.get("version", "unknown"))
        classes = list(card.get("categories", CATEGORIES))
        if len(classes) != len(pipeline[-1].estimators_):
            raise ModelFileError("the model's categories do not match its model card")
        self.categories: tuple[str, ...] = tuple(classes)

    @classmethod
    def load(cls, path: str | Path) -> MessageClassifier:
        pipeline, card = load(Path(path))
        return cls(pipeline, card)

    @cached_property
    def _scorer(self) -> LinearScorer:
        return LinearScorer(self.pipeline)

    def transform(self, rows: Any) -> Any:
        """Sparse features of (normalized text, normalized previous text) rows."""
        return self._scorer.transform(rows)

    def predict_proba(self, features: Any) -> np.ndarray:
        """(n, categories) probabilities from transformed features."""
        return self._scorer.predict_proba(features)

    @cached_property
    def _feature_names(self) -> np.ndarray:
        names = self.pipeline[0].get_feature_names_out()
        return np.array([n.split("__", 1)[1] if "__" in n else n for n in names], dtype=object)

    @cached_property
    def _feature_kinds(self) -> np.ndarray:
        return np.array([n.split("__", 1)[0] for n in self.pipeline[0].get_feature_names_out()], dtype=object)

    def top_ngrams(self, features: Any, row: int, category: str, k: int = 3) -> list[str]:
        """The word n-grams of the message that pushed this category's score up the most."""
        estimator = self.pipeline[-1].estimators_[self.categories.index(category)]
        coef = np.asarray(estimator.coef_).ravel()
        start, end = features.indptr[row], features.indptr[row + 1]
        indices, values = features.indices[start:end], features.data[start:end]
        contributions = values * coef[indices]
        order = np.argsort(-contributions)
        out: list[str] = []
        for j in order:
            if contributions[j] <= 0 or len(out) >= k:
                break
            name = str(self._feature_names[indices[j]])
            if self._feature_kinds[indices[j]] == "word" and _telling(name):  # words read better than char n-grams
                out.append(name)
        if not out:  # only character n-grams: show the strongest, trimmed
            out = [str(self._feature_names[indices[j]]).strip() for j in order[:k] if contributions[j] > 0]
        return out
