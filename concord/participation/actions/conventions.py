"""Community conventions."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts.roles import Cap
from concord.core.errors import InvalidInput
from concord.places.models import Place

from ..models import Convention, ConventionVersion, Poll
from .common import _record, _require_cap, _text

# --- community conventions ---------------------------------------------------------------------


def convention_publish(
    *,
    actor,
    place: Place,
    kind: str,
    title: str,
    text: str,
    adopted_on: date,
    consultation: str,
    meeting_attendance: int = 0,
    votes_for: int = 0,
    votes_against: int = 0,
    abstentions: int = 0,
    poll: Poll | None = None,
    convention: Convention | None = None,
) -> ConventionVersion:
    """Publish a convention's next version together with how it was adopted."""
    _require_cap(actor, Cap.CASE_HANDLE, place.path)
    text = _text(text, "text", 50_000)
    consultation = _text(consultation, "consultation", 5000)
    if votes_for + votes_against + abstentions > meeting_attendance:
        raise InvalidInput(fields={"votes_for": _("More votes than people at the meeting.")})
    if meeting_attendance and votes_for * 2 <= meeting_attendance:
        raise InvalidInput(
            fields={"votes_for": _("A convention needs the votes of more than half those present.")}
        )
    with transaction.atomic():
        if convention is None:
            convention = Convention.objects.create(
                place=place, kind=kind, title=_text(title, "title", 200)
            )
        else:
            convention = Convention.objects.select_for_update().get(pk=convention.pk)
        number = (convention.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ConventionVersion.objects.create(
            convention=convention,
            number=number,
            text=text,
            adopted_on=adopted_on,
            consultation=consultation,
            meeting_attendance=meeting_attendance,
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
            poll=poll,
            published_by=actor,
            published_at=timezone.now(),
        )
        _record(
            f"convention:{convention.pk}",
            "convention_published",
            actor,
            public=True,
            version=number,
        )
    return version
