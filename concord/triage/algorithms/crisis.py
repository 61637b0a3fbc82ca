"""Crisis detection in two layers: explainable rules and a character n-gram model.

The rule layer finds the words a counsellor can read and gives each hit a level (imminent, plan,
ideation); its normalisation, patterns and negation scope are in ``crisis_rules``.

The learned layer is a linear SVM on hashed character 1–4-grams and word 1–2-grams, one for texts
mostly in Chinese and one for the others, trained by ``concord wellbeing train-crisis`` on the
repository's training corpus, each with a Platt-calibrated probability, a threshold and a veto,
chosen on leave-one-source-out scores (each author's texts scored by a model that never saw
them). Its artefact is an ``.npz`` of numbers (no pickle). A text is a crisis when either layer
says so; the level is the higher of the two layers' levels. A rule hit in a text that the model is
sure is ordinary (probability below the veto, read on the sentence the hit is in: "jumped off
the bridge in gta", "跳楼价") is a look-alike the look-alike list does not yet
name: it is returned as set aside and raises no alarm on its own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .crisis_rules import (  # noqa: F401 -- the rule layer's names, re-exported for its callers
    _CJK,
    _COMPILED,
    _RULES,
    IDEATION,
    IMMINENT,
    LEVELS,
    MAX_CHARS,
    PLAN,
    Hit,
    Normalised,
    normalise,
    rule_hits,
)

MODEL_PATH = Path(__file__).resolve().parents[2] / "wellbeing" / "data" / "crisis_model.npz"

# --- the learned layer -----------------------------------------------------------------------

N_FEATURES = 2**19
NGRAMS = (1, 4)
WORD_NGRAMS = (1, 2)
WORD_PATTERN = r"(?u)\b\w+\b"


@functools.cache
def _analysers():
    from sklearn.feature_extraction.text import CountVectorizer

    chars = CountVectorizer(analyzer="char_wb", ngram_range=NGRAMS, lowercase=False)
    words = CountVectorizer(
        analyzer="word", ngram_range=WORD_NGRAMS, lowercase=False, token_pattern=WORD_PATTERN
    )
    return chars.build_analyzer(), words.build_analyzer()


def analyse(text: str) -> list[str]:
    """Character 1–4-grams, plus word 1–2-grams (which help English), of normalised text."""
    chars, words = _analysers()
    return chars(text) + ["\x00" + w for w in words(text)]


@functools.cache
def vectoriser():
    """Return the feature hasher; it expects `normalise`d text."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer=analyse,
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
    )


@functools.cache
def _hasher():
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)


def hashed_counts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the hashed feature indices of normalised text and their counts, sorted by index.

    The same numbers as ``vectoriser().transform([text])`` (scikit-learn's feature hashing:
    MurmurHash3 of the UTF-8 feature, seed 0, absolute value modulo the width), through the
    hasher alone, without the vectoriser's per-call checks that cost more than the hashing.
    """
    features = analyse(text)
    if not features:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    row = _hasher().transform([features])
    row.sum_duplicates()  # one entry per index, sorted
    return row.indices.astype(np.int64), row.data.astype(np.float64)


@dataclass(frozen=True)
class SparseLinear:
    """Tf-idf weights over the hashed features seen in training, and linear weights on them."""

    features: np.ndarray  # sorted hashed feature indices seen in training
    idf: np.ndarray
    idf_unseen: float
    coef: np.ndarray  # (n,) for one score, (k, n) for k scores
    intercept: np.ndarray | float

    def decision(self, idx: np.ndarray, tf: np.ndarray):
        """Return the linear score(s) of a text's hashed counts (L2-normalised sublinear tf-idf)."""
        if idx.size == 0:
            return self.intercept
        pos = np.minimum(np.searchsorted(self.features, idx), len(self.features) - 1)
        seen = self.features[pos] == idx
        values = (1.0 + np.log(tf)) * np.where(seen, self.idf[pos], self.idf_unseen)
        values /= np.linalg.norm(values)
        return self.coef[..., pos[seen]] @ values[seen] + self.intercept

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}features": self.features.astype(np.int32),
            f"{prefix}idf": self.idf.astype(np.float32),
            f"{prefix}coef": self.coef.astype(np.float32),
            f"{prefix}intercept": np.asarray(self.intercept, dtype=np.float64),
            f"{prefix}idf_unseen": np.asarray(self.idf_unseen, dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, z, prefix: str) -> SparseLinear:
        intercept = z[f"{prefix}intercept"]
        return cls(
            features=z[f"{prefix}features"].astype(np.int64),
            idf=z[f"{prefix}idf"].astype(np.float64),
            idf_unseen=float(z[f"{prefix}idf_unseen"]),
            coef=z[f"{prefix}coef"].astype(np.float64),
            intercept=float(intercept) if intercept.ndim == 0 else intercept,
        )


