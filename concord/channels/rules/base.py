"""The vocabulary of the channel rules: grades, clock kinds, start events, and the rule records.

Pure module: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from concord.core.calendar import Unit


class Grade(StrEnum):
    """How well a rule is sourced (PROCESS_RULES.md)."""

    A = "A"
    B = "B"
    C = "C"


class ClockKind(StrEnum):
    """What a clock measures. Each kind appears at most once per channel."""

    FILING_LIMIT = "filing_limit"
    FILING_LIMIT_UNINFORMED = "filing_limit_uninformed"
    ABSOLUTE_LIMIT = "absolute_limit"
    ADMIN_FILING_LIMIT = "admin_filing_limit"
    TRANSFER = "transfer"
    ACCEPTANCE = "acceptance"
    ADMIN_ACCEPTANCE = "admin_acceptance"
    OBJECTION = "objection"
    COMPLETION_REQUEST = "completion_request"
    MEDIATION_PERIOD = "mediation_period"
    LABOUR_MEDIATION = "labour_mediation"
    DECISION = "decision"
    SIMPLE_DECISION = "simple_decision"
    REVIEW_REQUEST = "review_request"
    REVIEW_DECISION = "review_decision"
    RECHECK_REQUEST = "recheck_request"
    RECHECK_DECISION = "recheck_decision"
    NEXT_STEP = "next_step"
    SET_ASIDE = "set_aside"
    EMERGENCY_RESPONSE = "emergency_response"
    UTILITY_RESPONSE = "utility_response"
    GENERAL_HANDLING = "general_handling"
    COMPLEX_HANDLING = "complex_handling"
    WORKING_DAY_HANDLING = "working_day_handling"
    WEB_INTAKE = "web_intake"
    HIGH_RISK_FOLLOW_UP = "high_risk_follow_up"


class StartEvent(StrEnum):
    """The event whose day starts a clock (that day itself is not counted)."""

    KNOWLEDGE = "knowledge"
    ACT_DATE = "act_date"
    RECEIPT = "receipt"
    ACCEPTANCE = "acceptance"
    AGREEMENT_EFFECTIVE = "agreement_effective"
    AWARD_RECEIVED = "award_received"
    DECISION_RECEIVED = "decision_received"
    REPLY_RECEIVED = "reply_received"
    REVIEW_REQUEST_RECEIVED = "review_request_received"
    REVIEW_OPINION_RECEIVED = "review_opinion_received"
    RECHECK_REQUEST_RECEIVED = "recheck_request_received"
    DISPATCH = "dispatch"
    REFERRAL = "referral"


START_LABELS: dict[StartEvent, tuple[str, str]] = {
    StartEvent.KNOWLEDGE: (
        "知道或者应当知道权利受侵害之日",
        "the day the person knew or should have known",
    ),
    StartEvent.ACT_DATE: ("行为作出或权利受侵害之日", "the day of the act or the infringement"),
    StartEvent.RECEIPT: ("收到申请或事项之日", "the day the application or matter was received"),
    StartEvent.ACCEPTANCE: ("受理之日", "the day of acceptance"),
    StartEvent.AGREEMENT_EFFECTIVE: (
        "调解协议生效之日",
        "the day the mediation agreement took effect",
    ),
    StartEvent.AWARD_RECEIVED: ("收到仲裁裁决书之日", "the day the arbitral award was received"),
    StartEvent.DECISION_RECEIVED: ("收到决定书之日", "the day the decision was received"),
    StartEvent.REPLY_RECEIVED: ("收到书面答复之日", "the day the written reply was received"),
    StartEvent.REVIEW_REQUEST_RECEIVED: (
        "收到复查请求之日",
        "the day the review request was received",
    ),
    StartEvent.REVIEW_OPINION_RECEIVED: (
        "收到复查意见之日",
        "the day the review opinion was received",
    ),
    StartEvent.RECHECK_REQUEST_RECEIVED: (
        "收到复核请求之日",
        "the day the re-examination request was received",
    ),
    StartEvent.DISPATCH: ("派单之时", "the moment of dispatch"),
    StartEvent.REFERRAL: ("转介之时", "the moment of referral"),
}


class Nature(StrEnum):
    """Who set a clock: the law (statutory) or the platform or the county (policy)."""

    STATUTORY = "statutory"
    POLICY = "policy"


class Holder(StrEnum):
    """Whose clock it is: the case's (it follows the case) or the current owner's."""

    CASE = "case"
    OWNER = "owner"


# The clocks on the owning unit's own work. A breach of one of these escalates the case; every
# other clock (a filing limit, a review window, a party's mediation option) only informs.
OWNER_WORK_KINDS = frozenset(
    {
        ClockKind.ACCEPTANCE,
        ClockKind.DECISION,
        ClockKind.SIMPLE_DECISION,
        # The body above owes its review (复查) and re-review (复核) opinions within 30 days
        # (信访工作条例 arts 35-36): its own work, which governs while it runs.
        ClockKind.REVIEW_DECISION,
        ClockKind.RECHECK_DECISION,
        ClockKind.MEDIATION_PERIOD,
        ClockKind.GENERAL_HANDLING,
        ClockKind.COMPLEX_HANDLING,
        ClockKind.WORKING_DAY_HANDLING,
    }
)


class Restart(StrEnum):
    """When an interrupted limitation period starts again."""

    NONE = "none"
    # 劳动争议调解仲裁法 art 27 ¶2: counted again from the interruption.
    INTERRUPTION = "interruption"
    # 民法典 art 195: counted again when the procedure that interrupted it ends.
    PROCEDURE_END = "procedure_end"


class RulesError(ValueError):
    """A rules lookup or computation was asked something the rules do not allow."""

    def __init__(self, message_en: str, message_zh: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh


class UnknownChannel(RulesError):
    """No channel or clock has that code."""


class ExtensionError(RulesError):
    """An extension exceeds the statutory maximum or the clock cannot be extended."""


@dataclass(frozen=True)
class Citation:
    """A legal basis: law, article and grade of the source."""

    law_zh: str
    law_en: str
    article: str
    grade: Grade
    jurisdiction: str = "national"

    @property
    def text_zh(self) -> str:
        return f"{self.law_zh}第{self.article}条" if self.article else self.law_zh

    @property
    def text_en(self) -> str:
        return f"{self.law_en} art {self.article}" if self.article else self.law_en


@dataclass(frozen=True)
class Question:
    """An eligibility question; the other answer leads to ``redirect_to`` or the note."""

    code: str
    text_zh: str
    text_en: str
    eligible_answer: bool
    redirect_to: str | None = None
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Document:
    """A document a channel needs."""

    code: str
    name_zh: str
    name_en: str
    required: bool = True


@dataclass(frozen=True)
class ClockRule:
    """A statutory or configured clock of a channel."""

    kind: ClockKind
    amount: int
    unit: Unit
    starts_from: StartEvent
    label_zh: str
    label_en: str
    citation: Citation
    configurable: bool = False
    unit_configurable: bool = False
    interrupted_by_mediation: bool = False
    restart: Restart = Restart.NONE
    # 0 = not extendable; None = extendable without a statutory cap (e.g. by the parties'
    # consent); a number = the statutory maximum, in the clock's unit.
    extension_max: int | None = 0
    extension_note_zh: str = ""
    extension_note_en: str = ""
    note_zh: str = ""
    note_en: str = ""
    # The clock-kind table (issue: "say what each clock is"). Left as None, they follow from the
    # source: a fixed number in national law is statutory and belongs to the case; anything a
    # deployment may configure (local rules, practice, platform choices) is policy and belongs
    # to the current owner. ``escalates`` defaults to whether the clock is on the owner's work.
    nature: Nature | None = None
    holder: Holder | None = None
    escalates: bool | None = None

    def __post_init__(self) -> None:
        # Grade C values and local rules must never be enforced as if they were national law.
        national_law = self.grade is not Grade.C and self.citation.jurisdiction == "national"
        if not national_law and not self.configurable:
            raise ValueError(f"{self.kind}: grade C or local rules must be configurable")
        if self.interrupted_by_mediation == (self.restart is Restart.NONE):
            raise ValueError(f"{self.kind}: an interrupted clock needs a restart rule")
        nature = self.nature or (
            Nature.STATUTORY if national_law and not self.configurable else Nature.POLICY
        )
        if nature is Nature.STATUTORY and (not national_law or self.configurable):
            raise ValueError(f"{self.kind}: only a fixed number in national law is statutory")
        holder = self.holder or (Holder.CASE if nature is Nature.STATUTORY else Holder.OWNER)
        escalates = self.kind in OWNER_WORK_KINDS if self.escalates is None else self.escalates
        object.__setattr__(self, "nature", nature)
        object.__setattr__(self, "holder", holder)
        object.__setattr__(self, "escalates", escalates)

    @property
    def grade(self) -> Grade:
        return self.citation.grade

    @property
    def extendable(self) -> bool:
        return self.extension_max is None or self.extension_max > 0


@dataclass(frozen=True)
class RouteRule:
    """A next lawful route and the clock that limits it (if any)."""

    target: str
    clock_channel: str | None = None
    clock_kind: ClockKind | None = None


@dataclass(frozen=True)
class Channel:
    """A lawful channel for resolving a matter."""

    code: str
    name_zh: str
    name_en: str
    applies_zh: str
    applies_en: str
    questions: tuple[Question, ...] = ()
    documents: tuple[Document, ...] = ()
    clocks: tuple[ClockRule, ...] = ()
    next_routes: tuple[RouteRule, ...] = ()
    is_mediation: bool = False

    def __post_init__(self) -> None:
        kinds = [clock.kind for clock in self.clocks]
        if len(kinds) != len(set(kinds)):
            raise ValueError(f"{self.code}: clock kinds must be unique")

    def clock(self, kind: ClockKind | str) -> ClockRule:
        """Return the clock of this kind, or raise UnknownChannel."""
        for clock in self.clocks:
            if clock.kind == kind:
                return clock
        raise UnknownChannel(
            f"Channel {self.code!r} has no {kind!s} clock.",
            f"渠道“{self.name_zh}”没有“{kind!s}”时限。",
        )


@dataclass(frozen=True)
class ClockResult:
    """A computed clock: when it started, when it is due and on what legal basis."""

    channel_code: str
    rule: ClockRule
    start: date | datetime
    counted_from: date | datetime
    due: date
    due_at: datetime
    amount: int
    unit: Unit
    extension_days: int
    provisional: bool
    restarted: bool = False

    @property
    def kind(self) -> ClockKind:
        return self.rule.kind

    @property
    def citation(self) -> Citation:
        return self.rule.citation

    @property
    def grade(self) -> Grade:
        return self.rule.citation.grade


@dataclass(frozen=True)
class LimitationWarning:
    """A filing limit that mediation does not stop would run out before mediation ends."""

    filing: ClockResult
    mediation_end: date
    expired: bool
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class RouteOption:
    """One lawful next route with its deadline, if one applies."""

    channel_code: str
    name_zh: str
    name_en: str
    deadline: ClockResult | None
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class RouteNotice:
    """What to tell the parties when a channel ends without resolving the matter."""

    channel_code: str
    options: tuple[RouteOption, ...]
    text_zh: str
    text_en: str
    citation: Citation | None = field(default=None)


@dataclass(frozen=True)
class ClockKindRow:
    """One row of the clock-kind table: what a channel's clock is and what its breach does."""

    channel_code: str
    kind: ClockKind
    nature: Nature
    holder: Holder
    escalates: bool
    citation: Citation
