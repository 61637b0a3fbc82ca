"""A message to the resident at every step of their case: the one table, and its sending.

`MESSAGES` is the whole list: which case event is told to the person who filed, what the message
says in each language, and whether it is statutory (statutory notices cannot be switched off;
the others can, by the account's preference or, for filers without an account, on the tracking
page). docs/MESSAGES.md explains it for readers; a test holds the two together.

How it is hooked in: every case event is appended through `core.ledger.append_event` (the one
write path of every action); `on_event` runs there and, for a public event in the table, writes a
task row in the same transaction. The task (`resident_message_send`) builds the message after the
commit and puts it in the notifications queue (retries, failure list), so a message never
blocks or undoes the action that caused it.

Who is told: a resident account that filed the case (inbox, and email or SMS as they chose);
otherwise the complainant's phone and email given at filing, for an anonymous filer only with
their consent to be contacted. Staff who filed on a resident's behalf are not "the filer".

What is never sent: events that are not public (internal notes, refusals between units), and
anything of a sealed case but a neutral "there is news, open your tracking page" line: no
title, no reason, no answer text, no unit.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, pgettext
from django_tasks import task

from concord.core.bilingual import each
from concord.core.ledger import after_append
from concord.core.tasks import enqueue_with_transaction

from .actions import notify, notify_contacts
from .links import expand, tracking_link

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One message: a step's name, its text, and whether it is statutory.

    The text is a msgid (English, marked for the catalogue) with named placeholders over: code
    (receipt code), link (tracking link), unit (the unit that answers), due (a date), reason,
    answer, route (where to go instead). The Chinese is its translation in this app's catalogue;
    `render` gives it in the recipient's language.
    """

    step: str
    statutory: bool
    text: str

    def render(self, language: str, **fields: str) -> str:
        """Return the text in `language` with its fields filled in."""
        with translation.override(language):
            return translation.gettext(self.text) % fields


RECEIVED = Message(
    "received",
    True,
    gettext_noop(
        "Concord received your matter, receipt code %(code)s. %(unit)s will answer by "
        "%(due)s. Follow it: %(link)s"
    ),
)
ACCEPTED = Message(
    "accepted",
    True,
    gettext_noop(
        "Your matter %(code)s has been accepted by %(unit)s; answer due by %(due)s. %(link)s"
    ),
)
NOT_ACCEPTED = Message(
    "not_accepted",
    True,
    gettext_noop(
        "Your matter %(code)s cannot be handled here: %(reason)s. Where to go instead: "
        "%(route)s. %(link)s"
    ),
)
TRANSFERRED = Message(
    "transferred",
    False,
    gettext_noop(
        "Your matter %(code)s has moved to %(unit)s. Why: %(reason)s. New answer date: "
        "%(due)s. %(link)s"
    ),
)
ESCALATED = Message(
    "escalated",
    False,
    gettext_noop(
        "Your matter %(code)s has been passed up to %(unit)s. Why: %(reason)s. Answer "
        "due by %(due)s. %(link)s"
    ),
)
EXTENDED = Message(
    "deadline_extended",
    True,
    gettext_noop(
        "The deadline for your matter %(code)s was extended to %(due)s. Why: %(reason)s. %(link)s"
    ),
)
INFORMATION_REQUESTED = Message(
    "information_requested",
    False,
    gettext_noop(
        "Work on your matter %(code)s is paused; what is needed: %(reason)s. Add it on "
        "your tracking page: %(link)s"
    ),
)
ANSWERED = Message(
    "answered",
    True,
    gettext_noop(
        "Written answer to your matter %(code)s: %(answer)s\nIs it solved? Answer yes or "
        "no on your tracking page: %(link)s"
    ),
)
REVIEW_REQUESTED = Message(
    "review_requested",
    True,
    gettext_noop(
        "Your request for review of %(code)s was sent; the review opinion is due by "
        "%(due)s. %(link)s"
    ),
)
CLOSED = Message(
    "closed",
    False,
    gettext_noop(
        "Your matter %(code)s is closed. If you disagree, ask for a review on your "
        "tracking page: %(link)s"
    ),
)
REOPENED = Message(
    "reopened",
    True,
    gettext_noop(
        "Your matter %(code)s has been reopened; the new answer date is %(due)s. %(link)s"
    ),
)
DEADLINE_MISSED = Message(
    "deadline_missed",
    True,
    gettext_noop(
        "The deadline for your matter %(code)s (%(due)s) has passed without an answer. "
        "You may complain to the level above or the 12345 hotline, or ask for a review "
        "on your tracking page: %(link)s"
    ),
)
# A sealed case: the only text sent, whatever happened.
SEALED_UPDATE = Message(
    "update",
    True,
    gettext_noop("There is news on your matter %(code)s; open your tracking page: %(link)s"),
)

