"""Escalation attention in the platform: features from case history, a time-split evaluation
against a history-only baseline, and "needs attention" reasons for open cases (staff only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concord.cases.models import Case, Clock, Status
from concord.cases.selectors import cases_visible_to
from concord.core.models import Event
from concord.triage.algorithms.signals import detect_signals

from .algorithms import attention as alg

THREAT_KINDS = {"violence_threat", "danger_to_life", "group_action"}
REASON_TEXT = {
    "repeat_contacts": _("repeat contacts from the resident"),
    "parties": _("many parties"),
    "prior_escalations": _("similar cases nearby escalated before"),
    "clock_used": _("deadline mostly used"),
    "threat_words": _("threat or group-action words"),
    "category_base_rate": _("category often escalates"),
}


def _features(cases: list[Case], base_rates: dict[str, float], now) -> np.ndarray:
    ids = [c.pk for c in cases]
    contacts = dict(
        Event.objects.filter(case_id__in=ids, kind__in=["resident_information", "feedback"])
        .values_list("case_id")
        .annotate(n=Count("pk"))
    )
    parties = dict(Case.objects.filter(pk__in=ids).values_list("pk").annotate(n=Count("parties")))
    clocks = {
        c.case_id: c for c in Clock.objects.filter(case_id__in=ids, kind="handle").order_by("id")
    }
    rows = []
    for c in cases:
        clock = clocks.get(c.pk)
        at = min(now, c.resolved_at or now)
        if clock:
            span = max((clock.due_on - clock.started_on).days, 1)
            used = min(max((at.date() - clock.started_on).days / span, 0.0), 2.0)
        else:
            used = 0.0
        threats = sum(
            1 for s in detect_signals(f"{c.title} {c.description}") if s.kind in THREAT_KINDS
        )
        rows.append(
            [
                contacts.get(c.pk, 0),
                parties.get(c.pk, 0),
                c.prior_escalations,
                used,
                threats,
                base_rates.get(c.category_root, 0.0),
            ]
        )
    return np.array(rows, float).reshape(len(cases), len(alg.FEATURES))


def _prior_counts(cases: list[Case]) -> None:
    """Set `prior_escalations`: escalated earlier cases of the same village and category."""
    from bisect import bisect_left
    from collections import defaultdict

    def village(path: str) -> str:
        return "/".join(path.split("/")[:4])

    history: dict[tuple[str, str], list] = defaultdict(list)
    rows = Case.objects.filter(escalation_count__gt=0).values_list(
        "place_path", "category_root", "created_at"
    )
    for path, root, at in rows:
        history[(village(path), root)].append(at)
    for times in history.values():
        times.sort()
    for c in cases:
        c.prior_escalations = bisect_left(
            history.get((village(c.place_path), c.category_root), []), c.created_at
        )


def base_rates(cases: list[Case]) -> dict[str, float]:
    totals: dict[str, list[int]] = {}
    for c in cases:
        t = totals.setdefault(c.category_root, [0, 0])
        t[0] += 1
        t[1] += int(c.escalation_count > 0)
    # Smoothed towards the overall rate so that rare categories do not get extreme values.
    overall = sum(t[1] for t in totals.values()) / max(sum(t[0] for t in totals.values()), 1)
    return {k: (n1 + 5 * overall) / (n + 5) for k, (n, n1) in totals.items()}


@dataclass
class AttentionReport:
    train: int
    test: int
    model: alg.Evaluation
    baseline: alg.Evaluation
    coefficients: dict[str, float]


def train_and_evaluate(
    *, split_days: int = 90, now=None
) -> tuple[alg.AttentionModel, AttentionReport, dict]:
    """Train on cases finished before the split, test on those after (a time split)."""
    now = now or timezone.now()
    split = now - timedelta(days=split_days)
    finished = list(
        Case.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED, Status.WITHDRAWN]).only(
            "id",
            "title",
            "description",
            "category_root",
            "place_path",
            "created_at",
            "resolved_at",
            "escalation_count",
        )
    )
    _prior_counts(finished)
    train = [c for c in finished if c.created_at < split]
    test = [c for c in finished if c.created_at >= split]
    rates = base_rates(train)
    x_train, y_train = (
        _features(train, rates, now),
        np.array([c.escalation_count > 0 for c in train]),
    )
    x_test, y_test = _features(test, rates, now), np.array([c.escalation_count > 0 for c in test])
    if len(set(y_train.tolist())) < 2:
        # Not enough history to learn from: every signal counts equally until there is.
        n = len(alg.FEATURES)
        model = alg.AttentionModel(
            mean=np.zeros(n), scale=np.ones(n), coef=np.ones(n), intercept=-3.0
        )
    else:
        model = alg.fit(x_train, y_train)
    p_model = model.probability(x_test) if len(test) else np.zeros(0)
    p_base = x_test[:, alg.FEATURES.index("category_base_rate")]
    report = AttentionReport(
        train=len(train),
        test=len(test),
        model=alg.evaluate(p_model, y_test),
        baseline=alg.evaluate(p_base, y_test),
        coefficients={f: round(float(c), 4) for f, c in zip(alg.FEATURES, model.coef, strict=True)},
    )
    return model, report, rates


def needs_attention(user, *, model: alg.AttentionModel, rates: dict, limit: int = 50) -> list[dict]:
    """Return the open cases this user sees, riskiest first, each with its reasons."""
    cases = list(
        cases_visible_to(user)
        .filter(
            status__in=[
                Status.ACCEPTED,
                Status.ASSIGNED,
                Status.IN_PROGRESS,
                Status.PAUSED,
                Status.SUBMITTED,
                Status.REOPENED,
            ]
        )
        .select_related("place")[:2000]
    )
    if not cases:
        return []
    _prior_counts(cases)
    x = _features(cases, rates, timezone.now())
    p = model.probability(x)
    reasons = model.reasons(x)
    order = np.argsort(-p)[:limit]
    return [
        {
            "case_id": cases[i].pk,
            "receipt_code": cases[i].receipt_code,
            "title": cases[i].title,
            "place": cases[i].place.localized_name(),
            "probability": round(float(p[i]), 3),
            "reasons": [
                {"feature": f, "text": str(REASON_TEXT[f]), "weight": w} for f, w in reasons[i]
            ],
        }
        for i in order
    ]


def trained_model(*, max_age: int = 3600) -> tuple[alg.AttentionModel, dict]:
    """The attention model and category rates, trained at most once an hour (cached)."""

    key = "warning:attention-model:v1"
    found = cache.get(key)
    if found is None:
        model, _report, rates = train_and_evaluate()
        found = (model, rates)
        cache.set(key, found, max_age)
    return found
