"""Saving and loading the classifier with skops (never pickle), with an explicit trust list.

A model file from a user path is inspected before anything in it is built: every type named in
its schema must be on the list below, or loading stops with an error naming the unexpected types.
skops' own check alone is not enough here: it trusts every scikit-learn estimator by default.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from sextortion_flags.errors import ModelFileError

TRUSTED_TYPES: tuple[str, ...] = (
    "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str", "builtins.int", "builtins.float",
    "builtins.slice", "collections.defaultdict", "collections.OrderedDict",
    "numpy.dtype", "numpy.ndarray", "numpy.float32", "numpy.float64", "numpy.int64", "numpy.int32",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sextortion_flags.classifier.features.CompactTfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.preprocessing._label.MultiLabelBinarizer",
    "sklearn.utils._bunch.Bunch",
)
MODEL_FILE = "classifier.skops"
COMPILED_FILE = "classifier.npz"
"""The same model as plain arrays for scoring (see `classifier.linear`), written beside the skops file."""
CARD_FILE = "model_card.json"


def save(model: Any, card: dict[str, Any], folder: Path) -> Path:
    import skops.io as sio

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    sio.dump(model, path, compression=8)
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    untrusted = types_in(path) - set(TRUSTED_TYPES)
    if untrusted:  # fail when saving, not when a user loads it
        raise ModelFileError(f"{path}: the model holds types missing from TRUSTED_TYPES: {sorted(untrusted)}")
    return path


MAX_SCHEMA_BYTES = 50_000_000


def types_in(path: Path) -> set[str]:
    """Every `module.Class` named in a skops file's schema (read as JSON, nothing is built)."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("schema.json")
            if info.file_size > MAX_SCHEMA_BYTES:
                raise ModelFileError(f"{path}: schema larger than {MAX_SCHEMA_BYTES} bytes")
            schema = json.loads(archive.read(info))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ModelFileError(f"{path}: not a skops model file ({type(exc).__name__})") from None
    found: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _model_file(path: Path, name: str) -> Path:
    """`path`, or the file called `name` in it when it is a folder; a clear error when missing."""
    if path.is_dir():
        path = path / name
    if not path.exists():
        raise ModelFileError(f"{path}: no such model file")
    if not path.is_file():  # /dev/zero would be read for ever
        raise ModelFileError(f"{path}: not a regular file (a folder, device, pipe or socket)")
    return path


def _card_beside(path: Path) -> dict[str, Any]:
    """The model card (`model_card.json`) next to a model file, empty when there is none."""
    card_path = path.parent / CARD_FILE
    return json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else {}


def load(path: Path) -> tuple[Any, dict[str, Any]]:
    """The model and its card (from `model_card.json` beside it, empty when absent)."""
    import skops.io as sio

    path = _model_file(path, MODEL_FILE)
    untrusted = types_in(path) - set(TRUSTED_TYPES)
    if untrusted:
        raise ModelFileError(f"{path}: refusing to load untrusted types {sorted(untrusted)}")
    try:  # skops checks again and builds the objects
        model = sio.load(path, trusted=list(TRUSTED_TYPES))
    except sio.exceptions.UntrustedTypesFoundException as exc:
        raise ModelFileError(f"{path}: refusing to load untrusted types ({exc})") from None
    except Exception as exc:  # a corrupt or foreign file
        raise ModelFileError(f"{path}: not a loadable skops model ({type(exc).__name__})") from None
    return model, _card_beside(path)


def save_compiled(scorer: Any, folder: Path) -> Path:
    """Write the scorer's arrays as `classifier.npz` (no pickled objects) beside the skops model."""
    import numpy as np

    path = folder / COMPILED_FILE
    np.savez_compressed(path, **scorer.to_arrays())
    return path


def load_compiled(path: Path) -> tuple[Any, dict[str, Any]]:
    """A LinearScorer and the card from a compiled `.npz`; numpy refuses any pickled object in it."""
    import numpy as np

    from sextortion_flags.classifier.linear import LinearScorer

    path = _model_file(path, COMPILED_FILE)
    try:
        with np.load(path, allow_pickle=False) as arrays:
            scorer = LinearScorer.from_arrays(arrays)
    except Exception as exc:  # a corrupt, foreign or pickle-bearing file
        raise ModelFileError(f"{path}: not a loadable compiled model ({type(exc).__name__})") from None
    return scorer, _card_beside(path)
