"""Suggest a case category from its title and text.

The pipeline (chosen by 5-fold cross-validation on the real citizen messages, see the
benchmark) is a linear SVM over three blocks of features:

* character 1-2-gram TF-IDF (sublinear tf) of the title, which carries the subject;
* character 1-2-gram TF-IDF of title and text together;
* a small lexicon block: for each category, how many of its seed terms (the government's
  category tree plus hand-written Chinese and English terms) occur in the title and in the
  whole text. With only a few hundred labelled messages this prior knowledge is what lifts
  rare categories such as 商贸旅游.

Character n-grams need no word segmentation and work for Chinese, English and mixed text;
jieba word features are available (``word_features=True``) but did not improve the
cross-validated macro-F1, so the shipped pipeline does not use them.

Confidences are calibrated by temperature scaling: the SVM decision scores are turned into
probabilities with ``softmax(score / T)``, where the single temperature ``T`` minimises the
log-loss of out-of-fold scores. Unlike Platt scaling per class this keeps the ranking of the
SVM intact and cannot overfit a small data set.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from concord.triage.algorithms.text import has_content, normalise

FORMAT = "concord-triage-classifier/1"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# A message without a title is represented by its opening, which is where residents state
# their subject; this keeps the title block of the features populated.
TITLE_PROXY_CHARS = 40
DEFAULT_OPTIONS: dict[str, Any] = {
    "ngram_max": 2,
    "C": 0.3,
    "lexicon_weight": 1.0,
    "word_features": False,
    "calibrate": True,
    "random_state": 0,
}


class ModelError(Exception):
    """Raised when a classifier model file is missing, corrupt or of an unknown format."""


# --- lexicon ---------------------------------------------------------------------------------


def load_default_lexicon() -> dict[str, list[str]]:
    """Return the shipped seed terms per first-level category (hand-written plus taxonomy)."""
    lexicon: dict[str, set[str]] = {}
    with open(DATA_DIR / "seed_terms.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            terms = set(row["terms_zh"].split()) | {
                t.strip() for t in row["terms_en"].split(";") if t.strip()
            }
            lexicon[row["category"]] = terms
    with open(DATA_DIR / "taxonomy.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["level1"] in lexicon:
                for term in (row["level2"], row["level3"]):
                    if term and term != "其他":
                        lexicon[row["level1"]].add(term)
    return {category: sorted(terms) for category, terms in lexicon.items()}


class _Lexicon:
    """Count distinct seed terms per category; ASCII terms match whole words only."""

    def __init__(self, terms: Mapping[str, Sequence[str]], labels: Sequence[str]) -> None:
        self.terms = {label: list(terms.get(label, ())) for label in labels}
        self.labels = list(labels)
        self._plain: list[list[str]] = []
        self._words: list[re.Pattern[str] | None] = []
        for label in self.labels:
            words = [normalise(t) for t in self.terms[label]]
            ascii_terms = sorted({w for w in words if w.isascii()}, key=len, reverse=True)
            self._plain.append([w for w in words if w and not w.isascii()])
            self._words.append(
                re.compile(r"\b(?:" + "|".join(map(re.escape, ascii_terms)) + r")\b")
                if ascii_terms
                else None
            )

    def count(self, text: str) -> np.ndarray:
        """Return the number of distinct seed terms of each category found in text."""
        out = np.zeros(len(self.labels))
        if not text:
            return out
        for j, (plain, words) in enumerate(zip(self._plain, self._words, strict=True)):
            hits = sum(term in text for term in plain)
            if words is not None:
                hits += len(set(words.findall(text)))
            out[j] = hits
        return out


# --- features --------------------------------------------------------------------------------


@cache
def _jieba() -> Any:
    """Return the jieba module, initialised once per process (loading its dictionary is slow)."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def _words(text: str) -> list[str]:
    return [w for w in _jieba().lcut(text) if w.strip()]


