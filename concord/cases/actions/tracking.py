"""What residents and staff add to a case: notes, information, feedback and attachments."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core import conf
from concord.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    PayloadTooLarge,
    PermissionDenied,
)
from concord.places.models import Level

from ..models import Attachment, Case, Feedback, ResolvedAnswer, Sensitivity, Status
from ..uploads import ALLOWED, check_upload
from .common import (
    CLOSE_GUARDS,
    _after_text,
    _require_state,
    is_handler,
    lock_case,
    record_event,
    require_text,
)
from .lifecycle import REVIEW_ROUTES, case_escalate, is_final, reopen_with_clock

# --- notes, information, feedback ----------------------------------------------------------


@transaction.atomic
def case_add_note(*, actor, case: Case, text: str, public: bool = False) -> Case:
    case = lock_case(case)
    if not (
        perms.can(actor, Cap.CASE_VIEW, place_path=case.place_path)
        and (is_handler(actor, case) or case.sensitivity == Sensitivity.NORMAL)
    ):
        raise PermissionDenied()
    text = require_text(text, "text", max_chars=10_000)
    record_event(case, "note", actor, public=public, text=text)
    _after_text(case, text, actor)
    return case


@transaction.atomic
def case_add_information(*, case: Case, text: str, actor=None) -> Case:
    """Let the resident add information to an open case (authorised by token by the caller)."""
    case = lock_case(case)
    if not case.is_open and case.status != Status.RESOLVED:
        raise InvalidTransition(_("This case is finished; ask for a review instead."))
    text = require_text(text, "text", max_chars=10_000)
    record_event(case, "resident_information", actor, public=True, text=text)
    _after_text(case, text, actor)
    return case


def _routed_review(case: Case, comment: str, actor) -> bool:
    """Send a "not solved" through the channel's review procedure; return whether it applied."""
    route = REVIEW_ROUTES.get(case.channel)
    if route is None:
        return False
    reason = comment or _("The resident said it was not resolved.")
    try:
        return route(case=case, reason=reason, actor=actor) is not None
    except InvalidTransition as exc:
        # E.g. the review window has closed: the rating is kept and the reason is shown.
        record_event(case, "review_not_possible", actor, public=True, reason=exc.message)
        return True


@transaction.atomic
def case_feedback(
    *, case: Case, resolved: str, satisfaction: int, comment: str = "", actor=None
) -> Feedback:
    """Record the resident's rating; "no" reopens the case (or escalates, by setting)."""
    case = lock_case(case)
    _require_state(case, {Status.RESOLVED, Status.CLOSED}, _("rate"))
    if resolved not in ResolvedAnswer.values:
        raise InvalidInput(
            _("Answer yes, partly or no."), fields={"resolved": _("Answer yes, partly or no.")}
        )
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise InvalidInput(_("Rate from 1 to 5."), fields={"satisfaction": _("Rate from 1 to 5.")})
    if Feedback.objects.filter(
        case=case, created_at__gte=case.resolved_at or case.created_at
    ).exists():
        raise Conflict(_("This outcome has already been rated."))
    comment = require_text(comment, "comment", max_chars=2000, required=False)
    feedback = Feedback.objects.create(
        case=case, resolved=resolved, satisfaction=satisfaction, comment=comment
    )
    # A rating changes the case's figures even when its status stays (caches key on this).
    case.save(update_fields=["updated_at"])
    record_event(
        case,
        "feedback",
        actor,
        public=True,
        resolved=resolved,
        satisfaction=satisfaction,
        comment=comment or None,
    )
    if resolved == ResolvedAnswer.NO and (is_final(case) or _routed_review(case, comment, actor)):
        # Finally decided on re-review (art 36), or taken by the channel's own review
        # procedure (a petition's 复查 or 复核): the rating stays on record either way.
        pass
    elif resolved == ResolvedAnswer.NO:
        action = conf.concord().feedback_no_action
        reopen_with_clock(
            case, actor, reason=_("The resident said it was not resolved."), by_resident=True
        )
        if action == "escalate" and case.level != Level.COUNTY:
            case_escalate(
                actor=None,
                case=case,
                reason_code="resident_not_resolved",
                automatic=True,
                note=_("The resident said the matter was not resolved."),
            )
    elif case.status == Status.RESOLVED and not any(guard(case) for guard in CLOSE_GUARDS):
        # A case that still needs, e.g., its on-site verification stays resolved until then.
        case.status = Status.CLOSED
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at", "updated_at"])
        record_event(
            case, "closed", actor, public=True, note=_("Closed after the resident's rating.")
        )
    return feedback


@transaction.atomic
def _check_resident_attachment_limits(case: Case, size: int) -> None:
    """Refuse a resident's file past the per-case count or total size (the case is locked)."""

    limits = conf.concord()
    used = Attachment.objects.filter(case=case, uploaded_by__isnull=True).aggregate(
        n=Count("id"), total=Sum("size")
    )
    if used["n"] >= limits.attachments_max_count:
        msg = _("A case may have at most %(n)d files from the resident.") % {
            "n": limits.attachments_max_count
        }
        raise InvalidInput(msg, fields={"file": msg})
    max_total = limits.attachments_max_total_bytes
    if (used["total"] or 0) + size > max_total:
        raise PayloadTooLarge(
            _("A case's files from the resident may total at most %(mb)d MB.")
            % {"mb": max_total // (1024 * 1024)}
        )


def case_attach(*, case: Case, data: bytes, name: str, actor=None, public: bool = True):
    """Store an attachment checked by content and size, and record it."""

    content_type, digest = check_upload(data, name)
    case = lock_case(case)
    if not getattr(actor, "is_authenticated", False):
        _check_resident_attachment_limits(case, len(data))
    if (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and not (
            is_handler(actor, case) or perms.can(actor, Cap.CASE_FILE, place_path=case.place_path)
        )
    ):
        raise PermissionDenied()
    safe_name = (name or "attachment").replace("/", "_").replace("\\", "_")[:200]
    attachment = Attachment(
        case=case,
        original_name=safe_name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        public=public,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(f"{digest[:16]}{ALLOWED[content_type]}", ContentFile(data), save=False)
    attachment.save()
    record_event(
        case,
        "attachment_added",
        actor if getattr(actor, "is_authenticated", False) else None,
        public=public,
        attachment=attachment.pk,
        name=safe_name,
        sha256=digest,
        content_type=content_type,
        size=len(data),
    )
    return attachment
