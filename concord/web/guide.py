"""The guided front door: a few plain questions that point to the fitting channel and level.

A small decision table, not a model. Each topic names the usual first step, the channel that
follows if that fails, the level where it starts and the filing limit that applies; channel
names, limits and citations come from `concord.channels.rules`, so the front door says what the
rules engine enforces later.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from concord.cases.models import Kind
from concord.channels import rules
from concord.places.models import Level


@dataclass(frozen=True)
class Topic:
    code: str
    label: Promise
    kind: str
    category: str  # category code to pre-fill on the form ("" = let triage suggest)
    steps: tuple[str, ...]  # channel codes, first step first
    level: str
    limit: tuple[str, str] | None = None  # (channel code, clock kind) of the limit that applies
    advice: Promise | str = ""
    crisis: bool = False


TOPICS: tuple[Topic, ...] = (
    Topic(
        "neighbour",
        _("A neighbour's noise, leaks or other nuisance"),
        Kind.DISPUTE,
        "DP.02",
        ("negotiation", "peoples_mediation"),
        Level.VILLAGE,
        advice=_(
            "Most neighbour matters end with a talk. If that fails, the people's mediation "
            "committee of your village mediates for free."
        ),
    ),
    Topic(
        "family",
        _("A family or marriage matter"),
        Kind.DISPUTE,
        "DP.01",
        ("peoples_mediation",),
        Level.VILLAGE,
        advice=_("The village mediation committee hears family matters in confidence."),
    ),
    Topic(
        "wages",
        _("Wages unpaid or a dispute with an employer"),
        Kind.DISPUTE,
        "DP.09",
        ("peoples_mediation", "labour_arbitration"),
        Level.TOWN,
        limit=("labour_arbitration", "filing_limit"),
        advice=_(
            "Labour mediation first; if there is no agreement within 15 days you may apply "
            "for labour arbitration. Mind the one-year limit for applying."
        ),
    ),
    Topic(
        "land",
        _("Farmland contract or land-use rights"),
        Kind.DISPUTE,
        "DP.07",
        ("peoples_mediation", "land_arbitration"),
        Level.VILLAGE,
        limit=("land_arbitration", "filing_limit"),
        advice=_("Mediation in the village first, then rural land-contract arbitration."),
    ),
    Topic(
        "decision",
        _("A government decision I think is wrong"),
        Kind.GRIEVANCE,
        "",
        ("administrative_reconsideration",),
        Level.COUNTY,
        limit=("administrative_reconsideration", "filing_limit"),
        advice=_(
            "Apply for administrative reconsideration in time: mediation does not stop this limit."
        ),
    ),
    Topic(
        "public_service",
        _("Something broken in public: road, street light, water, rubbish"),
        Kind.SERVICE_REQUEST,
        "CM01",
        ("service_dispatch",),
        Level.GRID,
        advice=_("Your grid worker or the town dispatches it to whoever fixes it."),
    ),
    Topic(
        "hazard",
        _("A safety hazard (gas, fire, a building that may fall)"),
        Kind.HAZARD_REPORT,
        "",
        ("service_dispatch",),
        Level.GRID,
        advice=_("In immediate danger call 110 or 119 first, then report it here."),
    ),
    Topic(
        "officials",
        _("A complaint or suggestion about officials or public policy"),
        Kind.GRIEVANCE,
        "CM02",
        ("petition",),
        Level.COUNTY,
        advice=_("The letters and visits office must answer in writing."),
    ),
    Topic(
        "distress",
        _("I feel desperate or someone is in danger"),
        Kind.HELP_REQUEST,
        "",
        ("counselling_referral",),
        Level.COUNTY,
        advice=_("Please call now. You can also write to us and a counsellor will call back."),
        crisis=True,
    ),
)
BY_CODE = {t.code: t for t in TOPICS}

UNIT_LABELS = {
    "calendar_days": (_("%(n)d days"), _("%(n)d day")),
    "working_days": (_("%(n)d working days"), _("%(n)d working day")),
    "months": (_("%(n)d months"), _("%(n)d month")),
    "years": (_("%(n)d years"), _("%(n)d year")),
    "hours": (_("%(n)d hours"), _("%(n)d hour")),
}


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    applies: str


@dataclass(frozen=True)
class Limit:
    label: str
    length: str
    citation: str
    note: str


@dataclass(frozen=True)
class Suggestion:
    topic: Topic
    steps: list[Step]
    level_label: str
    limit: Limit | None
    notes: list[str]


def _zh() -> bool:
    return not (get_language() or "zh-hans").lower().startswith("en")


def _pick(zh: str, en: str) -> str:
    return zh if _zh() else en


def describe_limit(channel_code: str, kind: str) -> Limit:
    """Return the label, length and legal basis of one clock of a channel."""
    rule = rules.get_channel(channel_code).clock(kind)
    plural, singular = UNIT_LABELS[str(rule.unit)]
    length = (singular if rule.amount == 1 else plural) % {"n": rule.amount}
    return Limit(
        label=_pick(rule.label_zh, rule.label_en),
        length=str(length),
        citation=_pick(rule.citation.text_zh, rule.citation.text_en),
        note=_pick(rule.note_zh, rule.note_en),
    )


def suggest(topic_code: str, *, tried_talking: bool | None, in_court: bool | None) -> Suggestion:
    """Return the route for a topic and the answers to the follow-up questions.

    Raise KeyError for an unknown topic.
    """
    topic = BY_CODE[topic_code]
    codes = list(topic.steps)
    notes: list[str] = []
    if tried_talking and codes[0] == "negotiation":
        # Talking has already failed: start with mediation.
        codes = codes[1:]
    if in_court and topic.kind == Kind.DISPUTE:
        # 人民调解法 art 18: a matter a court or arbitration body has accepted is not mediated.
        channel = rules.get_channel("peoples_mediation")
        question = next(q for q in channel.questions if q.code == "already_accepted")
        notes.append(str(_("A court or arbitration body has the matter: follow it there.")))
        notes.append(_pick(question.text_zh, question.text_en))
        codes = [c for c in codes if c not in ("negotiation", "peoples_mediation")] or [
            "litigation"
        ]
    steps = []
    for code in codes:
        channel = rules.get_channel(code)
        steps.append(
            Step(
                code=code,
                name=_pick(channel.name_zh, channel.name_en),
                applies=_pick(channel.applies_zh, channel.applies_en),
            )
        )
    limit = describe_limit(*topic.limit) if topic.limit else None
    return Suggestion(
        topic=topic,
        steps=steps,
        level_label=str(Level(topic.level).label),
        limit=limit,
        notes=notes,
    )
