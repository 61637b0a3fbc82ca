"""Residents' suggestions: submit, moderate, support, respond, and the response clock."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.accounts import permissions as perms
from concord.accounts.models import Membership, Unit, UnitKind
from concord.accounts.roles import Cap
from concord.core import conf
from concord.core.bilingual import each
from concord.core.calendars import platform_calendar
from concord.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from concord.notifications.actions import notify
from concord.notifications.follows import followers_tell_after_commit
from concord.places.models import Place
from concord.triage.algorithms.similarity import similarity

from .. import moderation
from ..models import Moderation, Suggestion, SuggestionStatus, SuggestionSupport
from .common import (
    MODERATION_REASONS,
    _record,
    _require_cap,
    _require_login,
    _require_verified,
    _text,
)

# --- suggestions -------------------------------------------------------------------------------


def responsible_unit(place: Place) -> Unit:
    """Return the nearest governance centre at or above a place."""
    units = Unit.objects.filter(
        kind=UnitKind.GOVERNANCE_CENTRE, is_active=True, place__path__in=place.ancestors_paths()
    ).select_related("place")
    best = max(units, key=lambda u: len(u.place.path), default=None)
    if best is None:
        raise InvalidInput(fields={"place": _("No unit can answer suggestions for this place.")})
    return best


def _link_similar(suggestion: Suggestion) -> list[int]:

    county = "/" + suggestion.place_path.strip("/").split("/")[0] + "/"
    text = f"{suggestion.title}\n{suggestion.body}"
    candidates = (
        Suggestion.objects.filter(place_path__startswith=county, moderation=Moderation.PUBLISHED)
        .exclude(pk=suggestion.pk)
        .order_by("-created_at")
        .values_list("pk", "title", "body")[:300]
    )
    limit = conf.concord().suggestion_similar_threshold
    linked = [pk for pk, t, b in candidates if similarity(text, f"{t}\n{b}") >= limit]
    if linked:
        suggestion.similar.add(*linked)
    return linked


def suggestion_submit(*, actor, place: Place, title: str, body: str) -> Suggestion:
    """Propose a suggestion; spam, abuse and personal data are held with the reason shown."""
    _require_login(actor)
    title = _text(title, "title", 200)
    body = _text(body, "body", 5000)
    reasons = moderation.screen(f"{title}\n{body}")
    with transaction.atomic():
        s = Suggestion.objects.create(
            place=place,
            place_path=place.path,
            title=title,
            body=body,
            author=actor,
            unit=responsible_unit(place),
            threshold=conf.concord().suggestion_support_threshold,
            moderation=Moderation.HELD if reasons else Moderation.PUBLISHED,
            moderation_reason=" ".join(str(MODERATION_REASONS[r]) for r in reasons),
        )
        _record(
            f"suggestion:{s.pk}",
            "suggestion_submitted",
            actor,
            public=True,
            place=place.code,
            held=reasons,
        )
        if not reasons:
            _link_similar(s)
    return s


def suggestion_moderate(*, actor, suggestion: Suggestion, publish: bool, reason: str) -> Suggestion:
    """Publish a held suggestion or reject it; the author sees the reason either way."""
    _require_cap(actor, Cap.CASE_HANDLE, suggestion.place_path)
    reason = _text(reason, "reason", 300)
    with transaction.atomic():
        s = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if s.moderation != Moderation.HELD:
            raise Conflict(_("Only held suggestions can be moderated."))
        s.moderation = Moderation.PUBLISHED if publish else Moderation.REJECTED
        s.moderation_reason = reason
        s.save(update_fields=["moderation", "moderation_reason"])
        _record(
            f"suggestion:{s.pk}",
            "suggestion_moderated",
            actor,
            decision=s.moderation,
            reason=reason,
        )
        if publish:
            _link_similar(s)
    return s


def suggestion_support(*, actor, suggestion: Suggestion) -> Suggestion:
    """Add one verified resident's support; reaching the threshold starts the response clock."""
    county = Place.objects.get(path="/" + suggestion.place_path.strip("/").split("/")[0] + "/")
    verification = _require_verified(actor, county)
    with transaction.atomic():
        s = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if s.moderation != Moderation.PUBLISHED:
            raise NotFound()
        if s.status == SuggestionStatus.RESPONDED:
            raise Conflict(_("This suggestion has already been answered."))
        try:
            with transaction.atomic():
                SuggestionSupport.objects.create(
                    suggestion=s, identity_key=verification.identity_key, user=actor
                )
        except IntegrityError:
            raise Conflict(_("You have already supported this suggestion.")) from None
        s.support_count += 1
        fields = ["support_count"]
        if s.status == SuggestionStatus.OPEN and s.support_count >= s.threshold:
            s.status = SuggestionStatus.AWAITING_RESPONSE
            s.threshold_reached_at = timezone.now()
            today = timezone.localdate()
            s.response_due = platform_calendar().add_working_days(
                today, conf.concord().suggestion_response_working_days
            )
            fields += ["status", "threshold_reached_at", "response_due"]
            _record(
                f"suggestion:{s.pk}",
                "threshold_reached",
                None,
                public=True,
                supports=s.support_count,
                response_due=s.response_due.isoformat(),
            )
            transaction.on_commit(lambda: _notify_unit(s))
        s.save(update_fields=fields)
    return s


