"""The safety net around the crisis detector: counsellors mark missed and false crisis signals."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.errors import Conflict

from ..models import Referral, SignalMark, SignalMarkKind
from .common import _choice, _lock, _record, _text, require_team_counsellor


@transaction.atomic
def referral_mark_signal(*, actor, referral: Referral, kind: str, note: str = "") -> SignalMark:
    """Record that the detector missed this crisis or raised it falsely (one mark per person)."""
    referral = _lock(referral)
    require_team_counsellor(actor, referral)
    _choice(kind, SignalMarkKind, "kind")
    note = _text(note, "note")
    if SignalMark.objects.filter(referral=referral, by=actor).exists():
        raise Conflict(_("You have already marked this referral."))
    mark = SignalMark.objects.create(
        referral=referral, kind=kind, note=note, by=actor, at=timezone.now()
    )
    _record(referral, "signal_marked", actor, mark=kind)
    return mark