# The table: case event kind → message.
MESSAGES: dict[str, Message] = {
    "submitted": RECEIVED,
    "accepted": ACCEPTED,
    "petition_accepted": ACCEPTED,
    "not_accepted": NOT_ACCEPTED,
    "transfer_accepted": TRANSFERRED,
    "transfer_decided": TRANSFERRED,
    "escalated": ESCALATED,
    "referred_upward": ESCALATED,
    "clock_extended": EXTENDED,
    "paused": INFORMATION_REQUESTED,
    # Every written answer (a petition's reply, review and re-review opinions too) resolves.
    "resolved": ANSWERED,
    "petition_review_requested": REVIEW_REQUESTED,
    "petition_recheck_requested": REVIEW_REQUESTED,
    "closed": CLOSED,
    "reopened": REOPENED,
    "clock_breached": DEADLINE_MISSED,
}

_PHONE = re.compile(r"\+?\d{5,20}")
_MAINLAND_MOBILE = re.compile(r"(?:\+86|0086)?(1[3-9]\d{9})")


def _sms_address(text: str) -> str:
    """Return the number as the gateway is given it: separators gone, and a mainland mobile
    as its 11 digits whichever way it was written (+86 …, 0086 …), so that one number given
    twice is one address."""
    phone = re.sub(r"[\s\-()]", "", text)
    mobile = _MAINLAND_MOBILE.fullmatch(phone)
    if mobile:
        return mobile.group(1)
    return "+86" + phone[4:] if phone.startswith("0086") else phone


# --- the hook ------------------------------------------------------------------------------


def on_event(event) -> None:
    """Ledger hook: queue the resident's message for a public case event in the table."""
    if event.case_id is None:
        return
    if event.kind != "personal_data_erased":
        if not event.public or event.kind not in MESSAGES:
            return
        case = event.case
        if case.is_anonymous and not case.contact_consent:
            return  # nobody to tell: no account, no consent to be contacted
    try:
        enqueue_with_transaction(resident_message_task, event.pk)
    except Exception:  # a broken queue must not undo the action
        logger.exception("could not queue the resident message for event %s", event.pk)


def on_erasure(event) -> None:
    """Personal data erased: forget where the case's messages went and what they said."""
    from .models import Delivery, Notification

    Delivery.objects.filter(notification__case_id=event.case_id).exclude(address="").update(
        address=""
    )
    Notification.objects.filter(case_id=event.case_id, recipient=None).update(body="")


def register() -> None:
    after_append(on_event)


# --- building and sending ------------------------------------------------------------------


def _date(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "")


def _handle_due(case) -> str:
    clock = (
        case.clocks.filter(kind="handle", state__in=["running", "paused"]).order_by("-id").first()
    )
    return _date(clock.due_on) if clock else ""


def _unit_name(case, code: str | None, language: str) -> str:
    from concord.accounts.models import Unit

    unit = case.owner_unit
    if code and code != unit.code:
        unit = Unit.objects.filter(code=code).first() or unit
    return unit.localized_name(language)


def _fields(event, case, language: str) -> dict[str, str]:
    """Return the values a message's text may use, taken from the event and the case."""
    data = event.data or {}
    kind = event.kind
    reason = data.get("reason") or data.get("note") or ""
    due = data.get("due") or data.get("handling_due") or data.get("decision_due") or ""
    answer = ""
    if kind == "transfer_accepted":
        from concord.cases.models import TransferRequest

        reason = (
            TransferRequest.objects.filter(pk=data.get("transfer"))
            .values_list("reason", flat=True)
            .first()
            or ""
        )
    if kind in ("accepted", "petition_accepted"):
        due = data.get("reply_due") or ""
    if kind == "resolved":
        answer = data.get("text") or case.resolution_text
    with translation.override(language):
        to_be_set, not_given = gettext("to be set"), pgettext("reason", "not given")
    return {
        "code": case.receipt_code or "",
        "link": tracking_link(case),
        "unit": _unit_name(case, data.get("to_unit") or data.get("unit"), language),
        "due": _date(due) or _handle_due(case) or to_be_set,
        "reason": str(reason) or not_given,
        "answer": str(answer),
        "route": str(data.get("route") or ""),
    }


def message_text(message: Message, event, case, language: str) -> str:
    """Return the message for one event of `case` in `language`, its fields filled in."""
    return message.render(language, **_fields(event, case, language))


def _contacts(case) -> list[tuple[str, str]]:
    """Return the (medium, address) pairs the filer gave, without duplicates."""
    from concord.cases.models import PartyRole

    from .models import Medium

    out: list[tuple[str, str]] = []
    for party in case.parties.filter(role=PartyRole.COMPLAINANT, erased_at__isnull=True):
        phone = _sms_address(party.phone or "")
        if phone and _PHONE.fullmatch(phone) and (Medium.SMS, phone) not in out:
            out.append((Medium.SMS, phone))
        email = (party.email or "").strip()
        if email and "@" in email and (Medium.EMAIL, email) not in out:
            out.append((Medium.EMAIL, email))
    return out


