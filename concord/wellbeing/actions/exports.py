"""Export with two-person approval: request, decision and the download."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.accounts.models import Unit
from concord.core import conf
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.ledger import append_event
from concord.notifications.actions import notify

from ..models import ExportRequest, ExportState, FollowUpState, Referral
from .common import _text, is_team_counsellor, referral_stream, team_counsellors

# --- export with two-person approval -------------------------------------------------------


@transaction.atomic
def export_request(
    *, actor, team: Unit, date_from: date, date_to: date, reason: str
) -> ExportRequest:
    """Ask to export the team's sealed referrals; a second counsellor must approve."""
    if not is_team_counsellor(actor, team_id=team.pk):
        raise PermissionDenied()
    if date_to < date_from:
        msg = _("The end date is before the start date.")
        raise InvalidInput(msg, fields={"date_to": msg})
    export = ExportRequest.objects.create(
        team=team,
        date_from=date_from,
        date_to=date_to,
        reason=_text(reason, "reason", required=True),
        requested_by=actor,
        requested_at=timezone.now(),
    )
    append_event(stream=f"wellbeing-export:{export.pk}", kind="requested", actor=actor)
    others = team_counsellors(team.pk).exclude(pk=actor.pk)
    transaction.on_commit(
        lambda: notify(
            recipients=list(others),
            kind="wellbeing_export_request",
            subject=gettext_lazy("An export of sealed referrals needs a second approval"),
            link="/wellbeing/exports/",
            sealed_team=team,
            dedupe_key=f"wellbeing:export:{export.pk}",
        )
    )
    return export


def _lock_export(export: ExportRequest) -> ExportRequest:
    return ExportRequest.objects.select_for_update().select_related("team").get(pk=export.pk)


@transaction.atomic
def export_decide(*, actor, export: ExportRequest, approve: bool, note: str = "") -> ExportRequest:
    """Approve or refuse an export; the second person must not be the one who asked."""
    export = _lock_export(export)
    if not is_team_counsellor(actor, team_id=export.team_id):
        raise PermissionDenied()
    if actor.pk == export.requested_by_id:
        raise PermissionDenied(_("A second counsellor must approve the export."))
    if export.state != ExportState.PENDING:
        raise InvalidTransition(_("This export has already been decided."))
    export.state = ExportState.APPROVED if approve else ExportState.REFUSED
    export.decided_by = actor
    export.decided_at = timezone.now()
    export.decision_note = _text(note, "note")
    export.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    append_event(
        stream=f"wellbeing-export:{export.pk}",
        kind="approved" if approve else "refused",
        actor=actor,
    )
    return export


EXPORT_COLUMNS = [
    "reference",
    "opened_at",
    "place",
    "source",
    "risk",
    "state",
    "outcome",
    "first_contact",
    "assessments",
    "last_assessment_notes",
    "contacts",
    "follow_ups_done",
    "follow_ups_missed",
    "handovers",
    "closure_note",
]


@transaction.atomic
def export_download(*, actor, export: ExportRequest) -> str:
    """Return the approved export as CSV, once, to the person who asked; log every read."""
    export = _lock_export(export)
    if actor.pk != export.requested_by_id or not is_team_counsellor(actor, team_id=export.team_id):
        raise PermissionDenied()
    if export.state != ExportState.APPROVED:
        raise InvalidTransition(_("The export is not approved or was already downloaded."))
    valid_hours = conf.wellbeing().export_valid_hours
    if timezone.now() > export.decided_at + timedelta(hours=valid_hours):
        raise InvalidTransition(_("The approval has expired; ask again."))
    tz = timezone.get_current_timezone()
    start = datetime.combine(export.date_from, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(export.date_to + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    referrals = (
        Referral.objects.filter(team_id=export.team_id, opened_at__gte=start, opened_at__lt=end)
        .select_related("place")
        .prefetch_related("assessments", "contacts", "follow_ups", "handovers")
        .order_by("opened_at", "id")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    why = _("Export %(id)d: %(reason)s") % {"id": export.pk, "reason": export.reason}
    for r in referrals:
        if not is_team_counsellor(actor, team_id=r.team_id, place_path=r.place_path):
            continue
        assessments = list(r.assessments.all())
        follow_ups = list(r.follow_ups.all())
        writer.writerow(
            [
                r.reference,
                timezone.localtime(r.opened_at).isoformat(),
                r.place.code,
                r.source,
                r.risk,
                r.state,
                r.outcome,
                timezone.localtime(r.contacted_at).isoformat() if r.contacted_at else "",
                len(assessments),
                assessments[-1].notes if assessments else "",
                len(r.contacts.all()),
                sum(f.state == FollowUpState.DONE for f in follow_ups),
                sum(f.state == FollowUpState.MISSED for f in follow_ups),
                len(r.handovers.all()),
                r.closure_note,
            ]
        )
        Referral.objects.select_for_update().filter(pk=r.pk).first()
        append_event(
            stream=referral_stream(r.pk), kind="sealed_read", actor=actor, data={"why": why}
        )
    export.state = ExportState.DOWNLOADED
    export.downloaded_at = timezone.now()
    export.save(update_fields=["state", "downloaded_at"])
    append_event(stream=f"wellbeing-export:{export.pk}", kind="downloaded", actor=actor)
    return out.getvalue()