@dataclass(frozen=True)
class Head:
    """One language's crisis-or-not model: linear SVMs, Platt scaling and its operating point."""

    svm: SparseLinear  # row 0 crisis or not, rows 1.. the kind groups (`combined`)
    platt_a: float
    platt_b: float
    threshold: float  # the model says crisis at or above this probability
    veto: float  # a rule hit counts when its rule probability reaches this; below, it is set aside
    # The calibration of the crisis-or-not SVM alone, which the veto reads (``crisis_training``).
    rule_platt_a: float
    rule_platt_b: float

    def probabilities(self, idx: np.ndarray, tf: np.ndarray) -> tuple[float, float]:
        """Return the model's probability (all rows) and the one the veto reads (row 0 alone)."""
        scores = np.atleast_1d(self.svm.decision(idx, tf))
        return (
            float(platt_probability(combined(scores), self.platt_a, self.platt_b)),
            float(platt_probability(scores[0], self.rule_platt_a, self.rule_platt_b)),
        )


def platt_probability(decision, a: float, b: float):
    """Platt scaling of SVM scores (a number or an array): p = 1 / (1 + exp(a·d + b))."""
    return 1.0 / (1.0 + np.exp(a * decision + b))


def combined(scores: np.ndarray) -> np.ndarray:
    """The crisis score of a head's linear scores (last axis): the crisis-or-not SVM's plus the
    best of the one-vs-rest kind groups' (``crisis_training.KIND_GROUPS``), or the first alone."""
    if scores.shape[-1] == 1:
        return scores[..., 0]
    return scores[..., 0] + scores[..., 1:].max(axis=-1)


@dataclass(frozen=True)
class CrisisModel:
    """The trained layer as plain arrays: one head for Chinese texts, one for English texts, and
    the level (imminent / plan / ideation) among crisis texts of either language."""

    heads: dict[str, Head]  # "zh": a text mostly in Chinese (see `_language`); "en": any other
    levels: SparseLinear  # (3, n) weights in the order of LEVELS
    data_sha256: str

    def head_for(self, folded: str) -> Head:
        return self.heads[_language(folded)]

    def level(self, idx: np.ndarray, tf: np.ndarray) -> str:
        """Return the most likely crisis level of a text's hashed counts."""
        return LEVELS[int(np.argmax(self.levels.decision(idx, tf)))]

    def save(self, path: Path) -> None:
        arrays = self.levels.arrays("levels_")
        for lang, head in self.heads.items():
            arrays |= head.svm.arrays(f"{lang}_")
            arrays[f"{lang}_operating"] = np.array(
                [
                    head.platt_a,
                    head.platt_b,
                    head.threshold,
                    head.veto,
                    head.rule_platt_a,
                    head.rule_platt_b,
                ]
            )
        np.savez_compressed(path, data_sha256=np.array(self.data_sha256), **arrays)

    @classmethod
    def load(cls, path: Path) -> CrisisModel:
        with np.load(path, allow_pickle=False) as z:
            if "zh_operating" not in z.files or len(z["zh_operating"]) != 6:
                raise ValueError(
                    f"{path} is from an older Concord: run `concord wellbeing train-crisis`"
                )
            heads = {}
            for lang in ("zh", "en"):
                operating = (float(v) for v in z[f"{lang}_operating"])
                heads[lang] = Head(SparseLinear.from_arrays(z, f"{lang}_"), *operating)
            return cls(heads, SparseLinear.from_arrays(z, "levels_"), str(z["data_sha256"]))


@functools.cache
def model() -> CrisisModel | None:
    """Return the shipped model, or None when no artefact has been built."""
    return CrisisModel.load(MODEL_PATH) if MODEL_PATH.exists() else None


_LATIN = re.compile(r"[a-z]")


def _language(text: str) -> str:
    """``zh`` for a normalised text mostly in Chinese, else ``en``: each has its own model.

    Mostly: at least one Chinese character for every two and a half Latin letters (a Chinese word
    is about two characters, an English one about five letters), so that "真的好想 end it all" is
    Chinese and an English message under a Chinese title ("求助") is English.
    """
    cjk = len(_CJK.findall(text))
    return "zh" if cjk and cjk * 5 >= len(_LATIN.findall(text)) * 2 else "en"


# --- one answer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """The two layers' answer for one text."""

    hits: tuple[Hit, ...]  # the rule hits that count
    probability: float | None  # the model's calibrated probability (None without a model)
    model_flag: bool
    level: str | None  # imminent / plan / ideation, or None when not a crisis
    set_aside: tuple[Hit, ...] = ()  # rule hits in a text the model is sure is ordinary

    @property
    def is_crisis(self) -> bool:
        return self.level is not None

    @property
    def words(self) -> list[str]:
        return [h.text for h in self.hits]


