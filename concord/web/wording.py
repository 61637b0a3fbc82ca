"""Plain words for residents: what a status means, what an event says, what a clock is."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from concord.cases.models import Clock, Status
from concord.channels.actions import RESIDENT_DEADLINES, SERVICE_STAGES
from concord.channels.deadlines import (  # noqa: F401 -- re-exported for pages
    clock_label,
    provisional_note,
)
from concord.channels.models import ServiceMethod
from concord.core.models import Event

STATUS_PLAIN = {
    Status.SUBMITTED: _("We have received your matter and are deciding who handles it."),
    Status.ACCEPTED: _("Your matter has been accepted by the unit that handles it."),
    Status.NOT_ACCEPTED: _("This office cannot handle it; see below where to go instead."),
    Status.ASSIGNED: _("A staff member has been given your matter."),
    Status.IN_PROGRESS: _("Work on your matter is under way."),
    Status.PAUSED: _("Work is paused while we wait for something; see the reason below."),
    Status.ESCALATED: _("Your matter has been passed up to the next level."),
    Status.TRANSFERRED: _("Your matter has moved to the unit responsible for it."),
    Status.RESOLVED: _("We have answered. Please tell us whether it is resolved."),
    Status.REOPENED: _("Your matter has been reopened and is being handled again."),
    Status.CLOSED: _("Your matter is closed."),
    Status.MERGED: _("Your matter is being handled together with a report of the same problem."),
    Status.WITHDRAWN: _("You withdrew this matter."),
}


def status_plain(case) -> str:
    """Return what the case's status means, naming the unit once one handles it.

    A received matter that routing already gave to a unit is not "deciding who handles it":
    the named unit is checking whether to accept it.
    """
    if case.status == Status.SUBMITTED and case.owner_unit_id:
        return _(
            "We have received your matter. %(unit)s is checking it and will accept it or tell "
            "you where to go instead."
        ) % {"unit": case.owner_unit.localized_name()}
    return str(STATUS_PLAIN.get(case.status, ""))


def next_step(case) -> str:
    """Return what happens next after filing, in one or two plain sentences."""
    if case.owner_unit_id:
        return _(
            "%(unit)s reads your matter and decides whether to accept it. If it belongs "
            "elsewhere it is passed on and you see where on the tracking page. Staff may call "
            "you if you allowed it; every step appears on the tracking page."
        ) % {"unit": case.owner_unit.localized_name()}
    return str(
        _(
            "Staff find the unit that handles your matter and pass it on; every step appears "
            "on the tracking page."
        )
    )


EVENT_PLAIN = {
    "submitted": pgettext_lazy("web", "Received"),
    "accepted": _("Accepted"),
    "not_accepted": _("Not accepted here"),
    "assigned": _("Assigned to a staff member"),
    "work_started": _("Work started"),
    "paused": pgettext_lazy("web", "Paused"),
    "resumed": _("Resumed"),
    "resolved": _("Answered"),
    "closed": _("Closed"),
    "reopened": pgettext_lazy("web", "Reopened"),
    "withdrawn": _("Withdrawn"),
    "escalated": _("Passed up a level"),
    "transfer_requested": _("Transfer requested"),
    "transfer_accepted": _("Moved to another unit"),
    "transfer_refused": _("Transfer refused"),
    "transfer_decided": _("Owner decided by a supervisor"),
    "referred_upward": _("Referred above the county"),
    "merged": _("Joined with a report of the same problem"),
    "merged_in": _("Another report joined this case"),
    "note": _("Note"),
    "resident_information": _("You added information"),
    "feedback": _("You rated the answer"),
    "attachment_added": _("File added"),
    "categorized": _("Category set"),
    "urgency_changed": _("Urgency changed"),
    "channel_entered": _("Moved to a resolution channel"),
    "mediation_session": _("Mediation session held"),
    "mediation_agreement": _("Mediation agreement signed"),
    "mediation_failed": _("Mediation ended without agreement"),
    "mediation_refused": _("A party refused mediation"),
    "clock_started": _("A deadline started"),
    "performance_followed_up": _("Performance of the agreement checked"),
    "confirmation_applied": _("Joint application for judicial confirmation filed"),
    "confirmation_accepted": _("The court accepted the confirmation application"),
    "confirmation_confirmed": _("The court confirmed the agreement"),
    "confirmation_refused": _("The court refused to confirm the agreement"),
    "petition_registered": _("Registered as a letter or visit"),
    "petition_accepted": _("Accepted as a letter or visit"),
    "petition_replied": _("Written reply given"),
    "petition_review_requested": _("Review requested"),
    "petition_recheck_requested": _("Re-review requested"),
    "petition_reviewed": _("Reviewed"),
    "petition_final": _("Final decision on re-review"),
    "repeat_petition": _("Same matter already being handled"),
    "clock_extended": _("Deadline extended"),
    "limitation_warning": _("Warning about a filing limit"),
    "review_not_possible": _("A review cannot be started"),
    "petition_served": _("Written opinion received"),
    "clock_recomputed": _("Deadline recomputed with the official holiday schedule"),
}


def petition_service(petition) -> dict | None:
    """Return whether the written opinion now open to review was served, when and how.

    None when no written opinion is waiting at the petition's stage.
    """
    if petition is None or petition.stage not in SERVICE_STAGES:
        return None
    prefix, _window = SERVICE_STAGES[petition.stage]
    how = getattr(petition, f"{prefix}_served_how")
    return {
        "document": _("Written reply") if prefix == "reply" else _("Review opinion"),
        "served_on": getattr(petition, f"{prefix}_served_on"),
        "how": ServiceMethod(how).label if how else "",
    }


# Which data field of an event carries text the resident should read.
EVENT_TEXT_FIELDS = ("text", "reason", "route", "note", "notice", "comment", "terms", "location")


def event_label(event: Event) -> str:
    return str(EVENT_PLAIN.get(event.kind, event.kind.replace("_", " ").capitalize()))


def event_text(event: Event, language: str | None = None) -> str:
    data = event.data or {}
    zh = not (language or "").startswith("en")
    if data.get("notice_zh") or data.get("notice_en"):
        return data.get("notice_zh" if zh else "notice_en") or ""
    if data.get("message_zh") or data.get("message_en"):
        return data.get("message_zh" if zh else "message_en") or ""
    for key in EVENT_TEXT_FIELDS:
        if data.get(key):
            return str(data[key])
    return ""


def event_text_is_typed(event: Event) -> bool:
    """Return whether `event_text` gives what a person typed (a note, a reason), which stays in
    the language it was written in, rather than a notice written in both languages."""
    data = event.data or {}
    return not any(data.get(k) for k in ("notice_zh", "notice_en", "message_zh", "message_en"))


def clock_binds_resident(clock: Clock) -> bool:
    return ":" in clock.kind and clock.kind.split(":", 1)[1] in RESIDENT_DEADLINES