def _char_vectoriser(ngram_max: int, vocabulary: list[str] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char",
        ngram_range=(1, ngram_max),
        sublinear_tf=True,
        lowercase=False,  # normalise() already folds case
        max_df=0.9 if vocabulary is None else 1.0,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


def _word_vectoriser(vocabulary: list[str] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=_words,
        token_pattern=None,
        lowercase=False,
        sublinear_tf=True,
        max_df=0.9 if vocabulary is None else 1.0,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


def _prepare(texts: Sequence[str], titles: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """Return normalised (titles, title-plus-text) lists."""
    bodies = [normalise(t) for t in texts]
    if titles is None:
        titles = [""] * len(bodies)
    if len(titles) != len(bodies):
        raise ValueError("titles and texts must have the same length")
    heads = [normalise(t) or b[:TITLE_PROXY_CHARS] for t, b in zip(titles, bodies, strict=True)]
    whole = [f"{h}。{b}" if b else h for h, b in zip(heads, bodies, strict=True)]
    return heads, whole


@dataclass
class _Features:
    title: TfidfVectorizer
    whole: TfidfVectorizer
    words: TfidfVectorizer | None
    lexicon: _Lexicon
    lexicon_weight: float

    def transform(self, heads: list[str], whole: list[str]) -> sparse.csr_matrix:
        blocks = [self.title.transform(heads), self.whole.transform(whole)]
        if self.words is not None:
            blocks.append(self.words.transform(whole))
        blocks.append(sparse.csr_matrix(self._lexicon_block(heads, whole)))
        return sparse.hstack(blocks, format="csr")

    def _lexicon_block(self, heads: list[str], whole: list[str]) -> np.ndarray:
        counts = np.array(
            [
                np.concatenate([self.lexicon.count(h), self.lexicon.count(w)])
                for h, w in zip(heads, whole, strict=True)
            ]
        ).reshape(len(heads), 2 * len(self.lexicon.labels))
        counts = np.log1p(counts)
        norms = np.linalg.norm(counts, axis=1, keepdims=True)
        return self.lexicon_weight * counts / np.where(norms == 0, 1.0, norms)


def _fit_features(
    heads: list[str],
    whole: list[str],
    label_names: list[str],
    opts: Mapping[str, Any],
    lexicon: Mapping[str, Sequence[str]],
) -> tuple[_Features, sparse.csr_matrix]:
    feats = _Features(
        title=_char_vectoriser(opts["ngram_max"]).fit(heads),
        whole=_char_vectoriser(opts["ngram_max"]).fit(whole),
        words=_word_vectoriser().fit(whole) if opts["word_features"] else None,
        lexicon=_Lexicon(lexicon, label_names),
        lexicon_weight=float(opts["lexicon_weight"]),
    )
    return feats, feats.transform(heads, whole)


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """Return the temperature that minimises the log-loss of softmax(scores / T)."""

    def nll(log_t: float) -> float:
        p = _softmax(scores, float(np.exp(log_t)))
        return float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))

    result = minimize_scalar(nll, bounds=(np.log(0.01), np.log(100.0)), method="bounded")
    return float(np.exp(result.x))


def _svm(opts: Mapping[str, Any]) -> LinearSVC:
    return LinearSVC(C=opts["C"], class_weight="balanced", random_state=opts["random_state"])


# --- model -----------------------------------------------------------------------------------


@dataclass
class Model:
    """A trained category classifier; create with :func:`train` or :func:`load_model`."""

    labels: list[str]
    features: _Features
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float
    options: dict[str, Any]
    created_at: str
    version: str = field(default="")

    def scores(self, texts: Sequence[str], titles: Sequence[str] | None = None) -> np.ndarray:
        """Return raw decision scores, one row per text and one column per label."""
        return self._scores(*_prepare(texts, titles))

    def _scores(self, heads: list[str], whole: list[str]) -> np.ndarray:
        x = self.features.transform(heads, whole)
        return np.asarray(x @ self.coef.T) + self.intercept

    def predict_proba(
        self, texts: Sequence[str], titles: Sequence[str] | None = None
    ) -> np.ndarray:
        """Return calibrated probabilities; rows of texts without letters or digits are zero."""
        heads, whole = _prepare(texts, titles)
        proba = _softmax(self._scores(heads, whole), self.temperature)
        empty = np.array([not has_content(w) for w in whole], dtype=bool)
        proba[empty] = 0.0
        return proba

    def predict(self, texts: Sequence[str], titles: Sequence[str] | None = None) -> list[str]:
        """Return the most likely label of each text."""
        scores = self.scores(texts, titles)
        return [self.labels[i] for i in scores.argmax(axis=1)]

    def suggest(self, text: str, k: int = 3, *, title: str = "") -> list[tuple[str, float]]:
        """Return up to k (label, confidence) pairs, best first; empty for text with no words."""
        proba = self.predict_proba([text], [title])[0]
        if not proba.any():
            return []
        order = np.argsort(-proba)[:k]
        return [(self.labels[i], float(proba[i])) for i in order]

    def save(self, path: str | Path) -> None:
        """Write the model to path as a zip of JSON and .npy members (no pickle)."""
        arrays = self._arrays()
        meta = self._meta()
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("meta.json", json.dumps(meta, ensure_ascii=False))
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.save(buffer, array, allow_pickle=False)
                zf.writestr(f"{name}.npy", buffer.getvalue())

    def _arrays(self) -> dict[str, np.ndarray]:
        arrays = {
            "coef": self.coef,
            "intercept": self.intercept,
            "idf_title": self.features.title.idf_,
            "idf_whole": self.features.whole.idf_,
        }
        if self.features.words is not None:
            arrays["idf_words"] = self.features.words.idf_
        return arrays

    def _meta(self) -> dict[str, Any]:
        words = self.features.words
        return {
            "format": FORMAT,
            "version": self.version,
            "created_at": self.created_at,
            "labels": self.labels,
            "temperature": self.temperature,
            "options": self.options,
            "lexicon": self.features.lexicon.terms,
            "vocab_title": self.features.title.get_feature_names_out().tolist(),
            "vocab_whole": self.features.whole.get_feature_names_out().tolist(),
            "vocab_words": words.get_feature_names_out().tolist() if words is not None else None,
        }


def _content_hash(meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> str:
    digest = hashlib.sha256()
    content = {k: v for k, v in meta.items() if k not in ("version", "created_at")}
    digest.update(json.dumps(content, ensure_ascii=False, sort_keys=True).encode())
    for name in sorted(arrays):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(arrays[name]).tobytes())
    return digest.hexdigest()[:16]


def _stamp(model: Model) -> Model:
    """Set the version to '<UTC timestamp>-<content hash>' so each file names its contents."""
    model.version = ""
    model.version = f"{model.created_at}-{_content_hash(model._meta(), model._arrays())}"
    return model


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    titles: Sequence[str] | None = None,
    lexicon: Mapping[str, Sequence[str]] | None = None,
    **opts: Any,
) -> Model:
    """Return a model trained on texts (with optional titles) and their category labels.

    Options (see ``DEFAULT_OPTIONS``): ``C``, ``ngram_max``, ``lexicon_weight``,
    ``word_features``, ``calibrate`` and ``random_state``. ``lexicon`` maps a label to seed
    terms; by default the shipped seed terms are used.
    """
    unknown = set(opts) - set(DEFAULT_OPTIONS)
    if unknown:
        raise TypeError(f"unknown options: {sorted(unknown)}")
    options = {**DEFAULT_OPTIONS, **opts}
    if len(texts) != len(labels):
        raise ValueError("texts and labels must have the same length")
    label_names = sorted(set(labels))
    if len(label_names) < 2:
        raise ValueError("training needs at least two categories")
    if lexicon is None:
        lexicon = load_default_lexicon()
    y = np.array([label_names.index(label) for label in labels])
    heads, whole = _prepare(texts, titles)
    features, x = _fit_features(heads, whole, label_names, options, lexicon)
    svm = _svm(options).fit(x, y)
    coef, intercept = _as_multiclass(svm, len(label_names))
    temperature = 1.0
    if options["calibrate"]:
        scores = _out_of_fold_scores(heads, whole, y, label_names, options, lexicon)
        temperature = _fit_temperature(scores, y)
    model = Model(
        labels=label_names,
        features=features,
        coef=coef.astype(np.float64),
        intercept=intercept.astype(np.float64),
        temperature=temperature,
        options=options,
        created_at=datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
    )
    return _stamp(model)


