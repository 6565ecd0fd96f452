"""The classifier: safe loading, a smoke training run, and how its evidence reaches reports."""

from pathlib import Path

import pytest

from sextortion_flags import Analyzer
from sextortion_flags.classifier.features import CATEGORIES
from sextortion_flags.classifier.model import MessageClassifier, packaged_model_path
from sextortion_flags.classifier.persistence import load
from sextortion_flags.classifier.train import ROOT, targets
from sextortion_flags.classifier.train import main as train_main
from sextortion_flags.errors import ModelFileError

from .conftest import assert_contract, conversation

THREAT = ["salut", "> salut", "tout est enregistré, ta famille va tout voir ce soir",
          "je vais envoyer la vidéo à tous tes contacts", "paye 500 euros par western union ou je publie"]


@pytest.fixture(scope="module")
def smoke_model(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model")
    assert train_main(["--smoke", "400", "--out", str(out)]) == 0
    return out / "classifier.skops"


def test_packaged_model_is_found_and_loads():
    path = packaged_model_path()
    assert path is not None
    classifier = MessageClassifier.load(path)
    assert classifier.categories == CATEGORIES
    assert classifier.card["training_data"]["messages"] >= 5000
    assert "cross_validation" in classifier.card


def test_smoke_training_writes_a_loadable_model_and_card(smoke_model):
    model, card = load(smoke_model)
    assert card["training_data"]["messages"] == 400
    assert set(card["cross_validation"]["per_category"]) == set(CATEGORIES)
    assert len(card["training_data"]["sha256"]) == 64
    analyzer = Analyzer(model=smoke_model)
    conv = conversation(*THREAT)
    assert_contract(analyzer.analyze(conv).model_dump(), conv)
    compiled = Analyzer(model=smoke_model.parent / "classifier.npz")  # written beside it by the training script
    assert compiled.analyze(conv) == analyzer.analyze(conv)


def test_untrusted_types_are_refused(tmp_path):
    import skops.io as sio
    from sklearn.svm import SVC

    path = tmp_path / "evil.skops"
    sio.dump(SVC(), path)
    with pytest.raises(ModelFileError, match="untrusted"):
        load(path)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04garbage"])
def test_corrupt_model_files_give_a_clear_error(tmp_path, content):
    path = tmp_path / "classifier.skops"
    path.write_bytes(content)
    with pytest.raises(ModelFileError):
        Analyzer(model=path)


def test_model_evidence_is_exact_and_named(analyzer):
    conv = conversation(*THREAT)
    report = analyzer.analyze(conv)
    assert_contract(report.model_dump(), conv)
    sources = {e.source for f in report.flags for e in f.evidence}
    assert any(s.startswith("model:tfidf-logreg") for s in sources)
    assert "clf" in report.model_version


def test_a_flag_raised_by_the_model_alone_says_so():
    model_only = Analyzer(use_rules=False, explain_language="en")
    report = model_only.analyze(conversation(*THREAT))
    assert report.flags
    assert all(e.source.split(":")[0] in ("model", "timing", "account") for f in report.flags for e in f.evidence)
    assert any("model alone" in f.explanation for f in report.flags)


def test_rules_only_mode_has_no_model_evidence():
    report = Analyzer(model=False).analyze(conversation(*THREAT))
    assert report.risk_level == "critical"
    assert not any(e.source.startswith("model:") for f in report.flags for e in f.evidence)


def test_hard_negatives_are_negatives_for_training():
    rows = [{"labels": ["threat"], "hard_negative": True}, {"labels": ["threat"], "hard_negative": False}]
    assert targets(rows).tolist() == [[0] * 6, [int(c == "threat") for c in CATEGORIES]]


def test_training_data_lives_in_the_repo():
    assert len(list((ROOT / "data" / "messages").glob("*.jsonl"))) >= 5


def test_fast_scorer_gives_the_pipelines_numbers():
    """The compiled linear scorer must reproduce scikit-learn's features and probabilities."""
    import json

    import numpy as np

    from sextortion_flags.classifier.features import prepare

    model = MessageClassifier.load(ROOT / "models" / "classifier.skops")
    compiled = MessageClassifier.load(ROOT / "models" / "classifier.npz")
    texts = []
    for path in sorted((ROOT / "data" / "messages").glob("*.jsonl"))[:3]:
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:150]]
    texts += ["", "   ", "a", "ok ok ok ok", "pleaaaase 🙏🙏", "واتساب دابا", "envoie\t\tune  photo\n\nvite",
              "\u2003snap\u00a0moi\u3000 now\x1c ok"]
    rows = prepare(texts, ["", *texts[:-1]])
    expected = model.pipeline[0].transform(rows)
    got = model.transform(rows)
    assert got.shape == expected.shape
    assert abs(got - expected).max() < 1e-6
    probabilities = model.pipeline[-1].predict_proba(expected)
    assert np.abs(model.predict_proba(got) - probabilities).max() < 1e-6
    assert model.transform(rows[:0]).shape == (0, expected.shape[1])
    assert abs(compiled.transform(rows) - got).max() == 0  # the shipped arrays are this model
    assert compiled.categories == model.categories
    assert compiled.top_ngrams(got, 0, "threat") == model.top_ngrams(got, 0, "threat")


