"""Sending notifications: the inbox row, its email and SMS deliveries, retries and preferences.

`notify(...)` puts the message in each recipient's inbox at once, in the recipient's language,
and queues one delivery per extra medium the recipient chose. A task worker sends deliveries;
a failed send is retried with growing delays and, when it still fails, is marked failed, shown
to those who answer for it (selectors.py says who) and announced in their inboxes. Nothing is
dropped silently, and a sealed (counselling) notice's failure reaches only its team.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from concord.accounts.roles import Cap
from concord.accounts.selectors import holders
from concord.core import conf
from concord.core.errors import InvalidInput, NotFound, PermissionDenied

from .gateways import GatewayError, send_email, sms_gateway
from .links import expand
from .models import Delivery, DeliveryAttempt, DeliveryStatus, Medium, Notification, Preference
from .selectors import deliveries_watched_by, sealed_failures_known_to

logger = logging.getLogger(__name__)

# A text given once (already in one language), lazily translatable, per language, or computed.
Localized = str | Promise | Mapping[str, str] | Callable[[str], str]

DEFAULT_LANGUAGE = "zh-hans"


def backoff(attempts: int) -> timedelta:
    """Return how long to wait after the given number of failed attempts."""
    steps = conf.notifications().backoff_seconds
    return timedelta(seconds=steps[min(attempts, len(steps)) - 1])


def render(text: Localized, language: str) -> str:
    """Return `text` in `language` (falling back to Chinese, then to any language given)."""
    if callable(text) and not isinstance(text, Promise):
        return str(text(language))
    if isinstance(text, Mapping):
        return str(
            text.get(language) or text.get(DEFAULT_LANGUAGE) or next(iter(text.values()), "")
        )
    if isinstance(text, Promise):
        with translation.override(language):
            return str(text)
    return str(text)


def language_of(user, preference: Preference | None) -> str:
    return (
        (preference.language if preference else "")
        or getattr(user, "language", "")
        or (DEFAULT_LANGUAGE)
    )


def phone_of(user, preference: Preference | None) -> str:
    return ((preference.phone if preference else "") or getattr(user, "phone", "") or "").strip()


def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject: Localized,
    body: Localized = "",
    link: str = "",
    case=None,
    place=None,
    sealed_team=None,
    dedupe_key: str = "",
    statutory: bool = False,
    urgent: bool = False,
) -> int:
    """Put a message in each recipient's inbox and queue its email and SMS deliveries.

    For a whole population (a warning to an area) use `broadcast.broadcast`, which writes the
    same rows in the database in a few statements.

    A repeated dedupe key is skipped. People who opted out get only statutory notices. Urgent
    notices (public-safety warnings) also go by text message to anyone with a known phone.
    `place` is the place the notice is about (default: the case's place). A notice with a
    `sealed_team` (counselling) is sealed: if a delivery of it fails, only that team sees it.
    Return the number of inbox messages created.
    """
    users = list({u.pk: u for u in recipients}.values())
    if not users:
        return 0
    prefs = {p.user_id: p for p in Preference.objects.filter(user__in=users)}
    if dedupe_key:
        seen = set(
            Notification.objects.filter(dedupe_key=dedupe_key, recipient__in=users).values_list(
                "recipient_id", flat=True
            )
        )
        users = [u for u in users if u.pk not in seen]
    plans: list[tuple[Notification, list[tuple[str, str]]]] = []
    for user in users:
        pref = prefs.get(user.pk)
        if pref is not None and pref.opted_out and not statutory:
            continue
        language = language_of(user, pref)
        media: list[tuple[str, str]] = [(Medium.INBOX, "")]
        if (pref is None or pref.email) and user.email:
            media.append((Medium.EMAIL, user.email))
        phone = phone_of(user, pref)
        if phone and ((pref is not None and pref.sms) or urgent):
            media.append((Medium.SMS, phone))
        row = Notification(
            recipient=user,
            kind=kind,
            subject=render(subject, language)[:200],
            body=render(body, language),
            link=link[:300],
            language=language,
            case=case,
            place_id=place.pk if place is not None else getattr(case, "place_id", None),
            sealed=sealed_team is not None,
            team=sealed_team,
            dedupe_key=dedupe_key,
            statutory=statutory,
        )
        plans.append((row, media))
    if not plans:
        return 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                Notification.objects.bulk_create([row for row, _m in plans])
        except IntegrityError:
            # A concurrent job with the same dedupe key won for some recipients: keep the rest.
            kept = []
            for row, media in plans:
                try:
                    with transaction.atomic():
                        row.save()
                    kept.append((row, media))
                except IntegrityError:
                    continue
            plans = kept
        now = timezone.now()
        deliveries = [
            Delivery(
                notification=row,
                medium=medium,
                address=address,
                status=DeliveryStatus.SENT if medium == Medium.INBOX else DeliveryStatus.PENDING,
                sent_at=now if medium == Medium.INBOX else None,
                next_attempt_at=None if medium == Medium.INBOX else now,
            )
            for row, media in plans
            for medium, address in media
        ]
        Delivery.objects.bulk_create(deliveries)
        pending = [d for d in deliveries if d.status == DeliveryStatus.PENDING]
        if all(d.pk for d in pending):
            outbound = [d.pk for d in pending]
        else:  # a database that does not return the new ids
            outbound = list(
                Delivery.objects.filter(
                    notification__in=[row for row, _m in plans], status=DeliveryStatus.PENDING
                ).values_list("pk", flat=True)
            )
        if outbound:
            transaction.on_commit(lambda ids=outbound: _enqueue(ids))
    return len(plans)


def notify_contacts(
    *,
    contacts: Iterable[tuple[str, str]],
    language: str,
    kind: str,
    subject: str,
    body: str,
    link: str = "",
    case=None,
    dedupe_key: str = "",
    statutory: bool = False,
) -> int:
    """Queue one message to addresses given without an account (a filer's phone or email).

    The message has no inbox (no recipient); each address is one delivery, sent, retried and
    listed on failure like any other. Return the number of deliveries queued.
    """
    # One delivery per address (the queue's unit of sending): a filer who gave two numbers
    # or two e-mail addresses is told at each, and at each only once (e-mail compared without
    # regard to case, which is how mail servers treat it in practice).
    chosen: dict[tuple[str, str], tuple[str, str]] = {}
    for medium, address in contacts:
        address = (address or "").strip()
        if medium in (Medium.SMS, Medium.EMAIL) and address:
            key = address.casefold() if medium == Medium.EMAIL else address
            chosen.setdefault((medium, key), (medium, address))
    if not chosen:
        return 0
    now = timezone.now()
    with transaction.atomic():
        note = Notification.objects.create(
            recipient=None,
            kind=kind,
            subject=subject[:200],
            body=body,
            link=link[:300],
            language=language,
            case=case,
            place_id=getattr(case, "place_id", None),
            dedupe_key=dedupe_key,
            statutory=statutory,
        )
        rows = Delivery.objects.bulk_create(
            [
                Delivery(notification=note, medium=m, address=a, next_attempt_at=now)
                for m, a in chosen.values()
            ]
        )
        ids = [d.pk for d in rows]
        transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


BATCH_SIZE = 500


def _enqueue_batches(ids: list[int]) -> None:
    """Hand deliveries to the worker BATCH_SIZE at a time (the retry pass backs it up)."""
    for start in range(0, len(ids), BATCH_SIZE):
        try:
            deliveries_send_batch.enqueue(ids[start : start + BATCH_SIZE])
        except Exception:  # a broken queue must not lose the messages: the retry pass has them
            logger.exception("could not enqueue a batch of deliveries")


def deliveries_attempt_batch(*, delivery_ids: list[int]) -> dict[str, int]:
    """Send a batch of deliveries that are due, claimed in one update; record every attempt.

    Successes are written in bulk; a failure takes the single-delivery path (its retry or its
    place on the failure list). Return the number sent and failed.
    """
    now = timezone.now()
    Delivery.objects.filter(
        pk__in=delivery_ids, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, claimed_at=now)
    rows = list(
        Delivery.objects.filter(
            pk__in=delivery_ids, status=DeliveryStatus.SENDING, claimed_at=now
        ).select_related("notification", "notification__case")
    )
    sent: list[tuple[Delivery, str]] = []
    failed = 0
    for delivery in rows:
        number = delivery.attempts + 1
        try:
            sent.append((delivery, _transmit(delivery)))
        except GatewayError as exc:
            _attempt_failed(delivery, number, str(exc), retryable=exc.retryable)
            failed += 1
        except Exception as exc:  # an adapter bug must still leave a record and a retry
            logger.exception("delivery %s crashed", delivery.pk)
            _attempt_failed(delivery, number, f"{type(exc).__name__}: {exc}", retryable=True)
            failed += 1
    done = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(
            [
                DeliveryAttempt(
                    delivery=d, number=d.attempts + 1, at=done, ok=True, provider_ref=ref[:120]
                )
                for d, ref in sent
            ]
        )
        Delivery.objects.filter(pk__in=[d.pk for d, _ref in sent]).update(
            status=DeliveryStatus.SENT, attempts=F("attempts") + 1, sent_at=done, last_error=""
        )
        for d, ref in sent:
            d.provider_ref = ref[:120]
        Delivery.objects.bulk_update(
            [d for d, _ref in sent], ["provider_ref"], batch_size=BATCH_SIZE
        )
    return {"sent": len(sent), "failed": failed}


def _enqueue(ids: list[int], *, run_after: datetime | None = None) -> None:
    """Hand deliveries to the task worker; if that fails, the retry pass still finds them."""
    task = delivery_send
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # the periodic retry pass sends it when it falls due
        task = delivery_send.using(run_after=run_after)
    for pk in ids:
        try:
            task.enqueue(pk)
        except Exception:  # a broken queue must not lose the message: the retry pass has it
            logger.exception("could not enqueue delivery %s", pk)


def _transmit(delivery: Delivery) -> str:
    note = delivery.notification
    case = note.case if note.case_id else None
    if delivery.medium == Medium.EMAIL:
        body = note.body + (f"\n\n{note.link}" if note.link and note.link not in note.body else "")
        return send_email(to=delivery.address, subject=note.subject, body=expand(body, case))
    if delivery.medium == Medium.SMS:
        text = note.subject if not note.body else f"{note.subject}: {note.body}"
        text = expand(text, case)
        return sms_gateway().send(to=delivery.address, text=text, reference=f"d{delivery.pk}")
    raise GatewayError(f"unknown medium {delivery.medium}", retryable=False)


def delivery_attempt(*, delivery_id: int) -> str:
    """Try to send one delivery if it is due; record the attempt. Return its status afterwards.

    The row is claimed with a conditional update so two workers never send the same message.
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, claimed_at=now)
    if not claimed:
        row = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return row or "missing"
    delivery = Delivery.objects.select_related("notification", "notification__case").get(
        pk=delivery_id
    )
    number = delivery.attempts + 1
    try:
        ref = _transmit(delivery)
    except GatewayError as exc:
        return _attempt_failed(delivery, number, str(exc), retryable=exc.retryable)
    except Exception as exc:  # an adapter bug must still leave a record and a retry
        logger.exception("delivery %s crashed", delivery_id)
        return _attempt_failed(delivery, number, f"{type(exc).__name__}: {exc}", retryable=True)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery, number=number, at=timezone.now(), ok=True, provider_ref=ref[:120]
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT,
            attempts=number,
            sent_at=timezone.now(),
            provider_ref=ref[:120],
            last_error="",
        )
    return DeliveryStatus.SENT


