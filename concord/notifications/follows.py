"""Following: a person asks to be told about a place (its warnings, policy notices and
consultations) or one thing (a case, a suggestion, a consultation, a policy notice).

The actions here are the one write path of a follow; the selectors answer "who follows this",
which the apps that tell people (safety's warnings, notices) read in batches.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_tasks import task

from concord.core.errors import InvalidInput, NotFound, PermissionDenied
from concord.core.ledger import append_event
from concord.places.models import Level, Place

from .models import Follow, FollowTarget

# The things one may follow by id from a public page or the API, and where they live: the
# model, and the filter that makes one public (a held suggestion, a decision without a
# consultation cannot be followed). A case is followed by whoever filed it (My matters).
FOLLOWABLE: dict[str, tuple[str, dict]] = {
    FollowTarget.SUGGESTION: ("participation.Suggestion", {"moderation": "published"}),
    FollowTarget.CONSULTATION: ("assessments.Assessment", {"consultation__isnull": False}),
    FollowTarget.NOTICE: ("safety.PolicyNotice", {}),
}
# The places one may follow: every level that warnings, policy notices and consultations name.
# Kept here, beside the things followed by id, so that the page (safety) and the API
# (notifications) check a place the same way without importing each other.
FOLLOWABLE_PLACE_LEVELS = (Level.COUNTY, Level.TOWN, Level.VILLAGE, Level.GRID)


def followable_places() -> QuerySet[Place]:
    """Return the places a person may follow: the county, its towns, villages and grids."""
    return Place.objects.filter(level__in=FOLLOWABLE_PLACE_LEVELS).order_by("path")


def followable_place(code: str) -> Place:
    """Return the followable place with this code, or raise InvalidInput."""
    place = followable_places().filter(code=code).first() if code else None
    if place is None:
        msg = _("Choose a village or community.")
        raise InvalidInput(msg, fields={"place": msg})
    return place


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
    if place is not None and place.level not in FOLLOWABLE_PLACE_LEVELS:
        raise NotFound(_("There is nothing to follow here."))
    if target in FOLLOWABLE:
        model, public = FOLLOWABLE[target]
        if not apps.get_model(model).objects.filter(pk=int(object_id), **public).exists():
            raise NotFound(_("There is nothing to follow here."))
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


def unfollow_thing(*, actor, target: str, object_id: int) -> None:
    """Stop following one thing by its kind and id (the page's and the API's unfollow)."""
    _require_person(actor)
    row = Follow.objects.filter(user=actor, target=target, object_id=object_id).first()
    if row is not None:
        unfollow(actor=actor, follow_id=row.pk)


def unfollow_place(*, actor, place: Place) -> None:
    """Stop following a place (the API's unfollow; the page names the follow itself)."""
    _require_person(actor)
    row = Follow.objects.filter(user=actor, target=FollowTarget.PLACE, place=place).first()
    if row is not None:
        unfollow(actor=actor, follow_id=row.pk)


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


def follow_of(user, target: str, object_id: int) -> Follow | None:
    """Return the person's follow of one thing, if they follow it."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Follow.objects.filter(user=user, target=target, object_id=object_id).first()


def followed_ids(user, target: str, ids: Iterable[int]) -> set[int]:
    """Return which of the things (by id) the person follows: one query for a whole list."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Follow.objects.filter(user=user, target=target, object_id__in=list(ids)).values_list(
            "object_id", flat=True
        )
    )


def followers_tell(
    *,
    target: str,
    object_id: int,
    kind: str,
    subject: dict[str, str],
    body: dict[str, str],
    link: str,
    dedupe_key: str,
) -> int:
    """Tell everyone following one thing (inbox, and their channel, in their language) through
    broadcast. Idempotent under `dedupe_key`: a person already told under it (the asker of an
    answered question, who follows the notice too) is not told twice. Return how many."""
    from .broadcast import broadcast

    return broadcast(
        people=followers_of(target, object_id),
        kind=kind,
        subject=subject,
        body=body,
        link=link,
        dedupe_key=dedupe_key,
    )


def followers_tell_after_commit(**message) -> None:
    """Queue `followers_tell` for after the action's commit: the answer is never blocked or
    undone by the telling, which goes through the notifications queue (retries, failures)."""
    transaction.on_commit(lambda: followers_tell_task.enqueue(**message))


@task()
def followers_tell_task(
    target: str,
    object_id: int,
    kind: str,
    subject: dict,
    body: dict,
    link: str,
    dedupe_key: str,
) -> int:
    """In the background: tell the followers of one thing that it was answered."""
    return followers_tell(
        target=target,
        object_id=object_id,
        kind=kind,
        subject=subject,
        body=body,
        link=link,
        dedupe_key=dedupe_key,
    )
