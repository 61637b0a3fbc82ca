"""The clock job: due follow-ups and overdue referrals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from concord.core.bilingual import each

from ..models import FollowUp, FollowUpState, Referral, ReferralState
from .common import _alert, _lock, _record, _refresh_next_due, team_lead

# --- the clock job -------------------------------------------------------------------------


@dataclass
class TickReport:
    contact_overdue: int = 0
    follow_ups_missed: int = 0


def wellbeing_tick(*, now: datetime | None = None) -> TickReport:
    """Run one pass of the referral clocks: alert the team lead about every missed clock.

    Idempotent: each clock is claimed with a conditional update, so a second run alerts nobody.
    """
    now = now or timezone.now()
    report = TickReport()
    late_contacts = Referral.objects.filter(
        state=ReferralState.OPEN,
        contacted_at__isnull=True,
        contact_due_at__lt=now,
        contact_overdue_alerted=False,
    ).values_list("pk", flat=True)
    for pk in list(late_contacts):
        with transaction.atomic():
            referral = _lock(pk)
            claimed = Referral.objects.filter(pk=pk, contact_overdue_alerted=False).update(
                contact_overdue_alerted=True
            )
            if not claimed:
                continue
            _record(referral, "contact_clock_missed", None, due=referral.contact_due_at.isoformat())
            recipients = team_lead(referral.team_id)
            if referral.counsellor_id:
                recipients.append(referral.counsellor)
            _alert(
                recipients,
                referral=referral,
                kind="wellbeing_contact_overdue",
                subject=each("First contact overdue on referral %(ref)s", ref=referral.reference),
                key=f"{pk}:contact-overdue",
            )
            report.contact_overdue += 1
    missed = FollowUp.objects.filter(
        state=FollowUpState.SCHEDULED, due_at__lt=now, referral__state=ReferralState.OPEN
    ).values_list("pk", "referral_id")
    for pk, referral_id in list(missed):
        with transaction.atomic():
            referral = _lock(referral_id)
            claimed = FollowUp.objects.filter(pk=pk, state=FollowUpState.SCHEDULED).update(
                state=FollowUpState.MISSED, missed_at=now
            )
            if not claimed:
                continue
            _record(referral, "follow_up_missed", None, follow_up=pk)
            _refresh_next_due(referral)
            recipients = team_lead(referral.team_id)
            if referral.counsellor_id:
                recipients.append(referral.counsellor)
            _alert(
                recipients,
                referral=referral,
                kind="wellbeing_follow_up_missed",
                subject=each("Follow-up missed on referral %(ref)s", ref=referral.reference),
                key=f"{pk}:follow-up-missed",
            )
            report.follow_ups_missed += 1
    return report
