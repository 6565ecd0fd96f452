"""The classifier pipeline, built by one function (scikit-learn's habit: no hand-glued steps).

Input rows are (normalized text, normalized previous message). Features: TF-IDF word 1-2-grams
and character 2-5-grams (within word boundaries, robust to spelling variants, arabizi and
typos) of the message, plus word n-grams of the previous message at a lower weight. One
class-balanced logistic regression per category (one-vs-rest) gives independent probabilities.
"""

from __future__ import annotations

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline

from sextortion_flags.classifier.rows import CATEGORIES, prepare

__all__ = ["CATEGORIES", "CompactTfidfVectorizer", "build_pipeline", "prepare"]
TOKEN_PATTERN = r"(?u)\b\w+\b"


class CompactTfidfVectorizer(TfidfVectorizer):
    """A TfidfVectorizer whose vocabulary is saved as one string, not a dict of 50,000 entries.

    skops rebuilds a dict entry by entry (seconds for a large vocabulary); one string and a
    split are milliseconds. Everything else is TfidfVectorizer's.
    """

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            state["_terms"] = "\x00".join(sorted(vocabulary, key=vocabulary.__getitem__))
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        terms = state.pop("_terms", None)
        if terms is not None:
            state["vocabulary_"] = {term: i for i, term in enumerate(terms.split("\x00"))}
        self.__dict__.update(state)


def build_pipeline(seed: int = 0, c: float = 4.0) -> Pipeline:
    features = ColumnTransformer(
        [
            ("word", CompactTfidfVectorizer(lowercase=False, token_pattern=TOKEN_PATTERN, ngram_range=(1, 2), min_df=2,
                                     max_features=40_000, sublinear_tf=True, dtype=np.float32), 0),
            ("char", CompactTfidfVectorizer(lowercase=False, analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                     max_features=60_000, sublinear_tf=True, dtype=np.float32), 0),
            ("prev", CompactTfidfVectorizer(lowercase=False, token_pattern=TOKEN_PATTERN, ngram_range=(1, 1), min_df=2,
                                     max_features=10_000, sublinear_tf=True, dtype=np.float32), 1),
        ],
        transformer_weights={"word": 1.0, "char": 1.0, "prev": 0.35},
    )
    classifier = OneVsRestClassifier(
        LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear", random_state=seed)
    )
    return Pipeline([("features", features), ("classifier", classifier)])
