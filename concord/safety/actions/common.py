"""What safety actions share: the safety policy, input checks, place scoping and handler notices."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.accounts.selectors import holders
from concord.cases.models import Case
from concord.core.errors import InvalidInput
from concord.notifications.actions import notify
from concord.places.models import Place


def _required(value: str, field: str, *, max_chars: int = 10_000) -> str:
    value = (value or "").strip()
    if not value:
        msg = _("This field is required.")
        raise InvalidInput(msg, fields={field: msg})
    if len(value) > max_chars:
        msg = _("At most %(n)d characters.") % {"n": max_chars}
        raise InvalidInput(msg, fields={field: msg})
    return value


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        msg = _("Unknown value.")
        raise InvalidInput(msg, fields={field: msg})
    return value


def _may_manage(actor, place_path: str) -> bool:
    """Staff who handle or supervise matters at this place (departments, centres, supervisors)."""
    return perms.can(actor, Cap.CASE_HANDLE, place_path=place_path) or perms.can(
        actor, Cap.CASE_SUPERVISE, place_path=place_path
    )


def _common_path(paths: list[str]) -> str:
    parts = [p.strip("/").split("/") for p in paths]
    shared: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        shared.append(level[0])
    return "/" + "/".join(shared) + "/" if shared else "/"


def _places(places: Iterable[Place] | None, field: str = "places") -> list[Place]:
    places = list({p.pk: p for p in (places or [])}.values())
    if not places:
        msg = _("Choose at least one place.")
        raise InvalidInput(msg, fields={field: msg})
    return places


def _notify_handlers(case: Case, *, kind: str, subject, body="", dedupe_key: str = "") -> None:
    recipients = (
        list(holders(Cap.CASE_HANDLE, unit_id=case.owner_unit_id)) if case.owner_unit_id else []
    )
    if case.assignee_id:
        recipients.append(case.assignee)
    transaction.on_commit(
        lambda: notify(
            recipients=recipients,
            kind=kind,
            subject=subject,
            body=body,
            case=case,
            link=f"/staff/cases/{case.pk}/",
            dedupe_key=dedupe_key,
        )
    )
