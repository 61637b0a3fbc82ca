"""Opening a referral: from a submitted case, a counsellor's intake, or crisis words in a text."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.cases.models import Case
from concord.cases.selectors import cases_visible_to
from concord.core import conf
from concord.core.errors import NotFound
from concord.core.ledger import append_event, stream_for_case
from concord.triage.algorithms import crisis as crisis_detector

from .. import protocol
from ..models import Referral, Risk, Source
from .common import (
    CASE_EVENT_KIND,
    MAX_TEXT,
    NoCounsellingTeam,
    _alert_first_responders,
    _apply_risk,
    _choice,
    _record,
    _refresh_next_due,
    _text,
    logger,
    team_for_place,
)

# --- opening a referral --------------------------------------------------------------------


@dataclass
class Opened:
    referral: Referral
    created: bool
    # What the person who sees it must do now (imminent: call 110/120, stay with the person).
    instructions: list[str] = field(default_factory=list)


def instructions_for(risk: str) -> list[str]:
    """Return what the staff member who raised the crisis must do now, by risk level."""
    if risk == Risk.IMMINENT:
        return [
            _("Call 110 (police) or 120 (ambulance) now."),
            _("Stay with the person, or keep them on the line, until help arrives."),
            _("Tell the family (Mental Health Law art. 28)."),
            _("The on-duty counsellor has been alerted."),
        ]
    return [
        _("The counselling team has been alerted and will contact the person."),
        _("If the danger becomes immediate, call 110 or 120 and stay with the person."),
        _("National psychological aid hotline: 12356."),
    ]


def _open(*, case_id: int, source: str, actor, risk: str, trigger_note: str) -> Opened:
    """Open a referral for a case, or raise the risk of the one already open."""
    case = Case.objects.select_for_update().select_related("place").get(pk=case_id)
    existing = Referral.objects.select_for_update().filter(case=case, state="open").first()
    if existing is not None:
        raised = protocol.higher_risk(existing.risk, risk) != existing.risk
        if raised:
            _apply_risk(existing, risk, start=timezone.now())
            _refresh_next_due(existing)
        if trigger_note:
            existing.trigger_note = (existing.trigger_note + "\n" + trigger_note).strip()[:MAX_TEXT]
            existing.save(update_fields=["trigger_note"])
        _record(existing, "crisis_raised_again", actor, source=source, risk=existing.risk)
        _alert_first_responders(existing, reason=f"again-{timezone.now().timestamp():.0f}")
        return Opened(existing, False, instructions_for(existing.risk))
    team = team_for_place(case.place)
    if team is None:
        raise NoCounsellingTeam(_("No counselling team serves this place."))
    referral = Referral.objects.create(
        case=case,
        team=team,
        place=case.place,
        place_path=case.place_path,
        source=source,
        risk=risk,
        trigger_note=trigger_note[:MAX_TEXT],
        opened_by=actor,
        opened_at=timezone.now(),
    )
    _apply_risk(referral, risk, start=referral.opened_at)
    _refresh_next_due(referral)
    _record(referral, "opened", actor, source=source, risk=risk, team=team.code)
    # The case's own record gets the bare fact and nothing else.
    append_event(
        stream=stream_for_case(case.pk),
        kind=CASE_EVENT_KIND,
        actor=actor,
        case=case,
        public=False,
        data={},
    )
    _alert_first_responders(referral, reason="opened")
    return Opened(referral, True, instructions_for(risk))


@dataclass(frozen=True)
class CrisisSignal:
    """What the crisis detector found in a text: the note the counsellor reads and the risk."""

    note: str
    risk: str
    level: str


def level_label(level: str) -> str:
    """Return the crisis detector's level in the reader's language."""
    return {
        "imminent": _("imminent danger"),
        "plan": _("plan or method"),
        "ideation": _("ideation"),
    }[level]


def crisis_signal(text: str) -> CrisisSignal | None:
    """Return the crisis signal in text (both layers), or None when neither layer sees one.

    The note names the words the rules matched and the model's calibrated probability, so the
    counsellor sees why the referral was opened.
    """
    found = crisis_detector.assess(text)
    if not found.is_crisis:
        return None
    parts = []
    if found.hits:
        parts.append(_("words: %(words)s") % {"words": " … ".join(found.words)})
    if found.probability is not None:
        parts.append(_("model probability %(p).2f") % {"p": found.probability})
    parts.append(_("level: %(level)s") % {"level": level_label(found.level)})
    risk = conf.wellbeing().signal_risks.get(found.level, conf.wellbeing().signal_risk)
    return CrisisSignal("; ".join(parts), risk, found.level)


def on_case_submitted(case: Case) -> None:
    """Intake hook: when a submission carries a crisis signal, open a referral once it commits.

    The text is scanned in memory; only a submission with a signal touches the database.
    """
    try:
        signal = crisis_signal(f"{case.title}\n{case.description}")
    except Exception:  # a broken scan must be loud but must not refuse the submission
        logger.exception("wellbeing: could not scan case %s for crisis signals", case.pk)
        return
    if signal is not None:
        transaction.on_commit(lambda: open_intake_referral(case.pk, signal.note, risk=signal.risk))


def open_intake_referral(case_id: int, note: str, *, risk: str | None = None) -> Referral | None:
    """Open the referral for a submission whose text carried a crisis signal."""
    try:
        with transaction.atomic():
            opened = _open(
                case_id=case_id,
                source=Source.INTAKE_SIGNAL,
                actor=None,
                risk=risk or conf.wellbeing().signal_risk,
                trigger_note=_("Crisis signal in the submission: %(note)s") % {"note": note},
            )
        return opened.referral
    except Exception:
        # The hook runs after the case is stored; a failure here must be loud but must not undo
        # the resident's submission.
        logger.exception("wellbeing: could not open a referral for case %s", case_id)
        return None


def check_text_for_crisis(*, case: Case, text: str, actor) -> Referral | None:
    """Open (or re-alert) a referral when a note or message on a case carries a crisis signal.

    Other apps call this with the text they are about to store; it returns the referral, or None
    when the text has no crisis signal.
    """
    signal = crisis_signal(text or "")
    if signal is None:
        return None
    with transaction.atomic():
        opened = _open(
            case_id=case.pk,
            source=Source.TEXT_SIGNAL,
            actor=actor,
            risk=signal.risk,
            trigger_note=_("Crisis signal in a note or message: %(note)s") % {"note": signal.note},
        )
    return opened.referral


def case_mark_crisis(*, actor, case: Case, risk: str = Risk.HIGH, reason: str = "") -> Opened:
    """Let any staff member who can see a case press "crisis": open a referral at once."""
    _choice(risk, Risk, "risk")
    reason = _text(reason, "reason")
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound()
    with transaction.atomic():
        return _open(
            case_id=case.pk,
            source=Source.STAFF,
            actor=actor,
            risk=risk,
            trigger_note=reason,
        )


def on_case_text(case_id: int, text: str, actor_id: int | None) -> None:
    """Text hook: check a note or resident message for crisis signals after it is stored."""

    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    check_text_for_crisis(case=case, text=text, actor=actor)
