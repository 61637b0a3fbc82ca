"""API of the inbox, preferences and failed deliveries.

Not yet mounted by concord/api.py; the lead mounts it with
``api.add_router("/notifications", notifications_router)``.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from concord.accounts.api_auth import account_auth, resident_auth, staff_auth
from concord.core.errors import InvalidInput, NotFound

from . import actions, follows, selectors
from .models import Delivery, FollowTarget

router = Router(tags=["notifications"], auth=staff_auth)


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    language: str
    statutory: bool
    created_at: datetime
    read_at: datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


class PreferenceIn(Schema):
    email: bool | None = None
    sms: bool | None = None
    opted_out: bool | None = None
    language: str | None = None
    phone: str | None = None


class PreferenceOut(Schema):
    email: bool
    sms: bool
    opted_out: bool
    language: str
    phone: str


class FollowIn(Schema):
    target: str  # suggestion, consultation or notice
    id: int


class PlaceFollowIn(Schema):
    place: str  # the place's code


class FollowOut(Schema):
    id: int
    target: str
    object_id: int | None
    place: str | None


def _follow_out(f) -> dict:
    return {
        "id": f.pk,
        "target": f.target,
        "object_id": f.object_id,
        "place": f.place.code if f.place_id else None,
    }


class DeliveryOut(Schema):
    id: int
    medium: str
    address: str
    attempts: int
    last_error: str
    subject: str
    recipient: str
    created_at: datetime
    # A sealed (counselling) notice: its team sees it in full; an administrator sees only that
    # it failed (subject, recipient, address and error empty) and cannot retry it.
    sealed: bool = False


def _pref(p) -> dict:
    return {
        "email": p.email,
        "sms": p.sms,
        "opted_out": p.opted_out,
        "language": p.language,
        "phone": p.phone,
    }


@router.get("/inbox", response=InboxOut, auth=account_auth)
def inbox(request, limit: int = 50):
    items = selectors.inbox_items(request.auth, limit=max(1, min(limit, 200)))
    return {"unread": selectors.unread_count(request.auth), "items": items}


@router.post("/inbox/{notification_id}/read", response=NotificationOut, auth=account_auth)
def mark_read(request, notification_id: int):
    row = actions.notification_mark_read(actor=request.auth, notification_id=notification_id)
    return selectors.as_read(row)


@router.get("/preferences", response=PreferenceOut, auth=account_auth)
def preferences(request):
    return _pref(selectors.preference_for(request.auth))


@router.post("/preferences", response=PreferenceOut, auth=account_auth)
def set_preferences(request, payload: PreferenceIn):
    return _pref(actions.preference_set(actor=request.auth, **payload.dict()))


def _followable(payload: FollowIn) -> None:
    if payload.target not in follows.FOLLOWABLE:
        msg = _("Follow a suggestion, a consultation or a policy notice.")
        raise InvalidInput(msg, fields={"target": msg})


@router.get("/follows", response=list[FollowOut], auth=account_auth)
def follows_list(request):
    """What the signed-in account follows (places and single things)."""
    return [_follow_out(f) for f in follows.follows_of(request.auth)]


@router.post("/follows", response={201: FollowOut}, auth=account_auth)
def follow(request, payload: FollowIn):
    """Follow one suggestion, consultation or policy notice, to be told when it is answered."""
    _followable(payload)
    row = follows.follow(actor=request.auth, target=payload.target, object_id=payload.id)
    return Status(201, _follow_out(row))


@router.post("/follows/remove", response=list[FollowOut], auth=account_auth)
def unfollow(request, payload: FollowIn):
    """Stop following one thing; answer what is still followed."""
    _followable(payload)
    follows.unfollow_thing(actor=request.auth, target=payload.target, object_id=payload.id)
    return [_follow_out(f) for f in follows.follows_of(request.auth)]


@router.post("/follows/places", response={201: FollowOut}, auth=resident_auth)
def follow_place(request, payload: PlaceFollowIn):
    """Follow a place (resident accounts): its public warnings, policy notices and
    consultations, and those of the places within it. The same action as the /safety/ page."""
    place = follows.followable_place(payload.place)
    row = follows.follow(actor=request.auth, target=FollowTarget.PLACE, place=place)
    return Status(201, _follow_out(row))


@router.post("/follows/places/remove", response=list[FollowOut], auth=resident_auth)
def unfollow_place(request, payload: PlaceFollowIn):
    """Stop following a place (resident accounts); answer what is still followed."""
    follows.unfollow_place(actor=request.auth, place=follows.followable_place(payload.place))
    return [_follow_out(f) for f in follows.follows_of(request.auth)]


def _delivery_out(d: Delivery) -> dict:
    return {
        "id": d.pk,
        "medium": d.medium,
        "address": selectors.mask_address(d.address),
        "attempts": d.attempts,
        "last_error": d.last_error,
        "subject": d.notification.subject,
        "recipient": str(d.notification.recipient),
        "created_at": d.created_at,
        "sealed": d.notification.sealed,
    }


def _sealed_failure_out(row: dict) -> dict:
    return {
        **row,
        "address": "",
        "last_error": "",
        "subject": "",
        "recipient": "",
        "sealed": True,
    }


@router.get("/failed", response=list[DeliveryOut])
def failed(request):
    """Failed deliveries the caller answers for; to administrators also each sealed
    (counselling) notice that failed, with nothing of the notice."""
    rows = [_delivery_out(d) for d in selectors.failed_deliveries_for(request.auth)[:500]]
    shown = {r["id"] for r in rows}
    rows += [
        _sealed_failure_out(r)
        for r in selectors.sealed_failures_for(request.auth)
        if r["id"] not in shown
    ]
    rows.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return rows[:500]


def _failed_delivery(user, delivery_id: int) -> Delivery:
    row = selectors.failed_deliveries_for(user, include_acknowledged=True).filter(pk=delivery_id)
    delivery = row.first()
    if delivery is None:
        raise NotFound()
    return delivery


@router.post("/failed/{delivery_id}/retry", response=DeliveryOut)
def retry(request, delivery_id: int):
    delivery = actions.delivery_retry(
        actor=request.auth, delivery=_failed_delivery(request.auth, delivery_id)
    )
    return _delivery_out(
        Delivery.objects.select_related("notification__recipient").get(pk=delivery.pk)
    )


@router.post("/failed/{delivery_id}/acknowledge", response=DeliveryOut)
def acknowledge(request, delivery_id: int):
    """Acknowledge a failed delivery; an administrator may also acknowledge a sealed notice's
    failure that no active counsellor of its team can see, and is shown nothing of it."""
    user = request.auth
    unanswered = selectors.sealed_failures_known_to(user).filter(pk=delivery_id).first()
    if unanswered is not None and actions.sealed_failure_unanswered(user, unanswered):
        delivery = actions.delivery_acknowledge(actor=user, delivery=unanswered)
        return _sealed_failure_out(
            {
                "id": delivery.pk,
                "medium": delivery.medium,
                "attempts": delivery.attempts,
                "created_at": delivery.created_at,
            }
        )
    delivery = actions.delivery_acknowledge(
        actor=user, delivery=_failed_delivery(user, delivery_id)
    )
    return _delivery_out(
        Delivery.objects.select_related("notification__recipient").get(pk=delivery.pk)
    )