def _attempt_failed(delivery: Delivery, number: int, error: str, *, retryable: bool) -> str:
    give_up = not retryable or number >= conf.notifications().max_attempts
    now = timezone.now()
    next_at = None if give_up else now + backoff(number)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery, number=number, at=now, ok=False, error=error[:2000]
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
            attempts=number,
            next_attempt_at=next_at,
            last_error=error[:2000],
        )
        if give_up:
            transaction.on_commit(lambda: _announce_failure(delivery.pk))
        else:
            transaction.on_commit(lambda: _enqueue([delivery.pk], run_after=next_at))
    return DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING


def _announce_failure(delivery_id: int) -> None:
    """Tell those who answer for a failed delivery, in their inboxes (which cannot fail).

    An ordinary notice's failure goes to the platform administrators who may see it, with its
    subject. A sealed notice's failure goes in full to its counselling team only; the
    administrators learn that a sealed notice failed, without its subject, body or recipient.
    """
    delivery = Delivery.objects.select_related("notification").get(pk=delivery_id)
    note = delivery.notification
    medium = Medium(delivery.medium)

    def full_subject(language: str) -> str:
        with translation.override(language):
            return _("A %(medium)s message could not be delivered") % {"medium": medium.label}

    def full_body(language: str) -> str:
        with translation.override(language):
            return _("“%(subject)s” failed after %(n)d attempts: %(error)s") % {
                "subject": note.subject,
                "n": delivery.attempts,
                "error": delivery.last_error[:300],
            }

    def sealed_subject(language: str) -> str:
        with translation.override(language):
            return _("A sealed notice could not be delivered")

    def sealed_body(language: str) -> str:
        with translation.override(language):
            return _(
                "A sealed notice of a counselling team (%(medium)s) failed after %(n)d "
                "attempts. The team has been told; its contents are not shown here."
            ) % {"medium": medium.label, "n": delivery.attempts}

    def row(person, subject, body, **extra) -> Notification:
        return Notification(
            recipient=person,
            kind="delivery_failed",
            subject=subject(person.language)[:200],
            body=body(person.language),
            language=person.language,
            dedupe_key=f"delivery-failed:{delivery_id}",
            **extra,
        )

    admins = list(holders(Cap.PLATFORM_ADMIN))
    if note.sealed:
        team = list(holders(Cap.WELLBEING, unit_id=note.team_id)) if note.team_id else []
        in_team = {person.pk for person in team}
        rows = [
            row(
                p,
                full_subject,
                full_body,
                sealed=True,
                team_id=note.team_id,
                link="/wellbeing/queue/",
            )
            for p in team
        ]
        rows += [
            row(admin, sealed_subject, sealed_body)
            for admin in admins
            if admin.pk not in in_team
            and sealed_failures_known_to(admin).filter(pk=delivery_id).exists()
        ]
    else:
        rows = [
            row(admin, full_subject, full_body)
            for admin in admins
            if deliveries_watched_by(admin).filter(pk=delivery_id).exists()
        ]
    # In-app only: announcing a failed email by email could fail the same way.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def deliveries_retry_due(*, limit: int = 500) -> int:
    """Send every delivery that is due (and rescue ones stuck mid-send). Return how many tried.

    The worker's schedule runs this pass, so retries happen even on backends that cannot defer.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=conf.notifications().stale_seconds)
    # A worker that died mid-send leaves the row claimed: put it back in the queue.
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=stale).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now
    )
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for start in range(0, len(due), BATCH_SIZE):
        deliveries_attempt_batch(delivery_ids=due[start : start + BATCH_SIZE])
    return len(due)


# --- staff and residents -------------------------------------------------------------------


def _require_watcher(actor, delivery: Delivery) -> None:
    """Refuse anyone who does not answer for the delivery, without saying that it exists."""
    if not deliveries_watched_by(actor).filter(pk=delivery.pk).exists():
        raise NotFound()


@transaction.atomic
def delivery_retry(*, actor, delivery: Delivery) -> Delivery:
    """Put a failed delivery back in the queue (after staff fixed the address or gateway)."""
    _require_watcher(actor, delivery)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise InvalidInput(_("Only failed deliveries can be retried."))
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.acknowledged_at = None
    delivery.acknowledged_by = None
    delivery.save(update_fields=["status", "next_attempt_at", "acknowledged_at", "acknowledged_by"])
    _record_staff_step(delivery, "delivery_retried", actor)
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return delivery


def _record_staff_step(delivery: Delivery, kind: str, actor) -> None:
    """Audit a person's step on a delivery (who retried or acknowledged it, not its content)."""
    from concord.core.ledger import append_event

    append_event(
        stream=f"delivery:{delivery.pk}", kind=kind, actor=actor, data={"delivery": delivery.pk}
    )