def _as_multiclass(svm: LinearSVC, n_labels: int) -> tuple[np.ndarray, np.ndarray]:
    """Return one weight row per label (a binary SVM stores only the positive class)."""
    if n_labels == 2:
        return np.vstack([-svm.coef_[0], svm.coef_[0]]), np.array(
            [-svm.intercept_[0], svm.intercept_[0]]
        )
    return svm.coef_, svm.intercept_


def _out_of_fold_scores(
    heads: list[str],
    whole: list[str],
    y: np.ndarray,
    label_names: list[str],
    options: Mapping[str, Any],
    lexicon: Mapping[str, Sequence[str]],
) -> np.ndarray:
    """Return decision scores of each example from a model that did not see it."""
    n_labels = len(label_names)
    smallest = int(np.bincount(y, minlength=n_labels).min())
    scores = np.zeros((len(y), n_labels))
    if smallest < 2:
        return scores  # too few examples to cross-validate; the temperature is then moot
    folds = StratifiedKFold(min(5, smallest), shuffle=True, random_state=options["random_state"])
    for fit_idx, score_idx in folds.split(whole, y):
        feats, x = _fit_features(
            [heads[i] for i in fit_idx], [whole[i] for i in fit_idx], label_names, options, lexicon
        )
        coef, intercept = _as_multiclass(_svm(options).fit(x, y[fit_idx]), n_labels)
        x_out = feats.transform([heads[i] for i in score_idx], [whole[i] for i in score_idx])
        scores[score_idx] = np.asarray(x_out @ coef.T) + intercept
    return scores


