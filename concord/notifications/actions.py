"""Sending notifications."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Notification


def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject: str,
    body: str = "",
    link: str = "",
    case=None,
    dedupe_key: str = "",
    statutory: bool = False,
) -> int:
    """Put a message in each recipient's inbox; a repeated dedupe key is skipped. Return count."""
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            subject=subject[:200],
            body=body,
            link=link[:300],
            case=case,
            dedupe_key=dedupe_key,
            statutory=statutory,
        )
        for user in {u.pk: u for u in recipients}.values()
    ]
    if dedupe_key:
        seen = set(
            Notification.objects.filter(
                dedupe_key=dedupe_key, recipient__in=[r.recipient for r in rows]
            ).values_list("recipient_id", flat=True)
        )
        rows = [r for r in rows if r.recipient.pk not in seen]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