def test_scoring_does_not_import_scikit_learn():
    import subprocess
    import sys

    code = ("import sys; from sextortion_flags import Analyzer; "
            "Analyzer().analyze({'id': 'x', 'messages': [{'sender': 'a', 'text': 'add me on snap'}]}); "
            "print(any(m == 'sklearn' or m.startswith('sklearn.') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr[-500:]


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04garbage"])
def test_corrupt_compiled_models_give_a_clear_error(tmp_path, content):
    path = tmp_path / "classifier.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="classifier.npz"):
        MessageClassifier.load(path)


def test_compiled_model_with_a_pickled_object_is_refused(tmp_path):
    import numpy as np

    path = tmp_path / "classifier.npz"
    np.savez(path, meta=np.array([{"format": 1}], dtype=object))  # an object array is stored as a pickle
    with pytest.raises(ModelFileError, match="not a loadable compiled model"):
        MessageClassifier.load(path)


def test_fast_scorer_matches_scikit_learn_for_trigrams_and_unigram_only_blocks():
    """Blocks the shipped model does not use (word trigrams, bigrams only) still give the pipeline's numbers."""
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    from sextortion_flags.classifier.linear import LinearScorer

    texts = ["send the photo now", "send it now or else", "the photo or the video", "pay now or else",
             "hello there friend", "see you at the photo club", "now now now send", "or else the video goes out"]
    rows = [(t, texts[i - 1] if i else "") for i, t in enumerate(texts)]
    labels = np.array([[i % 2, (i // 2) % 2] for i in range(len(texts))])
    features = ColumnTransformer([
        ("tri", TfidfVectorizer(lowercase=False, ngram_range=(1, 3), sublinear_tf=True), 0),
        ("bi", TfidfVectorizer(lowercase=False, ngram_range=(2, 2), sublinear_tf=True), 0),
        ("prev", TfidfVectorizer(lowercase=False, analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True), 1),
    ], transformer_weights={"tri": 1.0, "bi": 0.5, "prev": 0.3})
    pipeline = Pipeline([("features", features), ("classifier", OneVsRestClassifier(LogisticRegression()))])
    pipeline.fit(rows, labels)
    scorer = LinearScorer.from_pipeline(pipeline)
    unseen = [*rows, ("send the video or else", "hi"), ("", ""), ("zzz qqq", "zzz")]
    expected = pipeline[0].transform(unseen)
    got = scorer.transform(unseen)
    assert abs(got - expected).max() < 1e-9
    assert np.abs(scorer.predict_proba(got) - pipeline.predict_proba(unseen)).max() < 1e-9


@pytest.mark.parametrize("ngram_range", [(2, 5), (1, 1), (1, 3), (3, 6), (5, 5)])
def test_char_ngrams_of_a_word_are_scikit_learns(ngram_range) -> None:
    """Each word's char_wb n-grams are cut through per-length slice tables: the same n-grams, with
    repeats, as scikit-learn's own analyzer, short words (counted once, whole) included."""
    import array

    from sklearn.feature_extraction.text import CountVectorizer

    from sextortion_flags.classifier.linear import _char_ngram_ids

    words = ["a", "ab", "abc", "abcd", "whatsapp", "aaaa", "été", "واتساب", "x" * 40, "y" * 100]
    cut = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False).build_analyzer()
    grams = sorted({g for word in words for g in cut(word)})
    vocabulary = {g: i for i, g in enumerate(grams[::2])}  # half the n-grams known, half not

    class Block:
        pass

    block = Block()
    block.ngram_range, block.char_vocabulary = ngram_range, vocabulary
    for word in words:
        got = array.array("i", _char_ngram_ids(block, word)).tolist()
        assert sorted(got) == sorted(vocabulary[g] for g in cut(word) if g in vocabulary), word
