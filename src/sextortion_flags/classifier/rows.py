"""What the classifier reads: rows of (normalized message, normalized previous message).

Kept apart from `features` so that scoring never imports scikit-learn (only training does).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sextortion_flags.models import REQUIRED_CATEGORIES
from sextortion_flags.normalize import normalize

CATEGORIES: tuple[str, ...] = REQUIRED_CATEGORIES


def prepare(texts: Sequence[str], prevs: Sequence[str] | None = None, *, normalized: bool = False) -> np.ndarray:
    """An (n, 2) object array of normalized (text, previous message) for the pipeline."""
    prevs = prevs if prevs is not None else [""] * len(texts)
    rows = np.empty((len(texts), 2), dtype=object)
    for i, (text, prev) in enumerate(zip(texts, prevs, strict=True)):
        rows[i, 0] = text if normalized else normalize(text or "").text
        rows[i, 1] = prev if normalized else normalize(prev or "").text
    return rows
