"""Find likely duplicate reports: similar text, close in space, close in time.

Text similarity is the cosine of character 2-3-gram vectors (sublinear tf), plus single CJK
characters so that two short Chinese titles sharing key characters still score. Character
n-grams need no word segmentation, so Chinese, English and mixed text are handled alike.
Between two single texts there is no corpus to learn IDF from, so :func:`similarity` uses
plain tf; within a batch :func:`group_duplicates` weights n-grams by IDF over the batch so that
boiler-plate words common to every report ("您好", "please") count less.

:func:`duplicate_score` combines the three proximities geometrically::

    score = text_sim ** 0.6 * 2 ** (-0.2 * distance_m / 500) * 2 ** (-0.2 * hours / 72)

so text dominates, and every 500 m or 72 hours apart costs the pair about 13 %. Two reports
are duplicate candidates when the score reaches ``DEFAULT_THRESHOLD`` (0.6): identical text
within a few hundred metres and a few days qualifies, clearly different text never does (a
text similarity below about 0.43 cannot reach 0.6 even at distance zero).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from concord.triage.algorithms.text import has_content, is_cjk, normalise

DEFAULT_THRESHOLD = 0.6
TEXT_EXPONENT = 0.6
DISTANCE_HALF_M = 500.0
HOURS_HALF = 72.0
PROXIMITY_EXPONENT = 0.2
EARTH_RADIUS_M = 6_371_000.0


def analyse(text: str) -> list[str]:
    """Return the character n-grams of normalised text: 2-3-grams, plus single CJK characters.

    Single Latin letters are left out: every English text shares them, which would make
    unrelated English reports look half alike.
    """
    text = normalise(text)
    if not has_content(text):
        return []
    grams = [ch for ch in text if is_cjk(ch)]
    for n in (2, 3):
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return [g for g in grams if g.strip()]


def _ngrams(text: str) -> Counter[str]:
    return Counter(analyse(text))


def similarity(a_text: str, b_text: str) -> float:
    """Return the cosine similarity in [0, 1] of two texts' character n-gram profiles."""
    a, b = _ngrams(a_text), _ngrams(b_text)
    if not a or not b:
        return 0.0
    wa = {g: 1.0 + np.log(c) for g, c in a.items()}
    wb = {g: 1.0 + np.log(c) for g, c in b.items()}
    dot = sum(w * wb[g] for g, w in wa.items() if g in wb)
    norm = np.sqrt(sum(w * w for w in wa.values())) * np.sqrt(sum(w * w for w in wb.values()))
    return float(min(1.0, dot / norm))


def duplicate_score(
    text_sim: float | np.ndarray,
    distance_m: float | np.ndarray | None = None,
    hours_apart: float | np.ndarray | None = None,
) -> float | np.ndarray:
    """Return how likely two reports are the same matter, in [0, 1] (see the module docstring).

    A missing distance or time (None or NaN) is treated as no evidence either way.
    """
    score = np.clip(np.asarray(text_sim, dtype=float), 0.0, 1.0) ** TEXT_EXPONENT
    for value, half in ((distance_m, DISTANCE_HALF_M), (hours_apart, HOURS_HALF)):
        if value is None:
            continue
        v = np.abs(np.asarray(value, dtype=float))
        factor = np.exp2(-PROXIMITY_EXPONENT * v / half)
        score = score * np.where(np.isnan(v), 1.0, factor)
    return float(score) if np.ndim(score) == 0 else score


@dataclass(frozen=True)
class Report:
    """One case as seen by the duplicate finder."""

    id: Hashable
    text: str
    lat: float | None = None
    lon: float | None = None
    at: datetime | None = None
    place: Hashable | None = None  # reports are only compared within the same place


@dataclass(frozen=True)
class Pair:
    a: Hashable
    b: Hashable
    text_sim: float
    distance_m: float | None
    hours_apart: float | None
    score: float


def haversine_m(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Return great-circle distances in metres between arrays of points (degrees)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def candidate_pairs(
    reports: Sequence[Report],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_hours: float | None = 24 * 14,
) -> list[Pair]:
    """Return pairs of reports whose duplicate score reaches threshold, best first.

    Reports are blocked by ``place``; within a block the text similarities of all pairs come
    from one sparse matrix product, and only pairs whose text alone could reach the threshold
    are scored on distance and time. Pairs further apart than ``max_hours`` are skipped.
    """
    blocks: dict[Hashable, list[int]] = {}
    for i, report in enumerate(reports):
        blocks.setdefault(report.place, []).append(i)
    texts = [r.text for r in reports]
    min_text = threshold ** (1.0 / TEXT_EXPONENT)  # the best case: zero distance and time
    pairs: list[Pair] = []
    for members in blocks.values():
        if len(members) < 2:
            continue
        block_texts = [texts[i] for i in members]
        if not any(analyse(t) for t in block_texts):
            continue
        vectoriser = TfidfVectorizer(analyzer=analyse, sublinear_tf=True)
        x = vectoriser.fit_transform(block_texts)
        sims = sparse.triu(x @ x.T, k=1).tocoo()
        keep = sims.data >= min_text
        rows, cols, text_sim = sims.row[keep], sims.col[keep], np.minimum(sims.data[keep], 1.0)
        if len(rows) == 0:
            continue
        idx = np.asarray(members)
        a, b = idx[rows], idx[cols]
        distance = _distances(reports, a, b)
        hours = _hours(reports, a, b)
        in_window = np.ones(len(a), dtype=bool)
        if max_hours is not None:
            in_window = ~(np.abs(hours) > max_hours)  # NaN (unknown time) stays in
        score = duplicate_score(text_sim, distance, hours)
        chosen = np.flatnonzero(in_window & (score >= threshold))
        pairs.extend(
            Pair(
                reports[a[k]].id,
                reports[b[k]].id,
                float(text_sim[k]),
                None if np.isnan(distance[k]) else float(distance[k]),
                None if np.isnan(hours[k]) else float(abs(hours[k])),
                float(score[k]),
            )
            for k in chosen
        )
    return sorted(pairs, key=lambda p: -p.score)


def _distances(reports: Sequence[Report], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lat = np.array([np.nan if r.lat is None else r.lat for r in reports], dtype=float)
    lon = np.array([np.nan if r.lon is None else r.lon for r in reports], dtype=float)
    return haversine_m(lat[a], lon[a], lat[b], lon[b])


def _hours(reports: Sequence[Report], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    stamps = np.array(
        [np.nan if r.at is None else r.at.timestamp() / 3600.0 for r in reports], dtype=float
    )
    return stamps[a] - stamps[b]


def group_duplicates(
    reports: Sequence[Report],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_hours: float | None = 24 * 14,
) -> list[list[Hashable]]:
    """Return groups (two or more ids, in input order) of reports linked by duplicate pairs."""
    pairs = candidate_pairs(reports, threshold=threshold, max_hours=max_hours)
    return _connected([r.id for r in reports], ((p.a, p.b) for p in pairs))


def _connected(
    ids: list[Hashable], edges: Iterable[tuple[Hashable, Hashable]]
) -> list[list[Hashable]]:
    parent = {i: i for i in ids}

    def root(i: Hashable) -> Hashable:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[rb] = ra
    groups: dict[Hashable, list[Hashable]] = {}
    for i in ids:
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]
