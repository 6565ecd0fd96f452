"""The trained pipeline, compiled for scoring: the same numbers as scikit-learn, without its overhead.

The classifier is linear: TF-IDF blocks (word 1-2-grams, char_wb 2-5-grams, previous message
words), weighted and stacked, then one logistic regression per category. Calling the sklearn
pipeline costs milliseconds per call in input validation and dispatch, and its char_wb analyzer
re-cuts the same words into n-grams in every message. `LinearScorer` reads the fitted vocabulary,
idf and coefficients once and computes the identical sparse features and probabilities, caching
each word's character n-grams (chat vocabulary repeats). `tests/test_classifier.py` checks it
against the pipeline on the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

_WHITE_SPACES = re.compile(r"\s\s+")  # sklearn's _white_spaces


@dataclass
class _Block:
    column: int
    offset: int
    vocabulary: dict[str, int]
    idf: np.ndarray
    weight: float
    analyzer: Callable[[str], list[str]] | None  # None: char_wb through the word cache
    ngram_range: tuple[int, int]


class LinearScorer:
    """Sparse features and per-category probabilities of (text, previous text) rows."""

    _CACHE_LIMIT = 200_000

    def __init__(self, pipeline: Any) -> None:
        features, classifier = pipeline[0], pipeline[-1]
        weights = features.transformer_weights or {}
        self.blocks: list[_Block] = []
        offset = 0
        for name, vectorizer, column in features.transformers_:
            if vectorizer == "drop":
                continue
            if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"
                    and not vectorizer.binary and vectorizer.analyzer in ("word", "char_wb")
                    and vectorizer.preprocessor is None and not vectorizer.lowercase):
                raise ValueError(f"feature block {name!r} has settings the fast scorer does not reproduce")
            char = vectorizer.analyzer == "char_wb"
            self.blocks.append(_Block(int(column), offset, vectorizer.vocabulary_,
                                      np.asarray(vectorizer.idf_, dtype=np.float64), float(weights.get(name, 1.0)),
                                      None if char else vectorizer.build_analyzer(), vectorizer.ngram_range))
            offset += len(vectorizer.vocabulary_)
        self.n_features = offset
        self._idf = np.concatenate([block.idf for block in self.blocks])
        self._weights = np.array([block.weight for block in self.blocks])
        estimators = classifier.estimators_
        coef = np.vstack([np.asarray(e.coef_, dtype=np.float64).ravel() for e in estimators]).T
        self.coef = np.ascontiguousarray(coef)  # scipy would copy a transposed matrix on every product
        self.intercept = np.array([float(np.ravel(e.intercept_)[0]) for e in estimators])
        self._char_cache: dict[str, tuple[int, ...]] = {}

    def _char_ids(self, block: _Block, word: str) -> tuple[int, ...]:
        """Feature ids of one word's char_wb n-grams, with repeats (sklearn's _char_wb_ngrams)."""
        found = self._char_cache.get(word)
        if found is not None:
            return found
        padded = f" {word} "
        size = len(padded)
        low, high = block.ngram_range
        ids = []
        vocabulary, offset = block.vocabulary, block.offset
        for n in range(low, high + 1):
            for start in range(max(size - n + 1, 1)):
                index = vocabulary.get(padded[start:start + n])
                if index is not None:
                    ids.append(offset + index)
            if size <= n:  # a short word counts once
                break
        found = tuple(ids)
        if len(self._char_cache) >= self._CACHE_LIMIT:
            self._char_cache.clear()
        self._char_cache[word] = found
        return found

    def transform(self, rows: Sequence[Sequence[str]]) -> csr_matrix:
        """CSR features of rows (text, previous text), identical to the pipeline's first step.

        Python only collects which vocabulary entries occur; counting, sublinear tf, idf, the L2
        norm of each block and the block weights are computed for the whole batch in numpy.
        """
        occurrences: list[int] = []
        lengths: list[int] = []
        for row in rows:
            for block in self.blocks:
                before = len(occurrences)
                text = row[block.column]
                if block.analyzer is None:
                    for word in _WHITE_SPACES.sub(" ", text).split():
                        occurrences.extend(self._char_ids(block, word))
                else:
                    vocabulary, offset = block.vocabulary, block.offset
                    occurrences.extend(offset + i for g in block.analyzer(text)
                                       if (i := vocabulary.get(g)) is not None)
                lengths.append(len(occurrences) - before)
        n_rows, n_blocks = len(rows), len(self.blocks)
        if not occurrences:
            return csr_matrix((n_rows, self.n_features), dtype=np.float64)
        groups = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        keys, counts = np.unique(groups * self.n_features + np.asarray(occurrences, dtype=np.int64),
                                 return_counts=True)
        group, feature = np.divmod(keys, self.n_features)
        values = (1.0 + np.log(counts)) * self._idf[feature]
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=len(lengths)))
        values *= self._weights[group % n_blocks] / norms[group]
        return csr_matrix((values, (group // n_blocks, feature)), shape=(n_rows, self.n_features))

    def predict_proba(self, features: csr_matrix) -> np.ndarray:
        """(rows, categories) independent probabilities, as the one-vs-rest logistic regressions give."""
        decision = features @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-decision))