def sealed_failure_unanswered(actor, delivery: Delivery) -> bool:
    """Return whether `delivery` is a sealed notice's failure the administrator `actor` is told
    of and that no active counsellor of its team can see (no team, or none active in it)."""
    row = (
        sealed_failures_known_to(actor)
        .filter(pk=delivery.pk)
        .values_list("notification__team_id", flat=True)
    )
    if not row.exists():
        return False
    team_id = row.first()
    return team_id is None or not holders(Cap.WELLBEING, unit_id=team_id).exists()


@transaction.atomic
def delivery_acknowledge(*, actor, delivery: Delivery) -> Delivery:
    """Mark a failed delivery as dealt with (the person was told another way).

    Those who answer for the delivery may; so may a platform administrator for a sealed notice
    that no active counsellor of its team can see, which would otherwise never clear. The
    administrator still learns nothing of the notice.
    """
    if not sealed_failure_unanswered(actor, delivery):
        _require_watcher(actor, delivery)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise InvalidInput(_("Only failed deliveries can be acknowledged."))
    delivery.acknowledged_at = timezone.now()
    delivery.acknowledged_by = actor
    delivery.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _record_staff_step(delivery, "delivery_acknowledged", actor)
    return delivery


@transaction.atomic
def preference_set(
    *,
    actor,
    email: bool | None = None,
    sms: bool | None = None,
    opted_out: bool | None = None,
    language: str | None = None,
    phone: str | None = None,
) -> Preference:
    """Set the acting person's own channels, language and opt-out."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    pref, _created = Preference.objects.select_for_update().get_or_create(user=actor)
    if language is not None:
        codes = {code for code, _name in settings.LANGUAGES}
        if language and language not in codes:
            msg = _("Unknown language.")
            raise InvalidInput(msg, fields={"language": msg})
        pref.language = language
    if phone is not None:
        phone = phone.strip()
        if phone and not (phone.lstrip("+").isdigit() and 5 <= len(phone) <= 20):
            msg = _("Give a phone number of digits only.")
            raise InvalidInput(msg, fields={"phone": msg})
        pref.phone = phone
    for field, value in (("email", email), ("sms", sms), ("opted_out", opted_out)):
        if value is not None:
            setattr(pref, field, bool(value))
    if pref.sms and not phone_of(actor, pref):
        msg = _("Give a phone number to receive text messages.")
        raise InvalidInput(msg, fields={"phone": msg})
    pref.save()
    return pref


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    row = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if row is None:
        raise NotFound()
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row


# --- background sends: the tasks sit beside the actions that queue them, so that the actions
# never import the app's tasks module (which calls them): no cycle between the two.


@task()
def delivery_send(delivery_id: int) -> str:
    return delivery_attempt(delivery_id=delivery_id)


@task()
def deliveries_send_batch(delivery_ids: list[int]) -> dict:
    return deliveries_attempt_batch(delivery_ids=delivery_ids)
