"""Permission-checked reads of decisions, assessments and the public consultation."""

from __future__ import annotations

import hmac
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases.models import Category
from concord.core.errors import NotFound

from .actions import token_digest
from .models import (
    Assessment,
    Comment,
    Consultation,
    Decision,
    Stage,
    ThemeResponse,
    Visibility,
)

VIEW_CAPS = (Cap.CASE_VIEW, Cap.STATS_VIEW)


def decisions_visible_to(user) -> QuerySet[Decision]:
    """Return decisions whose owner unit or affected places lie where the user may look."""
    if not getattr(user, "is_authenticated", False):
        return Decision.objects.none()
    q = Q(pk__in=[])
    for cap in VIEW_CAPS:
        for path in perms.place_paths_with(user, cap):
            q |= Q(place_path__startswith=path) | Q(places__path__startswith=path)
    ids = Decision.objects.filter(q).values("pk")
    return Decision.objects.filter(pk__in=ids)


def decision_list(user) -> QuerySet[Decision]:
    live = Assessment.objects.exclude(stage=Stage.SUPERSEDED)
    return (
        decisions_visible_to(user)
        .select_related("decision_type", "owner_unit")
        .prefetch_related("places", Prefetch("assessments", queryset=live, to_attr="live"))
        .order_by("-created_at", "-id")
    )


def get_decision_for_user(user, decision_id: int) -> Decision:
    decision = (
        decisions_visible_to(user)
        .select_related("decision_type", "owner_unit__place")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise NotFound()
    return decision


def get_assessment_for_user(user, assessment_id: int) -> Assessment:
    assessment = (
        Assessment.objects.select_related(
            "decision__decision_type", "decision__owner_unit__place", "leader"
        )
        .filter(pk=assessment_id, decision__in=decisions_visible_to(user))
        .first()
    )
    if assessment is None:
        raise NotFound()
    return assessment


def assessment_detail(assessment: Assessment) -> Assessment:
    """Return the assessment with everything its page shows, in a fixed number of queries."""
    return (
        Assessment.objects.select_related(
            "decision__decision_type", "decision__owner_unit__place", "leader", "consultation"
        )
        .prefetch_related(
            "team",
            "decision__places",
            "risk_points__owner_unit",
            "tasks__owner_unit",
            "engagements",
            "theme_responses",
            "monitoring",
        )
        .get(pk=assessment.pk)
    )


# --- public --------------------------------------------------------------------------------


def public_consultations(*, today: date | None = None) -> QuerySet[Consultation]:
    """Return consultations that have opened, newest first (they stay public afterwards)."""
    today = today or timezone.localdate()
    return (
        Consultation.objects.filter(opens_on__lte=today)
        .select_related("assessment__decision__owner_unit")
        .order_by("-opens_on", "-id")
    )


def get_public_consultation(assessment_id: int) -> Consultation:
    consultation = (
        public_consultations()
        .select_related("assessment__decision__decision_type")
        .prefetch_related("assessment__decision__places")
        .filter(assessment_id=assessment_id)
        .first()
    )
    if consultation is None:
        raise NotFound()
    return consultation


def public_comments(consultation: Consultation) -> QuerySet[Comment]:
    """Return all comments in order; hidden ones are shown as hidden, with the reason."""
    return consultation.comments.only(
        "code",
        "display_name",
        "body",
        "stance",
        "channel",
        "visibility",
        "moderation_reason",
        "theme",
        "created_at",
        "consultation_id",
    ).order_by("created_at", "id")


def get_comment_by_token(code: str, token: str) -> Comment:
    """Return a comment for its receipt code and secret token, or raise NotFound."""
    comment = (
        Comment.objects.select_related("consultation__assessment__decision")
        .filter(code=(code or "").strip().upper())
        .first()
    )
    if comment is None or not hmac.compare_digest(comment.token_digest, token_digest(token or "")):
        raise NotFound()
    return comment


def theme_names() -> dict[str, tuple[str, str]]:
    """Return the Chinese and English names of the themes (the first-level categories)."""
    rows = Category.objects.filter(depth=1).values_list("name_zh", "name_en")
    return {zh: (zh, en) for zh, en in rows}


def theme_label(theme: str, names: dict[str, tuple[str, str]] | None = None) -> str:
    if not theme:
        return ""
    names = names if names is not None else theme_names()
    zh, en = names.get(theme, (theme, theme))
    return en if (get_language() or "").startswith("en") else zh


def you_said_we_did(assessment: Assessment) -> list[dict]:
    """Return each theme raised with its count and what the decision did with it."""
    summary = getattr(getattr(assessment, "consultation", None), "summary", None) or {}
    responses = {r.theme: r for r in ThemeResponse.objects.filter(assessment=assessment)}
    names = theme_names()
    out = []
    for theme in summary.get("themes", []):
        r = responses.get(theme["theme"])
        out.append(
            {
                "theme": theme["theme"],
                "label": theme_label(theme["theme"], names),
                "count": theme["count"],
                "keywords": [k["word"] for k in theme["keywords"][:5]],
                "response": r.response if r else "",
                "changed_decision": bool(r and r.changed_decision),
            }
        )
    return out


def comment_follow_up(comment: Comment) -> dict:
    """Return what a commenter may see: their comment, its moderation and the decision's answer."""
    assessment = comment.consultation.assessment
    # A re-assessment round carries on the same decision: the answer is the latest round's.
    latest = (
        Assessment.objects.filter(decision_id=assessment.decision_id)
        .select_related("consultation")
        .order_by("-round")
        .first()
    )
    answers = {r["theme"]: r for r in you_said_we_did(assessment)}
    mine = answers.get(comment.theme)
    return {
        "code": comment.code,
        "body": comment.body,
        "stance": comment.stance,
        "visibility": comment.visibility,
        "moderation_reason": comment.moderation_reason,
        "theme": comment.theme,
        "theme_label": theme_label(comment.theme),
        "decision": assessment.decision.title,
        "assessment_id": assessment.pk,
        "stage": latest.stage if latest else assessment.stage,
        "outcome": assessment.outcome,
        "outcome_label": assessment.get_outcome_display() if assessment.outcome else "",
        "response": mine["response"] if mine else "",
        "changed_decision": mine["changed_decision"] if mine else False,
        "all_responses": list(answers.values()),
        "published": comment.visibility == Visibility.PUBLISHED,
    }
