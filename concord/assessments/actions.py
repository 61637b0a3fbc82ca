"""Every write of the risk-assessment workflow (PROCESS_RULES W4), one function per step.

Each action runs in a transaction, locks the row that owns its audit stream, checks
permission and stage, writes, and appends an event to the hash-chained record
(stream "decision:<id>" for screening, "assessment:<id>" for everything in one round).
Notifications are queued on commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.cases.audit import append_event
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.notifications.actions import notify
from concord.places.models import Place

from . import rules
from .models import (
    Assessment,
    Comment,
    CommentChannel,
    Consultation,
    Decision,
    DecisionType,
    Dimension,
    Engagement,
    EngagementKind,
    Method,
    MitigationTask,
    MonitoringNote,
    Outcome,
    RiskLevel,
    RiskPoint,
    Screening,
    Stage,
    Stance,
    TaskState,
    ThemeResponse,
    Visibility,
)

DEFAULT_CONSULTATION_DAYS = 10
OPEN_FOR_OPINIONS = {Stage.PLANNING, Stage.CONSULTING, Stage.ANALYSING}


def consultation_min_days() -> int:
    """Return the shortest comment period allowed (PROCESS_RULES 1d: at least 10 days)."""
    return int(settings.CONCORD.get("CONSULTATION_MIN_DAYS", DEFAULT_CONSULTATION_DAYS))


# --- helpers -------------------------------------------------------------------------------


def _text(value: str, field: str, *, max_chars: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        msg = _("This field is required.")
        raise InvalidInput(msg, fields={field: msg})
    if len(value) > max_chars:
        msg = _("At most %(n)d characters.") % {"n": max_chars}
        raise InvalidInput(msg, fields={field: msg})
    return value


def _record(stream: str, event: str, actor, /, *, public: bool = False, **data: Any) -> None:
    append_event(stream=stream, kind=event, actor=actor, public=public, data=data)


def _stream(assessment: Assessment) -> str:
    return f"assessment:{assessment.pk}"


def may_manage(user, decision: Decision) -> bool:
    """Return True for the owner unit's staff, supervisors over it, and the assessment team."""
    if perms.can(user, Cap.CASE_HANDLE, unit_id=decision.owner_unit_id):
        return True
    if perms.can(user, Cap.CASE_SUPERVISE, place_path=decision.place_path):
        return True
    live = decision.assessments.exclude(stage=Stage.SUPERSEDED).first()
    return bool(
        live
        and getattr(user, "pk", None)
        and (live.leader_id == user.pk or live.team.filter(pk=user.pk).exists())
    )


def may_review(user, decision: Decision) -> bool:
    """Return True for supervisors over the owner unit's place (risk-assessment sign-off)."""
    return perms.can(user, Cap.CASE_SUPERVISE, place_path=decision.place_path)


def _require_manager(user, decision: Decision) -> None:
    if not may_manage(user, decision):
        raise PermissionDenied(_("Only the owner unit, its supervisors or the team may do this."))


def _require_reviewer(user, decision: Decision) -> None:
    if not may_review(user, decision):
        raise PermissionDenied(_("Only a supervisor over the owner unit may do this."))


def _lock_decision(decision: Decision | int) -> Decision:
    pk = decision.pk if isinstance(decision, Decision) else decision
    return (
        Decision.objects.select_for_update()
        .select_related("decision_type", "owner_unit__place")
        .get(pk=pk)
    )


def _lock(assessment: Assessment | int) -> Assessment:
    pk = assessment.pk if isinstance(assessment, Assessment) else assessment
    return (
        Assessment.objects.select_for_update()
        .select_related("decision__decision_type", "decision__owner_unit__place")
        .get(pk=pk)
    )


def _require_stage(assessment: Assessment, allowed: set[str], what: str) -> None:
    if assessment.stage not in allowed:
        raise InvalidTransition(
            _("Cannot %(what)s while the assessment is at the stage “%(stage)s”.")
            % {"what": what, "stage": Stage(assessment.stage).label}
        )


