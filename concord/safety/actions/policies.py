"""Policy notices and residents' questions on them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.core.bilingual import each
from concord.core.errors import InvalidInput, PermissionDenied
from concord.core.ledger import append_event
from concord.notifications.actions import notify
from concord.notifications.follows import followers_tell_after_commit
from concord.places.models import Place

from ..models import PolicyNotice, PolicyQuestion
from .common import _places, _required

# --- policy notices ------------------------------------------------------------------------


def _may_speak_for(actor, unit: Unit) -> bool:
    return perms.can(actor, Cap.CASE_HANDLE, unit_id=unit.pk) or perms.can(
        actor, Cap.CASE_SUPERVISE, place_path=unit.place.path
    )


@transaction.atomic
def policy_publish(
    *,
    actor,
    title_zh: str,
    title_en: str,
    body: str,
    interpretation_zh: str,
    interpretation_en: str = "",
    issuing_unit: Unit,
    places: Iterable[Place] | None,
    effective_from: date,
    effective_to: date | None = None,
) -> PolicyNotice:
    """Publish a policy with its plain-language interpretation, dates and places."""
    if not _may_speak_for(actor, issuing_unit):
        raise PermissionDenied(_("Only the issuing unit may publish its policies."))
    places = _places(places)
    if effective_from is None:
        msg = _("Give the date the policy takes effect.")
        raise InvalidInput(msg, fields={"effective_from": msg})
    if effective_to is not None and effective_to < effective_from:
        msg = _("The policy cannot end before it takes effect.")
        raise InvalidInput(msg, fields={"effective_to": msg})
    notice = PolicyNotice.objects.create(
        title_zh=_required(title_zh, "title_zh", max_chars=200),
        title_en=(title_en or "").strip()[:200],
        body=_required(body, "body", max_chars=100_000),
        interpretation_zh=_required(interpretation_zh, "interpretation_zh"),
        interpretation_en=interpretation_en.strip(),
        issuing_unit=issuing_unit,
        effective_from=effective_from,
        effective_to=effective_to,
        published_by=actor,
    )
    notice.places.set(places)
    append_event(
        stream=f"policy:{notice.pk}",
        kind="policy_published",
        actor=actor,
        public=True,
        data={"places": [p.code for p in places], "effective_from": effective_from.isoformat()},
    )
    transaction.on_commit(lambda: policy_deliver_task.enqueue(notice.pk))
    return notice


def _title(notice: PolicyNotice) -> dict[str, str]:
    """Return the notice's title in each language (the Chinese where there is no English)."""
    return {"zh-hans": notice.title_zh, "en": notice.title_en}


def policy_deliver(*, notice_id: int) -> int:
    """Tell everyone who follows one of the notice's places (or a place around them) that it
    was published, in their language, by their channels. Idempotent; return how many."""
    from concord.notifications.broadcast import broadcast
    from concord.notifications.follows import user_ids_following_places

    notice = PolicyNotice.objects.prefetch_related("places").get(pk=notice_id)
    paths = [p.path for p in notice.places.all()]
    people = get_user_model().objects.filter(pk__in=user_ids_following_places(paths))
    return broadcast(
        people=people,
        kind="policy_published",
        subject=each("[Policy notice] %(title)s", title=_title(notice)),
        body=each(
            "%(interpretation)s\n(in force from %(start)s)",
            interpretation={"zh-hans": notice.interpretation_zh, "en": notice.interpretation_en},
            start=f"{notice.effective_from:%Y-%m-%d}",
        ),
        link=f"/safety/policies/{notice.pk}/",
        dedupe_key=f"policy:{notice.pk}",
    )


@task()
def policy_deliver_task(notice_id: int) -> int:
    """In the background: tell the followers of a published notice's places."""
    return policy_deliver(notice_id=notice_id)


@transaction.atomic
def policy_question_ask(
    *, notice: PolicyNotice, text: str, actor=None, language: str = "zh-hans"
) -> PolicyQuestion:
    """Ask a question about a policy (anyone; an account lets the answer reach the inbox)."""
    text = _required(text, "text", max_chars=2000)
    question = PolicyQuestion.objects.create(
        notice=notice,
        text=text,
        language=language if language in {"zh-hans", "en"} else "zh-hans",
        asked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    PolicyNotice.objects.select_for_update().filter(pk=notice.pk).first()
    append_event(
        stream=f"policy:{notice.pk}",
        kind="question_asked",
        public=True,
        data={"question": question.pk},
    )
    return question


@transaction.atomic
def policy_question_answer(*, actor, question: PolicyQuestion, answer: str) -> PolicyQuestion:
    """Answer a question publicly; the asker is told (a written answer is a statutory notice)."""
    question = (
        # Lock only the question's own row: PostgreSQL refuses FOR UPDATE across the nullable
        # side of the outer join that select_related makes for `asked_by`.
        PolicyQuestion.objects.select_for_update(of=("self",))
        .select_related("notice__issuing_unit__place", "asked_by")
        .get(pk=question.pk)
    )
    if not _may_speak_for(actor, question.notice.issuing_unit):
        raise PermissionDenied(_("Only the issuing unit may answer questions on its policies."))
    question.answer = _required(answer, "answer")
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    PolicyNotice.objects.select_for_update().filter(pk=question.notice_id).first()
    append_event(
        stream=f"policy:{question.notice_id}",
        kind="question_answered",
        actor=actor,
        public=True,
        data={"question": question.pk, "answer": question.answer},
    )
    if question.asked_by_id:
        asker, notice = question.asked_by, question.notice
        transaction.on_commit(
            lambda: notify(
                recipients=[asker],
                kind="policy_answer",
                subject=each("Your question on “%(title)s” was answered", title=_title(notice)),
                body=question.answer,
                link=f"/safety/policies/{notice.pk}/",
                dedupe_key=f"policy-answer:{question.pk}",
                statutory=True,
            )
        )
    # Followers of the notice, under the asker's key: an asker who follows is told once.
    notice = question.notice
    followers_tell_after_commit(
        target="notice",
        object_id=notice.pk,
        kind="followed_answer",
        subject=each("[Policy answer] %(title)s", title=_title(notice)),
        body=each("Q: %(question)s\nA: %(answer)s", question=question.text, answer=question.answer),
        link=f"/safety/policies/{notice.pk}/",
        dedupe_key=f"policy-answer:{question.pk}",
    )
    return question
