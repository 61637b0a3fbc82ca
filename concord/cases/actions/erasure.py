"""Erasing personal data from cases past their retention."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.errors import InvalidTransition

from ..models import TERMINAL_STATUSES, Case
from .common import lock_case, record_event

ERASED = "[erased]"


@transaction.atomic
def case_erase_personal_data(*, case: Case, actor=None, reason: str = "retention") -> Case:
    """Erase a finished case's personal data; statistics and the event chain stay intact.

    Parties' names and contacts, the free text, the address and attachments go; the point is
    coarsened to its place's centroid. The erasure itself is recorded as an event.
    """
    case = lock_case(case)
    if case.is_open:
        raise InvalidTransition(_("Open cases are not erased."))
    if case.personal_data_erased_at:
        return case
    now = timezone.now()
    case.parties.update(name="", phone="", email="", address="", erased_at=now)
    for attachment in case.attachments.all():
        attachment.file.delete(save=False)
    case.title = ERASED
    case.description = ERASED
    case.resolution_text = ERASED if case.resolution_text else ""
    case.address = ""
    case.lat, case.lng = case.place.centroid_lat, case.place.centroid_lng
    case.personal_data_erased_at = now
    case.save(
        update_fields=[
            "title",
            "description",
            "resolution_text",
            "address",
            "lat",
            "lng",
            "personal_data_erased_at",
            "updated_at",
        ]
    )
    record_event(case, "personal_data_erased", actor, public=False, reason=reason)
    return case


def cases_due_for_erasure(*, days: int):
    """Return finished cases closed more than `days` ago whose personal data is still kept."""
    cutoff = timezone.now() - timedelta(days=days)
    return Case.objects.filter(
        status__in=list(TERMINAL_STATUSES),
        closed_at__lte=cutoff,
        personal_data_erased_at__isnull=True,
    )
