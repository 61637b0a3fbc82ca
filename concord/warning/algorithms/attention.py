"""Escalation attention: an interpretable logistic model of which open cases may escalate.

Pure module (numpy / scikit-learn). Features are chosen so that more of each can only raise
the risk (the fitted coefficients are clipped at zero to keep that promise), which keeps every
explanation readable: "3 repeat contacts", "threat words", "deadline 80 % used".
The output helps staff prioritise support; it is never shown to residents or used against them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

FEATURES = [
    "repeat_contacts",
    "parties",
    "prior_escalations",
    "clock_used",
    "threat_words",
    "category_base_rate",
]


@dataclass
class AttentionModel:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def _z(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, float) - self.mean) / self.scale

    def probability(self, x: np.ndarray) -> np.ndarray:
        logits = self._z(x) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def reasons(self, x: np.ndarray, top: int = 3) -> list[list[tuple[str, float]]]:
        """Return, per row, the features that raise its risk most, with their contribution."""
        contrib = self._z(x) * self.coef
        out = []
        for row in np.atleast_2d(contrib):
            order = np.argsort(-row)
            out.append([(FEATURES[i], round(float(row[i]), 3)) for i in order[:top] if row[i] > 0])
        return out


def fit(x: np.ndarray, y: np.ndarray, *, c: float = 1.0) -> AttentionModel:
    """Fit a logistic model with non-negative coefficients (monotone in every feature)."""
    x = np.asarray(x, float)
    y = np.asarray(y, int)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    keep = np.ones(len(FEATURES), bool)
    for _ in range(len(FEATURES)):
        model = LogisticRegression(C=c, max_iter=1000).fit(z[:, keep], y)
        coef = np.zeros(len(FEATURES))
        coef[keep] = model.coef_[0]
        if (coef[keep] >= 0).all():
            break
        # Drop the feature that went negative (it is collinear with others here) and refit.
        keep[np.argmin(np.where(keep, coef, np.inf))] = False
    return AttentionModel(
        mean=mean, scale=scale, coef=np.clip(coef, 0, None), intercept=float(model.intercept_[0])
    )


@dataclass
class Evaluation:
    n: int
    base_rate: float
    auroc: float | None
    aupr: float | None
    brier: float
    calibration: list[tuple[float, float, int]]  # (mean predicted, observed rate, n) per bin


def evaluate(p: np.ndarray, y: np.ndarray, bins: int = 5) -> Evaluation:
    p, y = np.asarray(p, float), np.asarray(y, int)
    if len(y) == 0:
        return Evaluation(n=0, base_rate=0.0, auroc=None, aupr=None, brier=0.0, calibration=[])
    both = len(set(y.tolist())) == 2
    edges = np.quantile(p, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    cal = [
        (
            round(float(p[which == b].mean()), 4),
            round(float(y[which == b].mean()), 4),
            int((which == b).sum()),
        )
        for b in range(bins)
        if (which == b).any()
    ]
    return Evaluation(
        n=len(y),
        base_rate=round(float(y.mean()), 4) if len(y) else 0.0,
        auroc=round(float(roc_auc_score(y, p)), 4) if both else None,
        aupr=round(float(average_precision_score(y, p)), 4) if both else None,
        brier=round(float(brier_score_loss(y, p)), 4),
        calibration=cal,
    )
