"""Collecting opinions: consultations, comments, moderation, engagement and the summary."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from functools import cache

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from concord.core.bilingual import each
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.notifications.actions import notify
from concord.places.models import Place
from concord.triage.algorithms.classifier import train_default_model

from ..models import (
    Assessment,
    Comment,
    CommentChannel,
    Consultation,
    Engagement,
    EngagementKind,
    Stage,
    Stance,
    Visibility,
)
from ..themes import CommentIn, summarise
from .common import (
    OPEN_FOR_OPINIONS,
    _record,
    _require_manager,
    _require_stage,
    _stream,
    _text,
    consultation_min_days,
    lock_assessment,
)
from .risks import _recompute

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
        assessment = lock_assessment(assessment)
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
        transaction.on_commit(lambda: consultation_deliver_task.enqueue(assessment.pk))
    return consultation


def consultation_deliver(*, assessment_id: int) -> int:
    """Tell everyone who follows one of the decision's places (or a place around them) that
    its consultation is open, with the closing date. Idempotent; return how many were told."""
    from django.contrib.auth import get_user_model

    from concord.notifications.broadcast import broadcast
    from concord.notifications.follows import user_ids_following_places

    assessment = Assessment.objects.select_related("decision", "consultation").get(pk=assessment_id)
    decision = assessment.decision
    paths = [p.path for p in decision.places.all()] or [decision.place_path]
    people = get_user_model().objects.filter(pk__in=user_ids_following_places(paths))
    closes = f"{assessment.consultation.closes_on:%Y-%m-%d}"
    return broadcast(
        people=people,
        kind="consultation_opened",
        subject=each("[Consultation] %(title)s", title=decision.title),
        body=each("Give your opinion by %(closes)s.", closes=closes),
        link=f"/assessments/consultations/{assessment.pk}",
        dedupe_key=f"consultation:{assessment.pk}",
    )


@task()
def consultation_deliver_task(assessment_id: int) -> int:
    """In the background: tell the followers of the places of a consultation just opened."""
    return consultation_deliver(assessment_id=assessment_id)


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
        assessment = lock_assessment(consultation.assessment_id)
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
        assessment = lock_assessment(comment.consultation.assessment_id)
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
                    subject=each(
                        "Your consultation comment %(code)s was moderated", code=comment.code
                    ),
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
        assessment = lock_assessment(assessment)
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

    with transaction.atomic():
        assessment = lock_assessment(assessment)
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
        assessment = lock_assessment(assessment)
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