def _notify_unit(s: Suggestion) -> None:

    staff = [
        m.user
        for m in Membership.objects.filter(unit=s.unit, is_active=True).select_related("user")
    ]
    notify(
        recipients=staff,
        kind="suggestion_threshold",
        subject=gettext_lazy("A suggestion needs your written response"),
        body=s.title,
        link=f"/participation/suggestions/{s.pk}/",
        dedupe_key=f"suggestion-threshold:{s.pk}",
    )


def suggestion_respond(*, actor, suggestion: Suggestion, text: str) -> Suggestion:
    """Publish the responsible unit's written response."""
    if not perms.can(actor, Cap.CASE_HANDLE, unit_id=suggestion.unit_id):
        raise PermissionDenied()
    text = _text(text, "text", 10_000)
    with transaction.atomic():
        s = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if s.status == SuggestionStatus.RESPONDED:
            raise Conflict(_("This suggestion has already been answered."))
        s.status = SuggestionStatus.RESPONDED
        s.response, s.responded_by, s.responded_at = text, actor, timezone.now()
        s.save(update_fields=["status", "response", "responded_by", "responded_at"])
        _record(
            f"suggestion:{s.pk}",
            "suggestion_responded",
            actor,
            public=True,
            on_time=not s.response_overdue,
        )
        # The author first (the written response to their suggestion), then its followers under
        # the same key, so an author who follows is told once.
        author = s.author
        transaction.on_commit(
            lambda: notify(
                recipients=[author],
                kind="suggestion_response",
                subject=each("Your suggestion “%(title)s” was answered", title=s.title),
                body=s.response,
                link=f"/participation/suggestions/#suggestion-{s.pk}",
                dedupe_key=f"suggestion-response:{s.pk}",
                statutory=True,
            )
        )
        followers_tell_after_commit(
            target="suggestion",
            object_id=s.pk,
            kind="followed_answer",
            subject=each("[Suggestion answered] %(title)s", title=s.title),
            body={"zh-hans": s.response, "en": s.response},
            link=f"/participation/suggestions/#suggestion-{s.pk}",
            dedupe_key=f"suggestion-response:{s.pk}",
        )
    return s


def suggestion_clock_tick(*, today: date | None = None) -> int:
    """Mark suggestions whose response is overdue (idempotent); return how many were marked."""
    today = today or timezone.localdate()
    late = list(
        Suggestion.objects.filter(
            status=SuggestionStatus.AWAITING_RESPONSE,
            response_due__lt=today,
            response_overdue=False,
        ).values_list("pk", flat=True)
    )
    for pk in late:
        with transaction.atomic():
            marked = Suggestion.objects.filter(pk=pk, response_overdue=False).update(
                response_overdue=True
            )
            if marked:
                _record(f"suggestion:{pk}", "response_overdue", None, public=True)
    return len(late)