# --- decisions and screening ---------------------------------------------------------------


def decision_create(
    *,
    actor,
    title: str,
    description: str,
    decision_type: DecisionType,
    owner_unit: Unit,
    places: list[Place],
    affected_groups: list[str] | None = None,
    documents: list[dict] | None = None,
    timeline: list[dict] | None = None,
    is_investment: bool | None = None,
    category_codes: list[str] | None = None,
) -> Decision:
    """Record a proposed major decision of the actor's unit."""
    title = _text(title, "title", max_chars=200)
    description = _text(description, "description", max_chars=20_000)
    if not (
        perms.can(actor, Cap.CASE_HANDLE, unit_id=owner_unit.pk)
        or perms.can(actor, Cap.CASE_SUPERVISE, place_path=owner_unit.place.path)
    ):
        raise PermissionDenied(_("You may only propose decisions for your own unit."))
    if not places:
        msg = _("Name at least one affected place.")
        raise InvalidInput(msg, fields={"places": msg})
    for item in documents or []:
        if not str(item.get("title", "")).strip():
            msg = _("Every document needs a title.")
            raise InvalidInput(msg, fields={"documents": msg})
    with transaction.atomic():
        decision = Decision.objects.create(
            title=title,
            description=description,
            decision_type=decision_type,
            owner_unit=owner_unit,
            place_path=owner_unit.place.path,
            affected_groups=[g.strip() for g in (affected_groups or []) if g.strip()],
            documents=list(documents or []),
            timeline=list(timeline or []),
            is_investment=(
                decision_type.is_investment if is_investment is None else bool(is_investment)
            ),
            category_codes=list(category_codes or []),
            created_by=actor,
        )
        decision.places.set(places)
        _record(
            f"decision:{decision.pk}",
            "decision_created",
            actor,
            public=True,
            title=title,
            type=decision_type.code,
            places=[p.code for p in places],
        )
    return decision


def decision_screen(
    *, actor, decision: Decision, requires: bool | None = None, note: str = ""
) -> Decision:
    """Screen the decision against the list; a deviation from the list needs a written note."""
    with transaction.atomic():
        decision = _lock_decision(decision)
        _require_manager(actor, decision)
        listed = decision.decision_type.requires_assessment
        required = listed if requires is None else bool(requires)
        note = _text(note, "note", max_chars=2000, required=required != listed)
        decision.screening = Screening.REQUIRED if required else Screening.EXEMPT
        decision.screening_note = note
        decision.save(update_fields=["screening", "screening_note", "updated_at"])
        _record(
            f"decision:{decision.pk}",
            "decision_screened",
            actor,
            public=True,
            result=decision.screening,
            listed=listed,
            note=note,
        )
    return decision


# --- plan ----------------------------------------------------------------------------------


