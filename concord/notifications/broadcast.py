"""One message to a whole population (a public warning to every follower of an area).

`notify` builds each inbox row in Python, which is right for a handful of recipients and far too
slow for a hundred thousand. `broadcast` writes the same rows with three INSERT … SELECT
statements that the database runs on its own: the inbox rows (one per person, in the person's
language, skipping anyone already told under the same dedupe key and, for a non-statutory
message, anyone who opted out), then their inbox deliveries (sent), then one email or text
message delivery per person as their preference says (text messages to everyone with a phone
when the message is urgent). The pending deliveries go to the worker in batches
(`deliveries_send_batch`); failures take the ordinary retry and failure-list path.

The texts are given per language ({"zh-hans": …, "en": …}); a person whose language has no text
gets the Chinese one. docs/PERFORMANCE.md records the measured rate (bench_warning_fanout.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from concord.accounts.models import User

from .actions import DEFAULT_LANGUAGE, _enqueue_batches
from .models import Delivery, DeliveryStatus, Medium, Notification, Preference


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _by_language(texts: Mapping[str, str], language_sql: str) -> tuple[str, list]:
    """Return a CASE choosing the text of the person's language (default: Chinese)."""
    default = texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), "")
    whens, params = [], []
    for code, text in texts.items():
        if code != DEFAULT_LANGUAGE:
            whens.append(f"WHEN {language_sql} = %s THEN %s")
            params += [code, text]
    if not whens:
        return "%s", [default]
    return f"CASE {' '.join(whens)} ELSE %s END", [*params, default]


def broadcast(
    *,
    people: QuerySet,
    kind: str,
    subject: Mapping[str, str],
    body: Mapping[str, str],
    link: str = "",
    place=None,
    dedupe_key: str,
    statutory: bool = False,
    urgent: bool = False,
) -> int:
    """Tell every active person of `people` (a query of users); return how many were told now.

    Idempotent under `dedupe_key`: a person already told is skipped, so a repeated or resumed
    fan-out tells only the rest.
    """
    if not dedupe_key:
        raise ValueError("a broadcast needs a dedupe key")
    ids_sql, ids_params = people.filter(is_active=True).values("pk").query.sql_with_params()
    user, pref, note, delivery = (
        _qn(User._meta.db_table),
        _qn(Preference._meta.db_table),
        _qn(Notification._meta.db_table),
        _qn(Delivery._meta.db_table),
    )
    language = f"COALESCE(NULLIF(p.{_qn('language')}, ''), NULLIF(u.{_qn('language')}, ''), %s)"
    subject_sql, subject_params = _by_language({k: v[:200] for k, v in subject.items()}, language)
    body_sql, body_params = _by_language(body, language)
    moment = timezone.now()
    now = connection.ops.adapt_datetimefield_value(moment)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {note} (recipient_id, kind, subject, body, link, language, case_id,
                                place_id, sealed, team_id, dedupe_key, statutory, created_at,
                                read_at)
            SELECT u.id, %s, {subject_sql}, {body_sql}, %s, {language}, NULL, %s, %s, NULL, %s,
                   %s, %s, NULL
            FROM {user} u LEFT JOIN {pref} p ON p.user_id = u.id
            WHERE u.id IN ({ids_sql})
              AND NOT EXISTS (SELECT 1 FROM {note} n
                              WHERE n.recipient_id = u.id AND n.dedupe_key = %s)
              AND (%s OR p.opted_out IS NULL OR p.opted_out = %s)
            """,  # noqa: S608 # nosec B608 (quoted table names; values are parameters)
            [
                kind,
                *_lang_params(subject_params, language),
                *_lang_params(body_params, language),
                link[:300],
                DEFAULT_LANGUAGE,
                getattr(place, "pk", None),
                False,
                dedupe_key,
                statutory,
                now,
                *ids_params,
                dedupe_key,
                statutory,
                False,
            ],
        )
        told = cursor.rowcount
        mine = "n.dedupe_key = %s AND n.created_at = %s AND n.kind = %s"
        cursor.execute(
            f"""
            INSERT INTO {delivery} (notification_id, medium, address, status, attempts,
                                    next_attempt_at, claimed_at, sent_at, provider_ref,
                                    last_error, created_at, acknowledged_at,
                                    acknowledged_by_id)
            SELECT n.id, %s, '', %s, 0, NULL, NULL, %s, '', '', %s, NULL, NULL
            FROM {note} n WHERE {mine}
            """,  # noqa: S608 # nosec B608 (quoted table names; values are parameters)
            [Medium.INBOX, DeliveryStatus.SENT, now, now, dedupe_key, now, kind],
        )
        phone = f"COALESCE(NULLIF(p.{_qn('phone')}, ''), u.{_qn('phone')}, '')"
        cursor.execute(
            f"""
            INSERT INTO {delivery} (notification_id, medium, address, status, attempts,
                                    next_attempt_at, claimed_at, sent_at, provider_ref,
                                    last_error, created_at, acknowledged_at,
                                    acknowledged_by_id)
            SELECT n.id, %s, {phone}, %s, 0, %s, NULL, NULL, '', '', %s, NULL, NULL
            FROM {note} n JOIN {user} u ON u.id = n.recipient_id
                 LEFT JOIN {pref} p ON p.user_id = u.id
            WHERE {mine} AND {phone} <> '' AND (%s OR p.sms = %s)
            """,  # noqa: S608 # nosec B608 (quoted table names; values are parameters)
            [Medium.SMS, DeliveryStatus.PENDING, now, now, dedupe_key, now, kind, urgent, True],
        )
        cursor.execute(
            f"""
            INSERT INTO {delivery} (notification_id, medium, address, status, attempts,
                                    next_attempt_at, claimed_at, sent_at, provider_ref,
                                    last_error, created_at, acknowledged_at,
                                    acknowledged_by_id)
            SELECT n.id, %s, u.email, %s, 0, %s, NULL, NULL, '', '', %s, NULL, NULL
            FROM {note} n JOIN {user} u ON u.id = n.recipient_id
                 LEFT JOIN {pref} p ON p.user_id = u.id
            WHERE {mine} AND u.email <> '' AND (p.email IS NULL OR p.email = %s)
            """,  # noqa: S608 # nosec B608 (quoted table names; values are parameters)
            [Medium.EMAIL, DeliveryStatus.PENDING, now, now, dedupe_key, now, kind, True],
        )
        pending = list(
            Delivery.objects.filter(
                notification__dedupe_key=dedupe_key,
                notification__created_at=moment,
                notification__kind=kind,
                status=DeliveryStatus.PENDING,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if pending:
            transaction.on_commit(lambda: _enqueue_batches(pending))
    return told


def _lang_params(params: list, language_sql: str) -> list:
    """Repeat the language expression's own parameter before each WHEN's parameters."""
    out: list = []
    pairs = params[:-1]
    for i in range(0, len(pairs), 2):
        out += [DEFAULT_LANGUAGE, pairs[i], pairs[i + 1]]
    out.append(params[-1])
    return out
