"""Following: a person asks to be told about a place (its warnings, policy notices and
consultations) or one thing (a case, a suggestion, a consultation, a policy notice).

The actions here are the one write path of a follow; the selectors answer "who follows this",
which the apps that tell people (safety's warnings, notices) read in batches.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from concord.core.errors import InvalidInput, PermissionDenied
from concord.core.ledger import append_event

from .models import Follow, FollowTarget


def _require_person(actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to follow."))


def _stream(actor) -> str:
    return f"user:{actor.pk}:follows"


def follow(*, actor, target: str, place=None, object_id: int | None = None) -> Follow:
    """Follow a place, or one thing of another app by its id. Following twice is one follow."""
    _require_person(actor)
    if target not in FollowTarget.values:
        msg = _("Unknown thing to follow.")
        raise InvalidInput(msg, fields={"target": msg})
    if (target == FollowTarget.PLACE) != (place is not None) or (
        target != FollowTarget.PLACE and object_id is None
    ):
        msg = _("Choose a place, or the thing to follow.")
        raise InvalidInput(msg, fields={"place": msg})
    lookup = {"user": actor, "target": target}
    if place is not None:
        lookup["place"] = place
    else:
        lookup["object_id"] = int(object_id)
    existing = Follow.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = Follow.objects.create(
                **lookup, place_path=place.path if place is not None else ""
            )
            append_event(
                stream=_stream(actor),
                kind="followed",
                actor=actor,
                data={"target": target, "place": getattr(place, "code", None), "id": object_id},
            )
    except IntegrityError:  # a concurrent click won
        return Follow.objects.get(**lookup)
    return row


@transaction.atomic
def unfollow(*, actor, follow_id: int) -> None:
    """Stop following (only one's own follows)."""
    _require_person(actor)
    row = Follow.objects.filter(pk=follow_id, user=actor).first()
    if row is None:
        return
    append_event(
        stream=_stream(actor),
        kind="unfollowed",
        actor=actor,
        data={"target": row.target, "place": row.place_path or None, "id": row.object_id},
    )
    row.delete()


def follows_of(user) -> QuerySet[Follow]:
    return Follow.objects.filter(user=user).select_related("place").order_by("target", "place_path")


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def place_followers_q(paths: Iterable[str]) -> Q:
    """Return a filter of the place follows that concern any of `paths`: follows of a place
    inside one of them, and follows of a place around one (a town followed, a village warned)."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(place_path__startswith=path) | Q(place_path__in=_ancestors(path))
    return Q(target=FollowTarget.PLACE) & q


def user_ids_following_places(paths: Iterable[str]) -> QuerySet:
    """Return the distinct ids of active people following any of the places (a subquery)."""
    return (
        Follow.objects.filter(place_followers_q(list(paths)), user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def followers_of(target: str, object_id: int) -> QuerySet:
    """Return the active people following one thing."""
    return get_user_model().objects.filter(
        is_active=True,
        pk__in=Follow.objects.filter(target=target, object_id=object_id).values("user_id"),
    )