def load_model(path: str | Path) -> Model:
    """Return the model stored at path; raise ModelError if it is missing or corrupt."""
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("meta.json").decode("utf-8"))
            if meta.get("format") != FORMAT:
                found = meta.get("format")
                raise ModelError(f"{path}: not a Concord triage model (format {found!r})")
            arrays = {
                name[: -len(".npy")]: np.load(io.BytesIO(zf.read(name)), allow_pickle=False)
                for name in zf.namelist()
                if name.endswith(".npy")
            }
        model = _rebuild(meta, arrays)
    except ModelError:
        raise
    except FileNotFoundError as exc:
        raise ModelError(f"{path}: model file not found") from exc
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise ModelError(f"{path}: corrupt model file ({exc})") from exc
    expected = f"{meta['created_at']}-{_content_hash(model._meta(), model._arrays())}"
    if meta["version"] != expected:
        raise ModelError(f"{path}: corrupt model file (content does not match its version)")
    return model


def _rebuild(meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> Model:
    options = {**DEFAULT_OPTIONS, **meta["options"]}
    labels = list(meta["labels"])

    def char(vocab_key: str, idf_key: str) -> TfidfVectorizer:
        vectoriser = _char_vectoriser(options["ngram_max"], list(meta[vocab_key]))
        vectoriser.idf_ = arrays[idf_key]
        return vectoriser

    words = None
    if meta.get("vocab_words") is not None:
        words = _word_vectoriser(list(meta["vocab_words"]))
        words.idf_ = arrays["idf_words"]
    features = _Features(
        title=char("vocab_title", "idf_title"),
        whole=char("vocab_whole", "idf_whole"),
        words=words,
        lexicon=_Lexicon(meta["lexicon"], labels),
        lexicon_weight=float(options["lexicon_weight"]),
    )
    n_features = sum(len(meta[k] or ()) for k in ("vocab_title", "vocab_whole", "vocab_words"))
    coef = arrays["coef"]
    if coef.shape != (len(labels), n_features + 2 * len(labels)):
        raise ValueError(f"weights of shape {coef.shape} do not fit the vocabulary")
    return Model(
        labels=labels,
        features=features,
        coef=coef,
        intercept=arrays["intercept"],
        temperature=float(meta["temperature"]),
        options=options,
        created_at=str(meta["created_at"]),
        version=str(meta["version"]),
    )


# --- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvaluationReport:
    accuracy: float
    macro_f1: float
    per_class: dict[str, ClassScores]

    def table(self) -> str:
        """Return the per-class scores as an aligned plain-text table."""
        width = max([len("category")] + [_display_width(c) for c in self.per_class])
        lines = [f"{_pad('category', width)}  precision  recall     f1  support"]
        for label, s in self.per_class.items():
            lines.append(
                f"{_pad(label, width)}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}"
                f"  {s.support:7d}"
            )
        return "\n".join(lines)


def _display_width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def score_predictions(truth: Sequence[str], predicted: Sequence[str]) -> EvaluationReport:
    """Return accuracy, macro-F1 and per-class scores of predicted against true labels."""
    names = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=names, zero_division=0
    )
    present = [i for i, name in enumerate(names) if name in set(truth)]
    return EvaluationReport(
        accuracy=float(accuracy_score(truth, predicted)),
        # Labels only ever predicted (never true) still count: they are real mistakes.
        macro_f1=float(np.mean(f1)),
        per_class={
            names[i]: ClassScores(
                float(precision[i]), float(recall[i]), float(f1[i]), int(support[i])
            )
            for i in range(len(names))
            if i in present or support[i] or precision[i]
        },
    )


