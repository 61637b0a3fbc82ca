"""Public warnings: issue, deliver, lift, and the checks on vulnerable households."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django_tasks import task

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.accounts.selectors import holders
from concord.core.bilingual import each
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.ledger import append_event
from concord.notifications.actions import notify
from concord.places.models import Place

from ..models import (
    CheckStatus,
    HazardType,
    Incident,
    PublicWarning,
    ResidentProfile,
    VulnerableHousehold,
    WarningCheck,
    WarningColour,
    WarningState,
)
from .common import _choice, _common_path, _places, _required
from .incidents import _require_supervisor_over

# --- warnings ------------------------------------------------------------------------------

# A warning's colour as its messages name it ("[Red warning] …"), in the reader's language.
COLOUR_NAMES = {
    WarningColour.BLUE: pgettext_lazy("warning colour", "Blue"),
    WarningColour.YELLOW: pgettext_lazy("warning colour", "Yellow"),
    WarningColour.ORANGE: pgettext_lazy("warning colour", "Orange"),
    WarningColour.RED: pgettext_lazy("warning colour", "Red"),
}
# Orange and red warnings reach everyone (opt-outs ignored) and go by text message as well.
URGENT_COLOURS = {WarningColour.ORANGE, WarningColour.RED}


@transaction.atomic
def warning_issue(
    *,
    actor,
    colour: str,
    hazard_type: str,
    title_zh: str,
    title_en: str,
    instructions_zh: str,
    instructions_en: str,
    places: Iterable[Place] | None,
    ends_at: datetime | None,
    starts_at: datetime | None = None,
    incident: Incident | None = None,
) -> PublicWarning:
    """Issue a warning for places and a period; residents are told and checklists created."""
    places = _places(places)
    _choice(colour, WarningColour, "colour")
    _choice(hazard_type, HazardType, "hazard_type")
    instructions_zh = _required(instructions_zh, "instructions_zh")
    instructions_en = _required(instructions_en, "instructions_en")
    now = timezone.now()
    starts_at = starts_at or now
    if ends_at is None:
        msg = _("Give the time the warning ends.")
        raise InvalidInput(msg, fields={"ends_at": msg})
    if ends_at <= starts_at or ends_at <= now:
        msg = _("The warning must end after it starts and in the future.")
        raise InvalidInput(msg, fields={"ends_at": msg})
    _require_supervisor_over(actor, places)
    warning = PublicWarning.objects.create(
        colour=colour,
        hazard_type=hazard_type,
        title_zh=_required(title_zh, "title_zh", max_chars=200),
        title_en=_required(title_en, "title_en", max_chars=200),
        instructions_zh=instructions_zh,
        instructions_en=instructions_en,
        starts_at=starts_at,
        ends_at=ends_at,
        incident=incident,
        issued_by=actor,
    )
    warning.places.set(places)
    households = VulnerableHousehold.objects.filter(is_active=True).filter(
        _path_q([p.path for p in places])
    )
    WarningCheck.objects.bulk_create(
        [WarningCheck(warning=warning, household=h) for h in households]
    )
    append_event(
        stream=f"warning:{warning.pk}",
        kind="warning_issued",
        actor=actor,
        public=True,
        data={
            "colour": colour,
            "places": [p.code for p in places],
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    transaction.on_commit(lambda: _enqueue_delivery(warning.pk))
    return warning


def _enqueue_delivery(warning_id: int) -> None:
    warning_deliver_task.enqueue(warning_id)


def _path_q(paths: list[str], field: str = "place_path"):

    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def _warning_texts(warning: PublicWarning, *, lifted: bool = False) -> tuple[dict, dict]:
    start, end = timezone.localtime(warning.starts_at), timezone.localtime(warning.ends_at)
    period = f"{start:%m-%d %H:%M} – {end:%m-%d %H:%M}"
    colour = COLOUR_NAMES[warning.colour]
    title = {"zh-hans": warning.title_zh, "en": warning.title_en}
    if lifted:
        subject = each("[%(colour)s warning lifted] %(title)s", colour=colour, title=title)
        body = each(
            "%(title)s has been lifted. Reason: %(reason)s", title=title, reason=warning.lift_reason
        )
        return subject, body
    subject = each("[%(colour)s warning] %(title)s", colour=colour, title=title)
    instructions = {"zh-hans": warning.instructions_zh, "en": warning.instructions_en}
    body = each("%(instructions)s\n(%(period)s)", instructions=instructions, period=period)
    return subject, body


def warning_recipients(paths: list[str]):
    """Return the residents a warning for `paths` reaches (a query): those whose home is there
    (resident profile) and everyone following one of the places (or a place around them)."""
    from django.db.models import Q

    from concord.notifications.follows import user_ids_following_places

    return get_user_model().objects.filter(
        Q(pk__in=ResidentProfile.objects.filter(_path_q(paths)).values("user_id"))
        | Q(pk__in=user_ids_following_places(paths))
    )


def _tell_residents(warning: PublicWarning, people, *, lifted: bool) -> int:
    """Send the warning (or its lifting) to the people, through the queue in batches."""
    from concord.notifications.broadcast import broadcast

    paths = [p.path for p in warning.places.all()]
    subject, body = _warning_texts(warning, lifted=lifted)
    urgent = warning.colour in URGENT_COLOURS
    # The notices are about the warned area: supervisors over it see any that fail to arrive.
    area = Place.objects.filter(path=_common_path(paths)).first()
    return broadcast(
        people=people,
        kind="warning_lifted" if lifted else "warning",
        subject=subject,
        body=body,
        place=area,
        link=f"/safety/warnings/{warning.pk}/",
        dedupe_key=f"warning-lifted:{warning.pk}" if lifted else f"warning:{warning.pk}",
        statutory=urgent,
        urgent=urgent,
    )


def warning_deliver(*, warning_id: int) -> int:
    """Tell the residents and followers of the warning's places and their grid staff.

    Idempotent (a person already told is skipped). Return the number of residents newly told.
    """
    warning = PublicWarning.objects.prefetch_related("places").get(pk=warning_id)
    if warning.state != WarningState.ISSUED:
        return 0
    paths = [p.path for p in warning.places.all()]
    sent = _tell_residents(warning, warning_recipients(paths), lifted=False)
    subject, _body = _warning_texts(warning)
    area = Place.objects.filter(path=_common_path(paths)).first()
    staff = list(holders(Cap.CASE_FILE, under_places=paths))
    notify(
        recipients=staff,
        kind="warning_checklist",
        subject=subject,
        body=each(
            "Check on each household on your list and mark it reached, needs help or not reached."
        ),
        place=area,
        link=f"/staff/safety/warnings/{warning.pk}/checklist/",
        dedupe_key=f"warning-staff:{warning.pk}",
        statutory=True,
    )
    with transaction.atomic():
        locked = PublicWarning.objects.select_for_update().get(pk=warning.pk)
        locked.residents_notified += sent
        locked.save(update_fields=["residents_notified"])
        append_event(
            stream=f"warning:{warning.pk}",
            kind="warning_delivered",
            data={"residents": sent, "staff": len(staff)},
        )
    return sent


def warning_lift_deliver(*, warning_id: int) -> int:
    """Tell everyone the warning reached that it is lifted (the same people, the same way)."""
    from concord.notifications.models import Notification

    warning = PublicWarning.objects.prefetch_related("places").get(pk=warning_id)
    if warning.state != WarningState.LIFTED:
        return 0
    told = get_user_model().objects.filter(
        pk__in=Notification.objects.filter(
            kind="warning", dedupe_key=f"warning:{warning.pk}"
        ).values("recipient_id")
    )
    sent = _tell_residents(warning, told, lifted=True)
    append_event(
        stream=f"warning:{warning.pk}", kind="warning_lift_delivered", data={"residents": sent}
    )
    return sent


@transaction.atomic
def warning_lift(*, actor, warning: PublicWarning, reason: str) -> PublicWarning:
    """Lift a warning in force; everyone it reached is told, with the reason."""
    warning = PublicWarning.objects.select_for_update().get(pk=warning.pk)
    _require_supervisor_over(actor, list(warning.places.all()))
    if warning.state != WarningState.ISSUED:
        raise InvalidTransition(_("This warning is no longer in force."))
    reason = _required(reason, "reason")
    warning.state = WarningState.LIFTED
    warning.lifted_at = timezone.now()
    warning.lift_reason = reason
    warning.save(update_fields=["state", "lifted_at", "lift_reason"])
    append_event(
        stream=f"warning:{warning.pk}",
        kind="warning_lifted",
        actor=actor,
        public=True,
        data={"reason": reason},
    )
    transaction.on_commit(lambda: _enqueue_lift_delivery(warning.pk))
    return warning


def _enqueue_lift_delivery(warning_id: int) -> None:
    warning_lift_deliver_task.enqueue(warning_id)


@transaction.atomic
def warning_check_mark(*, actor, check: WarningCheck, status: str, note: str = "") -> WarningCheck:
    """Mark one household on a warning's checklist reached, needing help or not reached."""
    check = WarningCheck.objects.select_for_update().select_related("household").get(pk=check.pk)
    if not perms.can(actor, Cap.CASE_FILE, place_path=check.household.place_path):
        raise PermissionDenied(_("Only grid staff of this household's place may mark it."))
    if status not in {CheckStatus.REACHED, CheckStatus.NEEDS_HELP, CheckStatus.NOT_REACHED}:
        msg = _("Mark reached, needs help or not reached.")
        raise InvalidInput(msg, fields={"status": msg})
    if status == CheckStatus.NEEDS_HELP and not note.strip():
        msg = _("Say what help is needed.")
        raise InvalidInput(msg, fields={"note": msg})
    # The warning row owns the stream; lock it so concurrent marks chain in order.
    PublicWarning.objects.select_for_update().filter(pk=check.warning_id).first()
    check.status = status
    check.note = note.strip()[:500]
    check.checked_by = actor
    check.checked_at = timezone.now()
    check.save(update_fields=["status", "note", "checked_by", "checked_at"])
    append_event(
        stream=f"warning:{check.warning_id}",
        kind="household_checked",
        actor=actor,
        data={"check": check.pk, "status": status, "note": check.note or None},
    )
    return check


@task()
def warning_deliver_task(warning_id: int) -> int:
    """In the background: deliver an issued warning (queued on commit by `warning_issue`).

    The task sits beside the action that queues it, so that the actions never import the
    app's tasks module (which calls actions): no cycle between the two."""
    return warning_deliver(warning_id=warning_id)


@task()
def warning_lift_deliver_task(warning_id: int) -> int:
    """In the background: tell everyone a lifted warning reached (queued by `warning_lift`)."""
    return warning_lift_deliver(warning_id=warning_id)
