"""The trained pipeline, compiled for scoring: the same numbers as scikit-learn, without scikit-learn.

The classifier is linear: TF-IDF blocks (word 1-2-grams, char_wb 2-5-grams, previous message
words), weighted and stacked, then one logistic regression per category. `LinearScorer` reads the
fitted vocabulary, idf and coefficients once and computes the identical sparse features and
probabilities:

- no per-call validation and dispatch (milliseconds per call in the pipeline);
- each word's character n-grams are cut once and cached (chat vocabulary repeats);
- counting, sublinear tf, idf, the per-block L2 norm and the block weights run in numpy per batch.

It saves to and loads from plain NumPy arrays (`to_arrays`/`from_arrays`, an `.npz` read with
`allow_pickle=False`: data only, no code), so scoring needs neither scikit-learn nor skops and
an analyzer loads in a fraction of the time. `tests/test_classifier.py` checks it against the
pipeline.
"""

from __future__ import annotations

import array
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from operator import itemgetter
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from sextortion_flags.caching import FillingCache

FORMAT_VERSION = 1


@dataclass
class _Block:
    name: str
    column: int
    offset: int
    terms: list[str]
    idf: np.ndarray
    weight: float
    analyzer: str  # "word" | "char_wb"
    ngram_range: tuple[int, int]
    token_pattern: str

    def __post_init__(self) -> None:
        self.vocabulary = {term: i for i, term in enumerate(self.terms)}
        self.tokens = re.compile(self.token_pattern)
        # Feature ids (offset included) of unigrams and of bigrams keyed by their two tokens: a
        # text's ids are then dictionary look-ups mapped in C, with -1 for what is not in the vocabulary.
        self.unigram_ids: dict[str, int] = {}
        self.bigram_ids: dict[tuple[str, str], int] = {}
        for term, i in (self.vocabulary.items() if self.analyzer == "word" else ()):
            parts = term.split(" ")
            if len(parts) == 1:
                self.unigram_ids[term] = self.offset + i
            elif len(parts) == 2:
                self.bigram_ids[(parts[0], parts[1])] = self.offset + i
        self.char_ids: FillingCache | None = None  # word -> its char n-gram ids, on first sight
        self.char_vocabulary: dict[str, int] = {}  # n-gram -> feature id, offset included
        if self.analyzer == "char_wb":
            self.char_vocabulary = {term: self.offset + i for term, i in self.vocabulary.items()}
            self.char_ids = FillingCache(partial(_char_ngram_ids, self), CHAR_CACHE_LIMIT)

    def ids_of(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Feature ids (offset included, -1 when not in the vocabulary, or left out for char n-grams)
        of every n-gram occurrence in `texts`, and the index of the text each occurrence is in."""
        if self.char_ids is not None:  # scikit-learn's char_wb: whitespace-split words
            words = list(map(str.split, texts))
            packed = list(map(self.char_ids.__getitem__, itertools.chain.from_iterable(words)))
            per_word = np.fromiter(map(len, packed), dtype=np.int64, count=len(packed)) // _ID.itemsize
            word_text = np.repeat(np.arange(len(texts)), np.fromiter(map(len, words), np.int64, len(words)))
            return np.frombuffer(b"".join(packed), dtype=_ID).astype(np.int64), np.repeat(word_text, per_word)
        if self.ngram_range[1] > 2:  # not in the shipped model: the general n-gram path
            grams = list(map(self.words, texts))
            vocabulary, offset = self.vocabulary, self.offset
            found = [offset + vocabulary.get(g, -1 - offset) for g in itertools.chain.from_iterable(grams)]
            lengths = np.fromiter(map(len, grams), np.int64, len(grams))
            return np.asarray(found, dtype=np.int64), np.repeat(np.arange(len(texts)), lengths)
        # Every text's tokens and an end mark in one sequence: a pair across the mark is no bigram
        # (-1), and each position belongs to the text its token is in (the mark to the one before).
        tokens = list(map(self.tokens.findall, texts))
        sequence = list(itertools.chain.from_iterable(map(_marked, tokens)))
        at = np.repeat(np.arange(len(texts)), np.fromiter(map(len, tokens), np.int64, len(tokens)))  # mark included
        low, high = self.ngram_range
        found, text_of = [], []
        if low <= 1:
            found.append(np.fromiter(map(self.unigram_ids.get, sequence, itertools.repeat(-1)), np.int64,
                                     len(sequence)))
            text_of.append(at)
        if low <= 2 <= high and len(sequence) > 1:
            found.append(np.fromiter(map(self.bigram_ids.get, zip(sequence, sequence[1:]),  # noqa: B905
                                         itertools.repeat(-1)), np.int64, len(sequence) - 1))
            text_of.append(at[:-1])
        if not found:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(found), np.concatenate(text_of)

    def words(self, text: str) -> list[str]:
        """scikit-learn's word analyzer (no lowercasing, no stop words): tokens, then n-grams."""
        tokens = self.tokens.findall(text)
        low, high = self.ngram_range
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return grams


CHAR_CACHE_LIMIT = 200_000


def _char_ngram_ids(block: _Block, word: str) -> bytes:
    """Feature ids of one word's char_wb n-grams that are in the vocabulary, with repeats (scikit-learn's
    _char_wb_ngrams), packed as int32: a batch's words are joined in C and read by numpy without a
    Python int per id."""
    padded = f" {word} "
    size = len(padded)
    slices = _gram_slices(size, block.ngram_range) if size <= _SLICED_SIZES else _slices(size, block.ngram_range)
    grams = map(padded.__getitem__, slices)
    return array.array("i", filter(_UNKNOWN.__ne__, map(block.char_vocabulary.get, grams, _UNKNOWNS))).tobytes()


_UNKNOWN = -1
_UNKNOWNS = itertools.repeat(_UNKNOWN)


_SLICED_SIZES = 64  # padded words up to this size keep their slice table (longer ones are rare)


def _slices(size: int, ngram_range: tuple[int, int]) -> tuple[slice, ...]:
    """Where the char_wb n-grams of a padded word of `size` characters lie, in scikit-learn's order:
    every n-gram for each n in turn, and a word no longer than n counts once, whole, for the first
    such n (and no longer n). The same for every word of that size, so cutting one word is a `map`."""
    low, high = ngram_range
    slices = []
    for n in range(low, high + 1):
        if size <= n:  # a short word counts once
            slices.append(slice(0, size))
            break
        slices += [slice(start, start + n) for start in range(size - n + 1)]
    return tuple(slices)


_gram_slices = lru_cache(maxsize=256)(_slices)  # bounded: sizes up to _SLICED_SIZES only


_ID = np.dtype(np.intc)  # what array("i") packs: a C int, native byte order
_END = object()  # marks the end of a text's tokens: never a token, in no unigram or bigram


def _marked(tokens: list[Any]) -> list[Any]:
    tokens.append(_END)
    return tokens


class LinearScorer:
    """Sparse features and per-category probabilities of (text, previous text) rows."""

    def __init__(self, blocks: list[_Block], coef: np.ndarray, intercept: np.ndarray) -> None:
        self.blocks = blocks
        self.n_features = sum(len(b.terms) for b in blocks)
        if coef.shape[0] != self.n_features or coef.shape[1] != intercept.shape[0]:
            raise ValueError("coefficients do not match the vocabulary")
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)  # scipy copies a transposed matrix per product
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self._idf = np.concatenate([block.idf for block in blocks])
        self._weights = np.array([block.weight for block in blocks])
        self.feature_names = [term for block in blocks for term in block.terms]

    # ------------------------------------------------------------------ building

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> LinearScorer:
        """From the fitted scikit-learn pipeline (ColumnTransformer of TfidfVectorizers + one-vs-rest LR)."""
        features, classifier = pipeline[0], pipeline[-1]
        weights = features.transformer_weights or {}
        blocks, offset = [], 0
        for name, vectorizer, column in features.transformers_:
            if vectorizer == "drop":
                continue
            if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"
                    and not vectorizer.binary and vectorizer.analyzer in ("word", "char_wb")
                    and vectorizer.preprocessor is None and vectorizer.tokenizer is None
                    and vectorizer.stop_words is None and not vectorizer.lowercase
                    and vectorizer.strip_accents is None):
                raise ValueError(f"feature block {name!r} has settings the fast scorer does not reproduce")
            vocabulary = vectorizer.vocabulary_
            terms = sorted(vocabulary, key=vocabulary.__getitem__)
            blocks.append(_Block(name, int(column), offset, terms, np.asarray(vectorizer.idf_, dtype=np.float64),
                                 float(weights.get(name, 1.0)), vectorizer.analyzer, tuple(vectorizer.ngram_range),
                                 vectorizer.token_pattern or r"(?u)\b\w\w+\b"))
            offset += len(terms)
        estimators = classifier.estimators_
        coef = np.vstack([np.asarray(e.coef_, dtype=np.float64).ravel() for e in estimators]).T
        intercept = np.array([float(np.ravel(e.intercept_)[0]) for e in estimators])
        return cls(blocks, coef, intercept)

    def to_arrays(self) -> dict[str, np.ndarray]:
        meta = {"format": FORMAT_VERSION, "blocks": [
            {"name": b.name, "column": b.column, "weight": b.weight, "analyzer": b.analyzer,
             "ngram_range": list(b.ngram_range), "token_pattern": b.token_pattern} for b in self.blocks]}
        arrays = {"meta": np.array(json.dumps(meta)), "coef": self.coef, "intercept": self.intercept}
        for i, block in enumerate(self.blocks):
            arrays[f"terms_{i}"] = np.array("\x00".join(block.terms))
            arrays[f"idf_{i}"] = block.idf
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Any) -> LinearScorer:
        """From `to_arrays()` output (e.g. an `.npz` opened with allow_pickle=False)."""
        meta = json.loads(str(arrays["meta"]))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"compiled model format {meta.get('format')!r}, expected {FORMAT_VERSION}")
        blocks, offset = [], 0
        for i, spec in enumerate(meta["blocks"]):
            joined = str(arrays[f"terms_{i}"])
            terms = joined.split("\x00") if joined else []
            idf = np.asarray(arrays[f"idf_{i}"], dtype=np.float64)
            if idf.shape != (len(terms),):
                raise ValueError(f"block {spec['name']!r}: {len(terms)} terms but {idf.shape} idf values")
            blocks.append(_Block(str(spec["name"]), int(spec["column"]), offset, terms, idf, float(spec["weight"]),
                                 str(spec["analyzer"]), tuple(spec["ngram_range"]), str(spec["token_pattern"])))
            offset += len(terms)
        return cls(blocks, np.asarray(arrays["coef"]), np.asarray(arrays["intercept"]))

    # ------------------------------------------------------------------ scoring

    def transform(self, rows: Sequence[Sequence[str]]) -> csr_matrix:
        """CSR features of rows (text, previous text), identical to the pipeline's first step.

        Block by block over the whole batch, Python only maps tokens to vocabulary ids (dictionary
        look-ups run by `map`, -1 when a token is not in the vocabulary): no Python loop per row.
        Counting, sublinear tf, idf, the L2 norm of each block and the block weights are computed
        for the whole batch in numpy.
        """
        n_rows, n_blocks = len(rows), len(self.blocks)
        all_ids, all_groups = [], []
        for b, block in enumerate(self.blocks):
            texts = list(map(itemgetter(block.column), rows))
            ids, row_of = block.ids_of(texts)
            all_ids.append(ids)
            all_groups.append(row_of * n_blocks + b)
        ids, groups = np.concatenate(all_ids), np.concatenate(all_groups)
        known = ids >= 0
        if not known.all():
            ids, groups = ids[known], groups[known]
        if not ids.size:
            return csr_matrix((n_rows, self.n_features), dtype=np.float64)
        keys = groups * self.n_features + ids
        if (n_rows * n_blocks + 1) * self.n_features < 2**31:  # every key fits in 32 bits
            keys = keys.astype(np.int32)  # sorting 32-bit keys takes half the time
        keys, counts = np.unique(keys, return_counts=True)
        group, feature = np.divmod(keys, self.n_features)
        values = (1.0 + np.log(counts)) * self._idf[feature]
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=n_rows * n_blocks))
        values *= self._weights[group % n_blocks] / norms[group]
        return csr_matrix((values, (group // n_blocks, feature)), shape=(n_rows, self.n_features))

    def predict_proba(self, features: csr_matrix) -> np.ndarray:
        """(rows, categories) independent probabilities, as the one-vs-rest logistic regressions give."""
        decision = features @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-decision))