def _resident_accounts(case) -> list:
    """Return the resident accounts told of the case: the one that filed it, and any that
    claimed it with its receipt code and key ("my matters"). Staff are never residents."""
    from django.apps import apps

    people = []
    if case.submitted_by_id:
        people.append(case.submitted_by)
    if apps.is_installed("concord.residents"):
        claim = apps.get_model("residents", "CaseClaim")
        people += [c.user for c in claim.objects.filter(case=case).select_related("user")]
    return [
        u
        for u in {u.pk: u for u in people}.values()
        if u.is_active and getattr(u, "kind", "") == "resident"
    ]


@task()
def resident_message_task(event_id: int) -> int:
    """In the background: the message for one case event (queued by `on_event`).

    The task sits beside the hook that queues it, so that this module never imports the app's
    tasks module (which would call back here): no cycle between the two."""
    return resident_message_send(event_id=event_id)


def resident_message_send(*, event_id: int) -> int:
    """Send the message for one case event to whoever filed the case. Idempotent.

    Return the number of messages queued (0 when there is nobody to tell or it was sent).
    """
    from concord.cases.models import Sensitivity
    from concord.core.models import Event

    from .models import CaseContactPreference, Notification, Preference

    event = Event.objects.filter(pk=event_id).select_related("case").first()
    if event is None or event.case is None:
        return 0
    case = event.case
    if event.kind == "personal_data_erased":
        on_erasure(event)
        return 0
    message = MESSAGES.get(event.kind)
    if message is None or not event.public or not case.receipt_code:
        return 0
    if case.personal_data_erased_at is not None:
        return 0
    key = f"case-event:{event.pk}"
    if Notification.objects.filter(case=case, dedupe_key=key, recipient=None).exists():
        return 0
    sealed = case.sensitivity == Sensitivity.SEALED
    shown = SEALED_UPDATE if sealed else message
    statutory = message.statutory

    def text(language: str) -> str:
        return message_text(shown, event, case, language)

    subject = each("Concord %(code)s", code=case.receipt_code)
    accounts = _resident_accounts(case)
    if accounts:
        # An account that never chose its channels is told by text message too, at the
        # number it signed up with; one that chose is told as it chose.
        chose = set(Preference.objects.filter(user__in=accounts).values_list("user_id", flat=True))
        told = 0
        for group, by_text in (
            ([u for u in accounts if u.pk in chose], False),
            ([u for u in accounts if u.pk not in chose], True),
        ):
            told += notify(
                recipients=group,
                kind=f"case_{shown.step}",
                subject=subject,
                body=text,
                link=tracking_link(case),
                case=case,
                dedupe_key=key,
                statutory=statutory,
                urgent=by_text,
            )
        return told
    if case.is_anonymous and not case.contact_consent:
        return 0
    if not statutory:
        pref = CaseContactPreference.objects.filter(case=case).first()
        if pref is not None and pref.opted_out:
            return 0
    contacts = _contacts(case)
    if not contacts:
        return 0
    language = case.language or "zh-hans"
    return notify_contacts(
        contacts=contacts,
        language=language,
        kind=f"case_{shown.step}",
        subject=subject.get(language, subject["zh-hans"]),
        body=text(language),
        link=tracking_link(case),
        case=case,
        dedupe_key=key,
        statutory=statutory,
    )


def contact_preference_set(*, case, opted_out: bool):
    """Switch the non-statutory messages of a case on or off (the filer, by tracking token)."""
    from concord.core.ledger import append_event, stream_for_case

    from .models import CaseContactPreference

    with transaction.atomic():
        pref, _created = CaseContactPreference.objects.select_for_update().get_or_create(case=case)
        if pref.opted_out != bool(opted_out):
            pref.opted_out = bool(opted_out)
            pref.updated_at = timezone.now()
            pref.save()
            append_event(
                stream=stream_for_case(case.pk),
                kind="messages_preference",
                case=case,
                data={"opted_out": pref.opted_out},
            )
    return pref


def contact_preference_for(case) -> bool:
    """Return whether the filer switched the case's non-statutory messages off."""
    from .models import CaseContactPreference

    return CaseContactPreference.objects.filter(case=case, opted_out=True).exists()


def messages_for(user, *, limit: int = 20) -> list[dict]:
    """Return a resident's latest messages with their tracking links filled in (theirs)."""
    from .models import Notification

    rows = (
        Notification.objects.filter(recipient=user)
        .select_related("case")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        {
            "at": n.created_at,
            "subject": n.subject,
            "body": expand(n.body, n.case),
            "link": expand(n.link, n.case),
        }
        for n in rows
    ]
