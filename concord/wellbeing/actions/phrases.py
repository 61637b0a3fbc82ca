"""De-identified example phrases for the crisis detector's training corpus.

A counsellor proposes a phrase in their own words (never copied from a sealed record, and the
proposal is not linked to one); the team lead reviews it, never their own; approved phrases are
written into the training corpus file by a command and committed by a person after review.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.errors import Conflict, InvalidInput, PermissionDenied
from concord.core.ledger import append_event

from ..models import ExamplePhrase, PhraseLanguage, PhraseLevel, PhraseState
from .common import _choice, _text, is_team_counsellor, team_lead

MAX_PHRASE = 300
# What identifies a person: phone and ID numbers, e-mail and web addresses, long numbers.
_IDENTIFYING = re.compile(
    r"\d[\d\s-]{5,}\d|[\w.+-]+@[\w-]+\.\w+|https?://|www\.|\b\d{17}[\dxX]\b|[0-9]{6,}"
)


def phrase_stream(team_id: int) -> str:
    return f"wellbeing-phrases:{team_id}"


def _require_counsellor(actor, team) -> None:
    if not is_team_counsellor(actor, team_id=team.pk):
        raise PermissionDenied(_("Only the team's counsellors may do this."))


@transaction.atomic
def phrase_propose(
    *, actor, team, text: str, language: str, level: str, own_words: bool
) -> ExamplePhrase:
    """Propose a de-identified example phrase (own words) for the training corpus."""
    _require_counsellor(actor, team)
    text = _text(text, "text", required=True)
    if len(text) > MAX_PHRASE:
        msg = _("At most %(n)d characters.") % {"n": MAX_PHRASE}
        raise InvalidInput(msg, fields={"text": msg})
    if _IDENTIFYING.search(text):
        msg = _("Remove numbers, addresses and anything else that could identify a person.")
        raise InvalidInput(msg, fields={"text": msg})
    if not own_words:
        msg = _("Confirm that the phrase is in your own words and names nobody.")
        raise InvalidInput(msg, fields={"own_words": msg})
    _choice(language, PhraseLanguage, "language")
    _choice(level, PhraseLevel, "level")
    phrase = ExamplePhrase.objects.create(
        team=team,
        text=text,
        language=language,
        level=level,
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    append_event(
        stream=phrase_stream(team.pk),
        kind="phrase_proposed",
        actor=actor,
        case=None,
        public=False,
        data={"phrase": phrase.pk, "level": level, "language": language},
    )
    return phrase


def may_review_phrases(user, team) -> bool:
    return is_team_counsellor(user, team_id=team.pk) and user in team_lead(team.pk)


@transaction.atomic
def phrase_review(*, actor, phrase: ExamplePhrase, approve: bool, note: str = "") -> ExamplePhrase:
    """The team lead approves or rejects a proposed phrase (never their own)."""
    phrase = ExamplePhrase.objects.select_for_update().select_related("team").get(pk=phrase.pk)
    if not may_review_phrases(actor, phrase.team):
        raise PermissionDenied(_("Only the team lead reviews example phrases."))
    if phrase.proposed_by_id == actor.pk:
        raise PermissionDenied(_("Nobody reviews their own phrase."))
    if phrase.state != PhraseState.PROPOSED:
        raise Conflict(_("This phrase has already been reviewed."))
    note = _text(note, "note")
    phrase.state = PhraseState.APPROVED if approve else PhraseState.REJECTED
    phrase.reviewed_by = actor
    phrase.reviewed_at = timezone.now()
    phrase.review_note = note
    phrase.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    append_event(
        stream=phrase_stream(phrase.team_id),
        kind="phrase_approved" if approve else "phrase_rejected",
        actor=actor,
        case=None,
        public=False,
        data={"phrase": phrase.pk},
    )
    return phrase


@transaction.atomic
def phrases_mark_exported(*, phrases: list[ExamplePhrase]) -> int:
    """Record that approved phrases were written into the training corpus file."""
    now = timezone.now()
    ids = [p.pk for p in phrases]
    n = ExamplePhrase.objects.filter(
        pk__in=ids, state=PhraseState.APPROVED, exported_at__isnull=True
    ).update(exported_at=now)
    for team_id in sorted({p.team_id for p in phrases}):
        append_event(
            stream=phrase_stream(team_id),
            kind="phrases_exported",
            actor=None,
            case=None,
            public=False,
            data={"phrases": [p.pk for p in phrases if p.team_id == team_id]},
        )
    return n