def evaluate(
    model: Model,
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    titles: Sequence[str] | None = None,
) -> EvaluationReport:
    """Return how well model predicts labels of texts."""
    return score_predictions(list(labels), model.predict(texts, titles))


@dataclass(frozen=True)
class HeldOut:
    """A labelled slice kept out of training, used to compare models."""

    texts: Sequence[str]
    labels: Sequence[str]
    titles: Sequence[str] | None = None


@dataclass(frozen=True)
class ReplaceDecision:
    model: Model
    replaced: bool
    old_macro_f1: float | None
    new_macro_f1: float


def replace_if_not_worse(old: Model | None, new: Model, held_out: HeldOut) -> ReplaceDecision:
    """Return the new model if its held-out macro-F1 is at least the old one's, else the old."""
    new_f1 = evaluate(new, held_out.texts, held_out.labels, titles=held_out.titles).macro_f1
    if old is None:
        return ReplaceDecision(new, True, None, new_f1)
    old_f1 = evaluate(old, held_out.texts, held_out.labels, titles=held_out.titles).macro_f1
    if new_f1 >= old_f1:
        return ReplaceDecision(new, True, old_f1, new_f1)
    return ReplaceDecision(old, False, old_f1, new_f1)


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    titles: Sequence[str] | None = None,
    folds: int = 5,
    seed: int = 0,
    **opts: Any,
) -> EvaluationReport:
    """Return the report of stratified, shuffled k-fold cross-validation of :func:`train`."""
    y = np.asarray(labels)
    predicted = np.empty(len(y), dtype=object)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fit_idx, test_idx in splitter.split(np.zeros(len(y)), y):
        model = train(
            [texts[i] for i in fit_idx],
            list(y[fit_idx]),
            titles=None if titles is None else [titles[i] for i in fit_idx],
            **opts,
        )
        predicted[test_idx] = model.predict(
            [texts[i] for i in test_idx], None if titles is None else [titles[i] for i in test_idx]
        )
    return score_predictions(list(y), list(predicted))


# --- shipped data ----------------------------------------------------------------------------


def load_labelled(path: str | Path) -> tuple[list[str], list[str], list[str]]:
    """Return (titles, bodies, categories) from a CSV with title, body, category columns."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["title"] for r in rows], [r["body"] for r in rows], [r["category"] for r in rows]


def train_default_model(**opts: Any) -> Model:
    """Return a model trained on the shipped labelled citizen messages."""
    titles, bodies, labels = load_labelled(DATA_DIR / "labelled.csv")
    return train(bodies, labels, titles=titles, **opts)
