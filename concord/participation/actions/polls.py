"""Polls: creation, online votes and paper votes with their confirmation."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts.roles import Cap
from concord.core.errors import Conflict, InvalidInput, PermissionDenied
from concord.places.models import Place

from ..models import Poll, PollMode, PollOption, VerificationMethod, Vote, VoteSource
from .common import _record, _require_cap, _require_verified, _text, identity_key

# --- polls -------------------------------------------------------------------------------------


def poll_create(
    *,
    actor,
    place: Place,
    question: str,
    options: list[str],
    opens_at: datetime,
    closes_at: datetime,
    mode: str = PollMode.SINGLE,
    max_choices: int = 1,
    methods: list[str] | None = None,
    description: str = "",
) -> Poll:
    _require_cap(actor, Cap.CASE_HANDLE, place.path)
    question = _text(question, "question", 300)
    labels = [o.strip() for o in options if o and o.strip()]
    if len(labels) < 2 or len(set(labels)) != len(labels):
        raise InvalidInput(fields={"options": _("Give at least two different options.")})
    if closes_at <= opens_at:
        raise InvalidInput(fields={"closes_at": _("The poll must close after it opens.")})
    if mode not in PollMode.values:
        raise InvalidInput(fields={"mode": _("Unknown mode.")})
    max_choices = 1 if mode == PollMode.SINGLE else max(1, min(max_choices, len(labels)))
    methods = list(methods or [])
    if set(methods) - set(VerificationMethod.values):
        raise InvalidInput(fields={"methods": _("Unknown verification method.")})
    with transaction.atomic():
        poll = Poll.objects.create(
            place=place,
            place_path=place.path,
            question=question,
            description=description,
            mode=mode,
            max_choices=max_choices,
            opens_at=opens_at,
            closes_at=closes_at,
            methods=methods,
            created_by=actor,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, position=i, label=label) for i, label in enumerate(labels, 1)
        )
        _record(f"poll:{poll.pk}", "poll_created", actor, public=True, place=place.code)
    return poll


def _choices(poll: Poll, option_ids: list[int]) -> list[PollOption]:
    ids = list(dict.fromkeys(int(i) for i in option_ids))
    options = list(PollOption.objects.filter(poll=poll, pk__in=ids))
    if not ids or len(options) != len(ids):
        raise InvalidInput(fields={"options": _("Choose from this poll's options.")})
    if len(options) > poll.max_choices:
        raise InvalidInput(
            fields={"options": _("Choose at most %(n)d options.") % {"n": poll.max_choices}}
        )
    return options


def _insert_vote(poll: Poll, options: list[PollOption], **fields) -> Vote:
    try:
        with transaction.atomic():
            vote = Vote.objects.create(poll=poll, cast_at=timezone.now(), **fields)
            vote.options.set(options)
    except IntegrityError:
        raise Conflict(
            _(
                "A vote has already been recorded for this resident in this poll; it was not "
                "counted twice."
            )
        ) from None
    return vote


def poll_vote(*, actor, poll: Poll, option_ids: list[int]) -> Vote:
    """Cast a verified resident's vote; a second vote by the same person is refused."""
    now = timezone.now()
    if not poll.opens_at <= now < poll.closes_at:
        raise Conflict(_("This poll is not open for voting."))
    verification = _require_verified(actor, poll.place, poll.methods or None)
    options = _choices(poll, option_ids)
    with transaction.atomic():
        vote = _insert_vote(
            poll,
            options,
            identity_key=verification.identity_key,
            user=actor,
            source=VoteSource.ONLINE,
        )
        # The ballot's content stays out of the audit record: the vote is secret.
        _record(f"poll:{poll.pk}", "vote_cast", None, method=verification.method)
    return vote


def poll_enter_paper_vote(*, actor, poll: Poll, phone: str, option_ids: list[int]) -> Vote:
    """Enter a paper ballot; it counts once a second staff member confirms it."""
    _require_cap(actor, Cap.CASE_FILE, poll.place_path)
    if timezone.now() < poll.opens_at:
        raise Conflict(_("This poll has not opened yet."))
    options = _choices(poll, option_ids)
    with transaction.atomic():
        vote = _insert_vote(
            poll,
            options,
            identity_key=identity_key(phone),
            source=VoteSource.PAPER,
            entered_by=actor,
        )
        _record(f"poll:{poll.pk}", "paper_vote_entered", actor, vote=vote.pk)
    return vote


def poll_confirm_paper_vote(*, actor, vote: Vote) -> Vote:
    _require_cap(actor, Cap.CASE_FILE, vote.poll.place_path)
    with transaction.atomic():
        v = Vote.objects.select_for_update().get(pk=vote.pk)
        if v.source != VoteSource.PAPER or v.confirmed_at is not None:
            raise Conflict(_("Only unconfirmed paper ballots can be confirmed."))
        if v.entered_by_id == actor.pk:
            raise PermissionDenied(_("A second person must check a paper ballot."))
        v.confirmed_by, v.confirmed_at = actor, timezone.now()
        v.save(update_fields=["confirmed_by", "confirmed_at"])
        _record(f"poll:{v.poll_id}", "paper_vote_confirmed", actor, vote=v.pk)
    return v