def assessment_plan(
    *,
    actor,
    decision: Decision,
    leader,
    team: list | None = None,
    method: str = Method.FULL,
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> Assessment:
    """Make the assessment plan: responsible leader, team, method and schedule."""
    if method not in Method.values:
        raise InvalidInput(_("Unknown method."), fields={"method": _("Unknown method.")})
    if ends_on < starts_on:
        msg = _("The schedule ends before it starts.")
        raise InvalidInput(msg, fields={"ends_on": msg})
    with transaction.atomic():
        decision = _lock_decision(decision)
        _require_manager(actor, decision)
        if decision.screening != Screening.REQUIRED:
            raise InvalidTransition(_("Screen the decision as requiring assessment first."))
        if decision.assessments.exclude(stage=Stage.SUPERSEDED).exists():
            raise InvalidTransition(_("This decision already has an assessment in progress."))
        last = decision.assessments.order_by("-round").first()
        assessment = Assessment.objects.create(
            decision=decision,
            round=(last.round + 1) if last else 1,
            method=method,
            leader=leader,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
        )
        assessment.team.set(team or [])
        _record(
            _stream(assessment),
            "assessment_planned",
            actor,
            public=True,
            round=assessment.round,
            method=method,
            leader=leader.pk,
            team=sorted(u.pk for u in team or []),
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
        )
    return assessment


# --- opinion collection --------------------------------------------------------------------


def consultation_open(
    *,
    actor,
    assessment: Assessment,
    opens_on: date,
    closes_on: date | None = None,
    introduction: str = "",
    questions: list[dict] | None = None,
) -> Consultation:
    """Publish the consultation page; the comment period lasts at least the configured days."""
    min_days = consultation_min_days()
    closes_on = closes_on or opens_on + timedelta(days=min_days - 1)
    # Both ends count: a period from the 1st to the 10th is ten days of comment.
    if (closes_on - opens_on).days + 1 < min_days:
        msg = _("The comment period must last at least %(n)d days.") % {"n": min_days}
        raise InvalidInput(msg, fields={"closes_on": msg})
    clean_questions = []
    for i, q in enumerate(questions or []):
        text_zh = str(q.get("text_zh", "")).strip()
        text_en = str(q.get("text_en", "")).strip()
        if not (text_zh or text_en):
            msg = _("Every question needs a text.")
            raise InvalidInput(msg, fields={f"questions[{i}]": msg})
        clean_questions.append(
            {"id": str(q.get("id") or f"q{i + 1}"), "text_zh": text_zh, "text_en": text_en}
        )
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_manager(actor, assessment.decision)
        _require_stage(assessment, {Stage.PLANNING}, _("open the consultation"))
        consultation = Consultation.objects.create(
            assessment=assessment,
            opens_on=opens_on,
            closes_on=closes_on,
            introduction=introduction.strip(),
            questions=clean_questions,
        )
        assessment.stage = Stage.CONSULTING
        assessment.save(update_fields=["stage", "updated_at"])
        _record(
            _stream(assessment),
            "consultation_opened",
            actor,
            public=True,
            opens_on=opens_on.isoformat(),
            closes_on=closes_on.isoformat(),
            questions=len(clean_questions),
        )
    return consultation


def _new_comment_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "SC-" + "".join(secrets.choice(alphabet) for _i in range(8))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def comment_submit(
    *,
    consultation: Consultation,
    body: str,
    stance: str = "",
    answers: dict[str, str] | None = None,
    author=None,
    display_name: str = "",
    channel: str = CommentChannel.WEB,
    recorded_by=None,
    place: Place | None = None,
) -> tuple[Comment, str]:
    """Keep one comment and return it with the commenter's secret token (shown once).

    Residents comment on the web while the period is open. Staff of the assessment record
    what they heard at visits, hearings and in questionnaires until the report is issued.
    """
    body = _text(body, "body", max_chars=5000)
    if stance and stance not in Stance.values:
        raise InvalidInput(_("Unknown stance."), fields={"stance": _("Unknown stance.")})
    if channel not in CommentChannel.values:
        raise InvalidInput(_("Unknown channel."), fields={"channel": _("Unknown channel.")})
    known = {q["id"] for q in consultation.questions}
    answers = {str(k): str(v).strip()[:2000] for k, v in (answers or {}).items() if str(v).strip()}
    unknown = sorted(set(answers) - known)
    if unknown:
        msg = _("Unknown question.")
        raise InvalidInput(msg, fields={f"answers.{unknown[0]}": msg})
    token = secrets.token_urlsafe(18)
    with transaction.atomic():
        assessment = _lock(consultation.assessment_id)
        if channel == CommentChannel.WEB:
            if recorded_by is not None:
                raise InvalidInput(_("Staff record opinions with the channel they came through."))
            if assessment.stage != Stage.CONSULTING or not consultation.is_open_on(
                timezone.localdate()
            ):
                raise InvalidTransition(_("The consultation is not open for comments."))
        else:
            if recorded_by is None:
                raise PermissionDenied(_("Only staff record opinions from visits and hearings."))
            _require_manager(recorded_by, assessment.decision)
            _require_stage(assessment, OPEN_FOR_OPINIONS, _("record opinions"))
        author = author if getattr(author, "is_authenticated", False) else None
        comment = Comment.objects.create(
            consultation=consultation,
            code=_new_comment_code(),
            token_digest=token_digest(token),
            author=author,
            display_name=display_name.strip()[:80],
            channel=channel,
            recorded_by=recorded_by,
            place=place,
            body=body,
            stance=stance,
            answers=answers,
        )
        _record(
            _stream(assessment),
            "comment_received",
            recorded_by or author,
            public=True,
            comment=comment.code,
            channel=channel,
            digest=hashlib.sha256(body.encode()).hexdigest(),
        )
    return comment, token


def comment_moderate(*, actor, comment: Comment, hide: bool, reason: str) -> Comment:
    """Hide or restore a comment with a stated reason; the comment itself is kept."""
    reason = _text(reason, "reason", max_chars=1000)
    with transaction.atomic():
        assessment = _lock(comment.consultation.assessment_id)
        _require_manager(actor, assessment.decision)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.visibility = Visibility.HIDDEN if hide else Visibility.PUBLISHED
        comment.moderation_reason = reason
        comment.moderated_by = actor
        comment.moderated_at = timezone.now()
        comment.save(
            update_fields=["visibility", "moderation_reason", "moderated_by", "moderated_at"]
        )
        _record(
            _stream(assessment),
            "comment_hidden" if hide else "comment_restored",
            actor,
            public=True,
            comment=comment.code,
            reason=reason,
        )
        if comment.author_id:
            author = comment.author
            transaction.on_commit(
                lambda: notify(
                    recipients=[author],
                    kind="consultation_moderated",
                    subject=_("Your consultation comment %(code)s was moderated")
                    % {"code": comment.code},
                    body=reason,
                    link=f"/assessments/comments/{comment.code}",
                    dedupe_key=f"moderated:{comment.pk}:{comment.moderated_at.isoformat()}",
                )
            )
    return comment


def engagement_record(
    *,
    actor,
    assessment: Assessment,
    kind: str,
    held_on: date,
    summary: str,
    location: str = "",
    participants: int = 0,
) -> Engagement:
    """Record a visit, hearing, questionnaire survey, opinion tracking or analysis meeting."""
    if kind not in EngagementKind.values:
        raise InvalidInput(_("Unknown kind."), fields={"kind": _("Unknown kind.")})
    summary = _text(summary, "summary", max_chars=10_000)
    if participants < 0:
        raise InvalidInput(_("Participants cannot be negative."))
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_manager(actor, assessment.decision)
        _require_stage(assessment, OPEN_FOR_OPINIONS, _("record opinions"))
        engagement = Engagement.objects.create(
            assessment=assessment,
            kind=kind,
            held_on=held_on,
            location=location.strip()[:200],
            participants=participants,
            summary=summary,
            recorded_by=actor,
        )
        _record(
            _stream(assessment),
            "engagement_recorded",
            actor,
            public=True,
            kind=kind,
            held_on=held_on.isoformat(),
            participants=participants,
        )
    return engagement


@cache
def _theme_model():
    from concord.triage.algorithms.classifier import train_default_model

    # Uncalibrated: only the best label and the order of confidences matter for themes,
    # and skipping the out-of-fold calibration makes the first summary several times faster.
    return train_default_model(calibrate=False)


def classify_texts(texts) -> list[tuple[str, float]]:
    """Return the triage classifier's (category, confidence) for each text."""
    model = _theme_model()
    proba = model.predict_proba(list(texts))
    out = []
    for row in proba:
        if not row.any():
            out.append(("", 0.0))
        else:
            i = int(row.argmax())
            out.append((model.labels[i], float(row[i])))
    return out


def consultation_summarise(*, actor, assessment: Assessment, classify=None) -> Consultation:
    """Assign every published comment a theme and keywords and store the theme summary."""
    from .themes import CommentIn, summarise

    with transaction.atomic():
        assessment = _lock(assessment)
        _require_manager(actor, assessment.decision)
        consultation = Consultation.objects.get(assessment=assessment)
        comments = list(
            consultation.comments.select_for_update().filter(visibility=Visibility.PUBLISHED)
        )
        summary = summarise([CommentIn(c.pk, c.body) for c in comments], classify or classify_texts)
        for c in comments:
            c.theme, c.theme_confidence, c.keywords = summary.assignments[c.pk]
        Comment.objects.bulk_update(comments, ["theme", "theme_confidence", "keywords"])
        data = summary.as_dict()
        stances = {s: 0 for s in Stance.values}
        for c in comments:
            if c.stance:
                stances[c.stance] += 1
        data["stances"] = stances
        data["hidden"] = consultation.comments.filter(visibility=Visibility.HIDDEN).count()
        consultation.summary = data
        consultation.summarised_at = timezone.now()
        consultation.save(update_fields=["summary", "summarised_at"])
        _record(
            _stream(assessment),
            "consultation_summarised",
            actor,
            public=True,
            total=summary.total,
            themes={t.label: t.count for t in summary.themes},
        )
        _recompute(assessment)
    return consultation


def consultation_close(*, actor, assessment: Assessment) -> Assessment:
    """Move to risk analysis once the comment period has ended."""
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_manager(actor, assessment.decision)
        _require_stage(assessment, {Stage.CONSULTING}, _("close the consultation"))
        consultation = Consultation.objects.get(assessment=assessment)
        if timezone.localdate() <= consultation.closes_on:
            raise InvalidTransition(
                _("The comment period runs until %(day)s.") % {"day": consultation.closes_on}
            )
        assessment.stage = Stage.ANALYSING
        assessment.save(update_fields=["stage", "updated_at"])
        _record(_stream(assessment), "consultation_closed", actor, public=True)
    return assessment


# --- risk register and level ---------------------------------------------------------------


def _stance_counts(assessment: Assessment) -> dict[str, int]:
    counts = {s: 0 for s in Stance.values}
    rows = Comment.objects.filter(
        consultation__assessment=assessment, visibility=Visibility.PUBLISHED
    ).exclude(stance="")
    for stance in rows.values_list("stance", flat=True):
        counts[stance] += 1
    return counts


def point_inputs(points) -> list[rules.PointInput]:
    return [
        rules.PointInput(
            key=str(p.pk),
            dimension=p.dimension,
            likelihood=p.likelihood,
            impact=p.impact,
            has_mitigation=p.has_mitigation,
        )
        for p in points
    ]


def _recompute(assessment: Assessment) -> None:
    """Store the level the documented rules give for the register and stances now."""
    result = rules.overall_level(
        point_inputs(assessment.risk_points.all()), **_stance_counts(assessment)
    )
    assessment.computed_level = result.level
    assessment.computed_detail = result.as_dict()
    assessment.save(update_fields=["computed_level", "computed_detail", "updated_at"])


def _clean_point(dimension: str, likelihood: int, impact: int) -> None:
    if dimension not in Dimension.values:
        raise InvalidInput(_("Unknown dimension."), fields={"dimension": _("Unknown dimension.")})
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not 1 <= int(value) <= 5:
            msg = _("Give a whole number from 1 to 5.")
            raise InvalidInput(msg, fields={name: msg})


def risk_point_add(
    *,
    actor,
    assessment: Assessment,
    dimension: str,
    title: str,
    likelihood: int,
    impact: int,
    description: str = "",
    affected_groups: list[str] | None = None,
    evidence: list[dict] | None = None,
    mitigation: str = "",
    owner_unit: Unit | None = None,
) -> RiskPoint:
    """Add a risk point to the register and recompute the level."""
    title = _text(title, "title", max_chars=200)
    _clean_point(dimension, likelihood, impact)
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_manager(actor, assessment.decision)
        _require_stage(assessment, OPEN_FOR_OPINIONS, _("change the risk register"))
        point = RiskPoint.objects.create(
            assessment=assessment,
            dimension=dimension,
            title=title,
            description=description.strip(),
            likelihood=int(likelihood),
            impact=int(impact),
            affected_groups=list(affected_groups or []),
            evidence=list(evidence or []),
            mitigation=mitigation.strip(),
            owner_unit=owner_unit,
        )
        _record(
            _stream(assessment),
            "risk_point_added",
            actor,
            point=point.pk,
            dimension=dimension,
            likelihood=int(likelihood),
            impact=int(impact),
        )
        _recompute(assessment)
    return point


def risk_point_update(*, actor, point: RiskPoint, **changes: Any) -> RiskPoint:
    """Change a risk point's scores, mitigation or owner, and recompute the level."""
    allowed = {
        "title",
        "description",
        "likelihood",
        "impact",
        "affected_groups",
        "evidence",
        "mitigation",
        "owner_unit",
        "dimension",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(_("Unknown field."), fields={sorted(unknown)[0]: _("Unknown field.")})
    with transaction.atomic():
        assessment = _lock(point.assessment_id)
        _require_manager(actor, assessment.decision)
        _require_stage(assessment, OPEN_FOR_OPINIONS, _("change the risk register"))
        point = RiskPoint.objects.select_for_update().get(pk=point.pk)
        for name, value in changes.items():
            setattr(point, name, value.strip() if isinstance(value, str) else value)
        _clean_point(point.dimension, point.likelihood, point.impact)
        point.save()
        _record(
            _stream(assessment),
            "risk_point_changed",
            actor,
            point=point.pk,
            fields=sorted(changes),
            likelihood=point.likelihood,
            impact=point.impact,
        )
        _recompute(assessment)
    return point


def assessment_override_level(
    *, actor, assessment: Assessment, level: str, reason: str
) -> Assessment:
    """Let the reviewer set the level against the rules, with a written reason on record."""
    if level not in RiskLevel.values:
        raise InvalidInput(_("Unknown level."), fields={"level": _("Unknown level.")})
    reason = _text(reason, "reason", max_chars=4000)
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_reviewer(actor, assessment.decision)
        _require_stage(assessment, OPEN_FOR_OPINIONS, _("override the level"))
        assessment.override_level = level
        assessment.override_reason = reason
        assessment.overridden_by = actor
        assessment.save(
            update_fields=["override_level", "override_reason", "overridden_by", "updated_at"]
        )
        _record(
            _stream(assessment),
            "level_overridden",
            actor,
            public=True,
            computed=assessment.computed_level,
            level=level,
            reason=reason,
        )
    return assessment


# --- report, decision and follow-through ---------------------------------------------------


def assessment_issue_report(*, actor, assessment: Assessment, contingency_plan: str) -> Assessment:
    """Fix the level and the evidence, and issue the report for the deciding body."""
    from .evidence import platform_evidence

    contingency_plan = _text(contingency_plan, "contingency_plan", max_chars=20_000)
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_manager(actor, assessment.decision)
        _require_stage(assessment, {Stage.ANALYSING}, _("issue the report"))
        points = list(assessment.risk_points.all())
        if not points:
            raise InvalidTransition(_("List at least one risk point before reporting."))
        missing = [p.title for p in points if not p.mitigation.strip()]
        if missing:
            msg = _("Every risk point needs a mitigation: %(titles)s") % {
                "titles": "、".join(missing)
            }
            raise InvalidInput(msg, fields={"risk_points": msg})
        _recompute(assessment)
        assessment.contingency_plan = contingency_plan
        # The snapshot lists only cases the issuer may see; each reader sees fewer if need be.
        assessment.evidence_snapshot = platform_evidence(
            assessment.decision, today=timezone.localdate(), reader=actor, snapshot=True
        )
        assessment.reported_at = timezone.now()
        assessment.stage = Stage.REPORTED
        assessment.save(
            update_fields=[
                "contingency_plan",
                "evidence_snapshot",
                "reported_at",
                "stage",
                "updated_at",
            ]
        )
        _record(
            _stream(assessment),
            "report_issued",
            actor,
            public=True,
            level=assessment.level,
            computed=assessment.computed_level,
            points=len(points),
        )
    return assessment


def assessment_decide(
    *,
    actor,
    assessment: Assessment,
    outcome: str,
    decided_on: date,
    body: str,
    minutes: str,
) -> Assessment:
    """Record the collective decision, refused where the rules say the risk is too high."""
    if outcome not in Outcome.values:
        raise InvalidInput(_("Unknown outcome."), fields={"outcome": _("Unknown outcome.")})
    body = _text(body, "body", max_chars=200)
    minutes = _text(minutes, "minutes", max_chars=20_000)
    with transaction.atomic():
        assessment = _lock(assessment)
        decision = assessment.decision
        _require_reviewer(actor, decision)
        _require_stage(assessment, {Stage.REPORTED}, _("record the decision"))
        refusal = rules.decision_refusal(
            level=assessment.level,
            outcome=outcome,
            is_investment=decision.is_investment,
            points=point_inputs(assessment.risk_points.all()),
        )
        if refusal:
            messages = {
                "investment_blocked": _(
                    "An investment project assessed at high or medium risk cannot be approved."
                ),
                "not_controllable": _(
                    "At high risk the decision cannot be implemented: adjust the draft and "
                    "re-assess."
                ),
                "unmitigated_points": _(
                    "At medium risk every significant risk point needs a mitigation with an "
                    "owner before implementation."
                ),
            }
            raise InvalidTransition(messages[refusal], fields={"outcome": refusal})
        assessment.outcome = outcome
        assessment.decided_on = decided_on
        assessment.decision_body = body
        assessment.decision_minutes = minutes
        assessment.decided_by = actor
        assessment.stage = Stage.DECIDED
        assessment.save(
            update_fields=[
                "outcome",
                "decided_on",
                "decision_body",
                "decision_minutes",
                "decided_by",
                "stage",
                "updated_at",
            ]
        )
        _record(
            _stream(assessment),
            "decision_recorded",
            actor,
            public=True,
            outcome=outcome,
            level=assessment.level,
            decided_on=decided_on.isoformat(),
            body=body,
        )
        authors = list(
            {
                c.author
                for c in Comment.objects.filter(
                    consultation__assessment=assessment, author__isnull=False
                ).select_related("author")
            }
        )
        if authors:
            title = decision.title
            transaction.on_commit(
                lambda: notify(
                    recipients=authors,
                    kind="consultation_decided",
                    subject=_("Decision made: %(title)s") % {"title": title},
                    body=_("See what the decision did with what you said."),
                    link=f"/assessments/consultations/{assessment.pk}",
                    dedupe_key=f"decided:{assessment.pk}",
                )
            )
    return assessment


def theme_response_set(
    *, actor, assessment: Assessment, theme: str, response: str, changed_decision: bool = False
) -> ThemeResponse:
    """Say what the decision did with one theme ("you said, we did")."""
    response = _text(response, "response", max_chars=4000)
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_manager(actor, assessment.decision)
        row, _created = ThemeResponse.objects.update_or_create(
            assessment=assessment,
            theme=theme,
            defaults={"response": response, "changed_decision": changed_decision},
        )
        _record(
            _stream(assessment),
            "theme_answered",
            actor,
            public=True,
            theme=theme,
            changed_decision=changed_decision,
        )
    return row


def mitigation_task_add(
    *,
    actor,
    assessment: Assessment,
    title: str,
    owner_unit: Unit,
    due_on: date,
    risk_point: RiskPoint | None = None,
) -> MitigationTask:
    """Turn a mitigation into a task with a deadline that the task job watches."""
    title = _text(title, "title", max_chars=200)
    if risk_point is not None and risk_point.assessment_id != assessment.pk:
        raise InvalidInput(_("The risk point belongs to another assessment."))
    with transaction.atomic():
        assessment = _lock(assessment)
        _require_manager(actor, assessment.decision)
        _require_stage(
            assessment, OPEN_FOR_OPINIONS | {Stage.REPORTED, Stage.DECIDED}, _("add a task")
        )
        task = MitigationTask.objects.create(
            assessment=assessment,
            risk_point=risk_point,
            title=title,
            owner_unit=owner_unit,
            due_on=due_on,
        )
        _record(
            _stream(assessment),
            "task_added",
            actor,
            task=task.pk,
            owner_unit=owner_unit.code,
            due_on=due_on.isoformat(),
        )
    return task


def mitigation_task_complete(*, actor, task: MitigationTask, note: str) -> MitigationTask:
    """Mark a task done (also after its deadline; the breach stays on record)."""
    note = _text(note, "note", max_chars=4000)
    with transaction.atomic():
        assessment = _lock(task.assessment_id)
        task = MitigationTask.objects.select_for_update().get(pk=task.pk)
        if not (
            may_manage(actor, assessment.decision)
            or perms.can(actor, Cap.CASE_HANDLE, unit_id=task.owner_unit_id)
        ):
            raise PermissionDenied(_("Only the task's unit or the assessment team may do this."))
        if task.state == TaskState.DONE:
            raise InvalidTransition(_("The task is already done."))
        late = task.state == TaskState.OVERDUE
        task.state = TaskState.DONE
        task.done_at = timezone.now()
        task.done_note = note
        task.save(update_fields=["state", "done_at", "done_note"])
        _record(_stream(assessment), "task_done", actor, task=task.pk, late=late)
    return task


def monitoring_record(
    *, actor, assessment: Assessment, text: str, facts_changed: bool = False
) -> MonitoringNote:
    """Note what monitoring during implementation found; changed facts start a re-assessment."""
    text = _text(text, "text", max_chars=10_000)
    with transaction.atomic():
        locked = _lock(assessment)
        _require_manager(actor, locked.decision)
        _require_stage(locked, {Stage.DECIDED}, _("record monitoring"))
        note = MonitoringNote.objects.create(
            assessment=locked,
            noted_on=timezone.localdate(),
            text=text,
            facts_changed=facts_changed,
            recorded_by=actor,
        )
        _record(
            _stream(locked), "monitoring_noted", actor, public=True, facts_changed=facts_changed
        )
        if facts_changed:
            assessment_reassess(actor=actor, assessment=locked, reason=text)
    return note


def assessment_reassess(*, actor, assessment: Assessment, reason: str) -> Assessment:
    """Start a new round because facts changed; the register is carried over to revise."""
    reason = _text(reason, "reason", max_chars=10_000)
    with transaction.atomic():
        old = _lock(assessment)
        _require_manager(actor, old.decision)
        _require_stage(
            old, {Stage.ANALYSING, Stage.REPORTED, Stage.DECIDED}, _("start a re-assessment")
        )
        old.stage = Stage.SUPERSEDED
        old.save(update_fields=["stage", "updated_at"])
        _record(_stream(old), "superseded", actor, public=True, reason=reason)
        today = timezone.localdate()
        new = assessment_plan(
            actor=actor,
            decision=old.decision,
            leader=old.leader,
            team=list(old.team.all()),
            method=old.method,
            starts_on=today,
            ends_on=today + (old.ends_on - old.starts_on),
            reason=reason,
        )
        RiskPoint.objects.bulk_create(
            RiskPoint(
                assessment=new,
                dimension=p.dimension,
                title=p.title,
                description=p.description,
                likelihood=p.likelihood,
                impact=p.impact,
                affected_groups=p.affected_groups,
                evidence=p.evidence,
                mitigation=p.mitigation,
                owner_unit_id=p.owner_unit_id,
            )
            for p in old.risk_points.all()
        )
        _recompute(new)
        _record(_stream(new), "reassessment_started", actor, public=True, previous=old.pk)
    return new