def _more_severe(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if LEVELS.index(a) <= LEVELS.index(b) else b


# The model judges a rule hit on the sentence it is in (at most this many characters either
# side): in a long complaint the text as a whole reads ordinary even when one sentence says
# "今晚就从楼顶跳下去".
VETO_WINDOW = 100
_SENTENCE_END = re.compile(r"[。！？!?;；\n]|\.(?:\s|$)")
# In a Chinese sentence at least this long (a complaint run on with commas, 一逗到底), the model
# reads a hit's clause and one clause either side: read whole, the grievance hid explicit words.
# Shorter sentences are read whole: their last clause often says what words mean (PERFORMANCE.md).
CLAUSE_SENTENCE = 50
_CLAUSE_END = re.compile(r"[，,、：:]")


def hit_sentence(text: str, hit: Hit, chinese: bool = False) -> tuple[int, int]:
    """Return the span of the sentence a rule hit is in, at most VETO_WINDOW characters either side;
    in a long Chinese sentence, the hit's clause and one clause either side."""
    lo = max(0, hit.start - VETO_WINDOW)
    ends = list(_SENTENCE_END.finditer(text, lo, hit.start))
    start = ends[-1].end() if ends else lo
    after = _SENTENCE_END.search(text, hit.end, hit.end + VETO_WINDOW)
    end = after.end() if after else min(len(text), hit.end + VETO_WINDOW)
    if chinese and end - start >= CLAUSE_SENTENCE:
        before = [m.end() for m in _CLAUSE_END.finditer(text, start, hit.start)]
        beyond = [m.end() for m in _CLAUSE_END.finditer(text, hit.end, end)]
        start = before[-2] if len(before) > 1 else start
        end = beyond[1] if len(beyond) > 1 else end
    return start, end


def _stands(m: CrisisModel, text: str, hit: Hit, whole: float, head: Head, chinese: bool) -> bool:
    """Return whether the model does not judge a rule hit ordinary, read in its own sentence."""
    start, end = hit_sentence(text, hit, chinese)
    if start == 0 and end >= len(text):
        return whole >= head.veto  # the hit's sentence is the whole text
    folded = normalise(text[start:end]).text
    near = m.head_for(folded)
    return near.probabilities(*hashed_counts(folded))[1] >= near.veto


def model_view(norm: Normalised, negated: list[tuple[int, int]]) -> Normalised:
    """The normalised text the model reads: without the denied phrases (``rule_hits``' negated
    spans), in training as in ``assess``."""
    if not negated:
        return norm
    keep = np.ones(len(norm.text), dtype=bool)
    for start, end in negated:
        keep[start:end] = False
    kept = "".join(c for c, k in zip(norm.text, keep, strict=True) if k)
    return Normalised(kept, tuple(i for i, k in zip(norm.index, keep, strict=True) if k))


def assess(text: str | None, *, use_model: bool = True) -> Assessment:
    """Return both layers' view of text; it is a crisis when either layer says so.

    The rule layer says so when a rule matches and the model, reading the sentence around the
    match, does not judge it ordinary (its probability reaches the veto learned with the threshold);
    the hits it judges ordinary are returned in ``set_aside`` and raise no alarm.
    """
    if not text or not text.strip():
        return Assessment((), None, False, None)
    text = text[:MAX_CHARS]
    norm = normalise(text)
    negated: list[tuple[int, int]] = []
    hits = tuple(rule_hits(text, norm, negated))
    m = model() if use_model else None
    probability, model_level, flag, set_aside = None, None, False, ()
    if m is not None:
        norm = model_view(norm, negated)
        head = m.head_for(norm.text)
        idx, tf = hashed_counts(norm.text)
        probability, rule_probability = head.probabilities(idx, tf)
        flag = probability >= head.threshold
        model_level = m.level(idx, tf) if flag else None  # only a crisis needs its level
        if hits and not flag and rule_probability < head.veto:
            # Look-alikes ("jumped off the bridge in gta", "跳楼价") raise no alarm on their own;
            # where the model says crisis, the words stand as what the counsellor is shown.
            chinese = _language(norm.text) == "zh"
            stands = [_stands(m, text, h, rule_probability, head, chinese) for h in hits]
            set_aside = tuple(h for h, s in zip(hits, stands, strict=True) if not s)
            hits = tuple(h for h, s in zip(hits, stands, strict=True) if s)
    rule_level = hits[0].level if hits else None
    return Assessment(hits, probability, flag, _more_severe(rule_level, model_level), set_aside)
