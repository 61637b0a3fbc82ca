"""The report, the decision on it, and the follow-through: responses, mitigation, monitoring."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.core.bilingual import each
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.notifications.actions import notify
from concord.notifications.follows import followers_tell_after_commit

from .. import rules
from ..evidence import platform_evidence
from ..models import (
    Assessment,
    Comment,
    Consultation,
    MitigationTask,
    MonitoringNote,
    Outcome,
    RiskPoint,
    Stage,
    TaskState,
    ThemeResponse,
)
from .common import (
    OPEN_FOR_OPINIONS,
    _record,
    _require_manager,
    _require_reviewer,
    _require_stage,
    _stream,
    _text,
    lock_assessment,
    may_manage,
)
from .decisions import assessment_plan
from .risks import _recompute, point_inputs

# --- report, decision and follow-through ---------------------------------------------------


def assessment_issue_report(*, actor, assessment: Assessment, contingency_plan: str) -> Assessment:
    """Fix the level and the evidence, and issue the report for the deciding body."""

    contingency_plan = _text(contingency_plan, "contingency_plan", max_chars=20_000)
    with transaction.atomic():
        assessment = lock_assessment(assessment)
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
    unanswered_reason: str = "",
) -> Assessment:
    """Record the collective decision, refused where the rules say the risk is too high.

    Every theme the consultation raised should have its answer ("you said, we did") first; a
    decision taken while some have none needs `unanswered_reason`, which is published.
    """
    if outcome not in Outcome.values:
        raise InvalidInput(_("Unknown outcome."), fields={"outcome": _("Unknown outcome.")})
    body = _text(body, "body", max_chars=200)
    minutes = _text(minutes, "minutes", max_chars=20_000)
    unanswered_reason = (unanswered_reason or "").strip()[:4000]
    with transaction.atomic():
        assessment = lock_assessment(assessment)
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
        unanswered = unanswered_themes(assessment)
        if unanswered and not unanswered_reason:
            msg = _(
                "%(n)d themes residents raised have no answer yet: answer them first, or give "
                "the reason for deciding now (it is published)."
            ) % {"n": len(unanswered)}
            raise InvalidInput(msg, fields={"unanswered_reason": msg})
        if not unanswered:
            unanswered_reason = ""
        assessment.outcome = outcome
        assessment.unanswered_reason = unanswered_reason
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
                "unanswered_reason",
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
            unanswered_themes=unanswered,
            unanswered_reason=unanswered_reason,
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
                    subject=each("Decision made: %(title)s", title=title),
                    body=each("See what the decision did with what you said."),
                    link=f"/assessments/consultations/{assessment.pk}",
                    dedupe_key=f"decided:{assessment.pk}",
                )
            )
        # Followers of the consultation, under the same key: an author who follows is told once.
        followers_tell_after_commit(
            target="consultation",
            object_id=assessment.pk,
            kind="followed_answer",
            subject=each("[Decision] %(title)s", title=decision.title),
            body=each(
                "%(body)s\nThe decision and what it did with what residents said are on the page.",
                body=body,
            ),
            link=f"/assessments/consultations/{assessment.pk}",
            dedupe_key=f"decided:{assessment.pk}",
        )
    return assessment


def unanswered_themes(assessment: Assessment) -> list[str]:
    """Return the consultation's themes that have no written answer yet."""
    consultation = Consultation.objects.filter(assessment=assessment).first()
    themes = [
        t["theme"] for t in ((consultation.summary or {}) if consultation else {}).get("themes", [])
    ]
    answered = set(
        ThemeResponse.objects.filter(assessment=assessment)
        .exclude(response="")
        .values_list("theme", flat=True)
    )
    return [t for t in themes if t not in answered]


def theme_response_set(
    *, actor, assessment: Assessment, theme: str, response: str, changed_decision: bool = False
) -> ThemeResponse:
    """Say what the decision did with one theme ("you said, we did")."""
    response = _text(response, "response", max_chars=4000)
    with transaction.atomic():
        assessment = lock_assessment(assessment)
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
        assessment = lock_assessment(assessment)
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
        assessment = lock_assessment(task.assessment_id)
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
        locked = lock_assessment(assessment)
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
        old = lock_assessment(assessment)
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
