"""Triage of a new case: category suggestion and auto-routing, urgency signals, duplicates,
incidents; and retraining from staff-confirmed categories."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from concord.cases import actions as case_actions
from concord.cases.models import Case, Category, Status, Urgency
from concord.core import conf
from concord.core.models import Event
from concord.places.models import Level
from concord.triage.algorithms.classifier import DATA_DIR

from . import engine
from .algorithms import similarity
from .algorithms.classifier import HeldOut, load_labelled, replace_if_not_worse, train
from .algorithms.signals import detect_signals
from .models import DuplicateCandidate, Incident, IncidentMember, Suggestion, TriageModel

logger = logging.getLogger(__name__)

URGENT_KINDS = {
    "danger_to_life": Urgency.EMERGENCY,
    "violence_threat": Urgency.URGENT,
    "group_action": Urgency.URGENT,
}
COLLECTIVE_HINTS = {"group_action"}


def signals_as_data(text: str) -> list[dict]:
    """Return the signals in `text` with the exact words that triggered each one."""
    return [
        {
            "kind": s.kind,
            "weight": s.weight,
            "words": [{"text": m.text, "start": m.start, "end": m.end} for m in s.matched],
        }
        for s in detect_signals(text)
    ]


def label_to_category(labels: list[str]) -> dict[str, Category]:
    """Map classifier labels (level-1 names or codes) to level-1 categories."""
    cats = Category.objects.filter(depth=1)
    by_name = {c.name_zh: c for c in cats}
    by_code = {c.code: c for c in cats}
    return {
        lab: by_code.get(lab) or by_name.get(lab)
        for lab in labels
        if (by_code.get(lab) or by_name.get(lab))
    }


def suggest(*, title: str, body: str, k: int = 3) -> tuple[list[dict], str]:
    """Return the top-k categories with confidences, and the model version ([] when unsure)."""
    model = engine.active_model()
    if model is None:
        return [], ""
    ranked = model.suggest(body or "", k, title=title or "")
    mapping = label_to_category([label for label, _ in ranked])
    out = [
        {
            "code": mapping[label].code,
            "name": mapping[label].localized_name(),
            "confidence": round(float(conf), 4),
        }
        for label, conf in ranked
        if label in mapping
    ]
    return out, model.version


def triage_case(case_id: int) -> Suggestion | None:
    """Triage one case after intake. Safe to run twice: the second run changes nothing."""
    case = Case.objects.select_related("category", "place").filter(pk=case_id).first()
    if case is None or Suggestion.objects.filter(case_id=case_id).exists():
        return None
    text = f"{case.title}\n{case.description}"
    signals = signals_as_data(text)
    try:
        top, version = suggest(title=case.title, body=case.description)
        error = "" if version else "model unavailable"
    except Exception as exc:  # a broken model must never lose or block the case
        logger.exception("triage failed for case %s", case_id)
        top, version, error = [], "", f"{type(exc).__name__}"
    threshold = conf.triage().auto_route_confidence
    confident = bool(top) and top[0]["confidence"] >= threshold
    with transaction.atomic():
        suggestion, created = Suggestion.objects.get_or_create(
            case_id=case_id,
            defaults={
                "model_version": version,
                "categories": [[t["code"], t["confidence"]] for t in top],
                "confidence": top[0]["confidence"] if top else None,
                "signals": signals,
                "error": error,
                "needs_human": case.category_id is None and not confident,
            },
        )
        if not created:
            return suggestion
        if case.category_id is None and confident and case.status == Status.SUBMITTED:
            category = Category.objects.get(code=top[0]["code"])
            case = case_actions.case_categorize(
                actor=None,
                case=case,
                category=category,
                reroute=True,
                system=True,
                source="triage",
            )
            suggestion.auto_routed = True
            suggestion.route_reason = f"{category.code} ({top[0]['confidence']:.2f})"
            suggestion.save(update_fields=["auto_routed", "route_reason"])
        raise_urgency(case, signals)
    find_duplicates(case)
    return suggestion


@transaction.atomic
def triage_correct_category(*, actor, case: Case, category: Category, reroute: bool = True) -> Case:
    """Record a staff correction: the category changes (audited by the case action), the case
    leaves the human triage queue, and the correction feeds the next training run."""
    case = case_actions.case_categorize(
        actor=actor, case=case, category=category, reroute=reroute, source="staff"
    )
    Suggestion.objects.filter(case=case).update(needs_human=False)
    return case


def triage_missed(
    *, days: int = 7, grace: timedelta = timedelta(minutes=2), limit: int = 500
) -> int:
    """Triage the last `days` of cases that have no triage yet; return how many were triaged.

    Intake queues triage on commit; this periodic pass catches any case whose task was lost
    (a queue that was down), leaving `grace` for queued tasks to run first.
    """
    now = timezone.now()
    missed = list(
        Case.objects.filter(
            triage__isnull=True,
            created_at__gte=now - timedelta(days=days),
            created_at__lte=now - grace,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for case_id in missed:
        try:
            triage_case(case_id)
            done += 1
        except Exception:  # one broken case must not stall the sweep for the ones after it
            logger.exception("triage sweep: case %s failed", case_id)
    return done


def raise_urgency(case: Case, signals: list[dict]) -> None:
    order = [Urgency.NORMAL, Urgency.URGENT, Urgency.EMERGENCY]
    wanted = case.urgency
    reasons = []
    for s in signals:
        level = URGENT_KINDS.get(s["kind"])
        if level and order.index(level) > order.index(wanted):
            wanted = level
        if level:
            reasons.append(f"{s['kind']}: " + "、".join(w["text"] for w in s["words"]))
    if wanted != case.urgency:
        case_actions.case_set_urgency(
            actor=None, case=case, urgency=wanted, system=True, reason="; ".join(reasons)
        )


def _village_path(case: Case) -> str:
    parts = [p for p in case.place_path.split("/") if p]
    depth = {Level.COUNTY: 1, Level.TOWN: 2, Level.VILLAGE: 3, Level.GRID: 3}[case.place.level]
    return "/" + "/".join(parts[:depth]) + "/"


def find_duplicates(case: Case, *, days: int = 14) -> list[DuplicateCandidate]:
    """Compare a case with recent open cases nearby and record likely duplicates."""
    threshold = conf.triage().duplicate_threshold
    since = case.created_at - timedelta(days=days)
    others = (
        Case.objects.filter(
            place_path__startswith=_village_path(case),
            created_at__gte=since,
            status__in=case_actions.OPEN_FOR_ROUTING,
        )
        .exclude(pk=case.pk)
        .exclude(sensitivity="sealed")
        .only("id", "title", "description", "lat", "lng", "created_at", "kind")[:500]
    )
    found = []
    text = f"{case.title} {case.description}"
    for other in others:
        sim = similarity.similarity(text, f"{other.title} {other.description}")
        distance = None
        if case.lat is not None and other.lat is not None:
            distance = float(similarity.haversine_m(case.lat, case.lng, other.lat, other.lng))
        hours = abs((case.created_at - other.created_at).total_seconds()) / 3600
        score = float(similarity.duplicate_score(sim, distance, hours))
        if score >= threshold:
            found.append(DuplicateCandidate(case=case, other=other, score=round(score, 4)))
    DuplicateCandidate.objects.bulk_create(found, ignore_conflicts=True)
    if found:
        _join_incident(case, [d.other for d in found])
    return found


def _join_incident(case: Case, others: list[Case]) -> None:
    """Group many reports of one matter into an incident (collective when many people)."""
    minimum = conf.triage().incident_min_reports
    existing = IncidentMember.objects.filter(case__in=others).select_related("incident").first()
    collective_hint = case.kind == "dispute" or any(
        s["kind"] in COLLECTIVE_HINTS for s in signals_as_data(case.description)
    )
    with transaction.atomic():
        if existing:
            incident = existing.incident
        elif len(others) + 1 >= minimum:
            lead = min([case, *others], key=lambda c: c.created_at)
            incident = Incident.objects.create(title=lead.title[:200], lead_case=lead)
            IncidentMember.objects.bulk_create(
                [IncidentMember(incident=incident, case=c) for c in others], ignore_conflicts=True
            )
        else:
            return
        IncidentMember.objects.get_or_create(case=case, defaults={"incident": incident})
        size = incident.members.count()
        if size >= minimum and collective_hint and not incident.collective:
            incident.collective = True
            incident.save(update_fields=["collective"])


def training_rows(limit: int = 20_000) -> tuple[list[str], list[str], list[str]]:
    """Return (titles, bodies, labels) of cases whose category staff confirmed.

    A category counts as confirmed when staff set or corrected it, or accepted the case with it.
    """
    corrected = Event.objects.filter(kind="categorized", data__source="staff").values("case_id")
    qs = Case.objects.filter(category__isnull=False).exclude(
        status__in=[Status.SUBMITTED, Status.MERGED]
    ).filter(accepted_at__isnull=False) | Case.objects.filter(pk__in=corrected)
    roots = {c.code: c.name_zh for c in Category.objects.filter(depth=1)}
    rows = list(
        qs.order_by("-created_at").values_list("title", "description", "category_root")[:limit]
    )
    return [r[0] for r in rows], [r[1] for r in rows], [roots.get(r[2], r[2]) for r in rows]


def triage_retrain(*, seed: int = 0) -> dict:
    """Train on the shipped data plus confirmed platform cases; keep the better model."""

    base_t, base_b, base_l = load_labelled(DATA_DIR / "labelled.csv")
    plat_t, plat_b, plat_l = training_rows()
    titles, bodies, labels = base_t + plat_t, base_b + plat_b, base_l + plat_l
    order = list(range(len(labels)))
    random.Random(seed).shuffle(order)
    cut = max(1, len(order) // 5)
    held, fit = order[:cut], order[cut:]
    if len({labels[i] for i in fit}) < 2:
        return {"replaced": False, "reason": "not enough categories"}
    new = train([bodies[i] for i in fit], [labels[i] for i in fit], titles=[titles[i] for i in fit])
    held_out = HeldOut(
        [bodies[i] for i in held], [labels[i] for i in held], [titles[i] for i in held]
    )
    decision = replace_if_not_worse(engine.active_model(), new, held_out)
    if decision.replaced:
        path = engine.model_dir() / f"triage-{new.version}.zip"
        new.save(path)
        with transaction.atomic():
            TriageModel.objects.filter(active=True).update(active=False)
            TriageModel.objects.create(
                version=new.version,
                path=str(path),
                active=True,
                training_size=len(fit),
                holdout_macro_f1=decision.new_macro_f1,
            )
        engine.forget()
    return {
        "replaced": decision.replaced,
        "old_macro_f1": decision.old_macro_f1,
        "new_macro_f1": decision.new_macro_f1,
        "training_size": len(fit),
        "platform_cases": len(plat_l),
        "at": timezone.now().isoformat(),
    }
