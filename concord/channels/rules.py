"""The lawful dispute-resolution channels as data, with their statutory clocks.

Pure module: no Django import. Every user-facing string is stored twice, as ``*_zh`` and
``*_en``, so the Django layer can show the right one (and feed them to translation catalogues)
without this module importing gettext.

Sources and grades come from PROCESS_RULES.md: A = statute or regulation read in full,
B = official document seen in a secondary copy, C = practice or a local draft. Grade C values,
local regulations and platform policies are configurable defaults: ``compute_clock`` accepts an
``amount`` override only for clocks marked ``configurable``.

Day counting follows ``concord.core.calendar``: the start day is not counted and a deadline
that ends on a non-working day rolls to the next working day (民事诉讼法 art 85). In the
行政复议法 only "3/5/7/10 日" mean working days (art 88); its 60-day periods are calendar days.
信访工作条例 does not define "日"; it is read as calendar days with roll-over, and a deployment
may switch those clocks to working days (``unit_configurable``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from concord.core.calendar import Calendar, Pause, Unit


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

    def __post_init__(self) -> None:
        # Grade C values and local rules must never be enforced as if they were national law.
        if (self.grade is Grade.C or self.citation.jurisdiction != "national") and not (
            self.configurable
        ):
            raise ValueError(f"{self.kind}: grade C or local rules must be configurable")
        if self.interrupted_by_mediation == (self.restart is Restart.NONE):
            raise ValueError(f"{self.kind}: an interrupted clock needs a restart rule")

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


# Legal sources -------------------------------------------------------------------------------

XF = ("信访工作条例(2022)", "Regulations on Letters and Visits Work (2022)")
RMTJ = ("人民调解法", "People's Mediation Law")
MSSS = ("民事诉讼法(2023)", "Civil Procedure Law (2023)")
SPC_CONFIRM = (
    "最高人民法院关于人民调解协议司法确认程序的若干规定(2011)",
    "SPC Provisions on Judicial Confirmation of People's Mediation Agreements (2011)",
)
LDZY = ("劳动争议调解仲裁法", "Labour Dispute Mediation and Arbitration Law")
TDCB = (
    "农村土地承包经营纠纷调解仲裁法",
    "Law on Mediation and Arbitration of Rural Land Contract Disputes",
)
XZFY = ("行政复议法(2023)", "Administrative Reconsideration Law (2023)")
XZSS = ("行政诉讼法", "Administrative Litigation Law")
MFD = ("民法典", "Civil Code")
SZ = ("深圳多元化解条例(2022)", "Shenzhen Diversified Dispute Resolution Regulations (2022)")
JN = ("济南市12345热线条例", "Jinan 12345 Hotline Regulations")
BJ = (
    "北京《12345热线服务与管理规范》(征求意见稿, 2021)",
    "Beijing 12345 Hotline Service Specification (consultation draft, 2021)",
)
POLICY = ("平台危机干预政策(W7)", "Platform crisis-intervention policy (W7)")


def _cite(law: tuple[str, str], article: str, grade: Grade, jurisdiction: str = "national"):
    return Citation(law[0], law[1], article, grade, jurisdiction)


CD, WD, MO, YR, HR = Unit.CALENDAR_DAYS, Unit.WORKING_DAYS, Unit.MONTHS, Unit.YEARS, Unit.HOURS
K, S = ClockKind, StartEvent

_XF_DAY_NOTE = (
    "条例未规定“日”为工作日，按自然日计算并顺延至节假日后第一个工作日；可配置。",
    "The regulation does not define 'days'; read as calendar days with holiday roll-over; "
    "configurable.",
)

_STATUTORY_ROUTES_NOTE = (
    "属于诉讼、仲裁、行政复议等法定途径的事项，应告知并导入相应程序（信访工作条例第31条）。",
    "Matters for litigation, arbitration or administrative reconsideration are redirected into "
    "that procedure (Letters and Visits Regulations art 31).",
)


CHANNELS: tuple[Channel, ...] = (
    Channel(
        code="negotiation",
        name_zh="协商和解",
        name_en="Negotiation and self-help",
        applies_zh="双方愿意自行协商解决的纠纷",
        applies_en="disputes both sides are willing to settle between themselves",
        questions=(
            Question(
                "both_willing",
                "双方是否都愿意自行协商？",
                "Are both sides willing to talk it through themselves?",
                True,
                redirect_to="peoples_mediation",
            ),
        ),
        documents=(
            Document(
                "settlement", "和解协议（如达成）", "Settlement agreement (if reached)", False
            ),
        ),
        next_routes=(
            RouteRule("peoples_mediation"),
            RouteRule("administrative_mediation"),
            RouteRule("labour_arbitration", "labour_arbitration", K.FILING_LIMIT),
            RouteRule("land_arbitration", "land_arbitration", K.FILING_LIMIT),
            RouteRule("litigation", "litigation", K.FILING_LIMIT),
        ),
    ),
    Channel(
        code="peoples_mediation",
        name_zh="人民调解",
        name_en="People's mediation",
        applies_zh="公民之间、公民与组织之间的民间纠纷，免费、自愿",
        applies_en="civil disputes between people or with organisations; free and voluntary",
        is_mediation=True,
        questions=(
            Question(
                "refused",
                "是否有一方当事人明确拒绝调解？",
                "Has either party explicitly refused mediation?",
                False,
                redirect_to="litigation",
                note_zh="当事人明确拒绝的，不得调解（人民调解法第17条）。",
                note_en="Mediation may not proceed over a party's explicit refusal "
                "(People's Mediation Law art 17).",
            ),
            Question(
                "civil_dispute",
                "是否为民间纠纷（婚姻家庭、邻里、损害赔偿、合同等）？",
                "Is it a civil dispute (family, neighbours, damages, contract ...)?",
                True,
                redirect_to="petition",
            ),
            Question(
                "already_accepted",
                "法院或仲裁机构是否已受理该纠纷？",
                "Has a court or arbitration body already accepted this dispute?",
                False,
                redirect_to="litigation",
            ),
            Question(
                "police_matter",
                "是否可能构成治安案件或刑事案件？",
                "Could it be a public-order or criminal case?",
                False,
                note_zh="应当及时向公安机关报告（人民调解法第25条）。",
                note_en="Report to the police at once (People's Mediation Law art 25).",
            ),
        ),
        documents=(
            Document(
                "application", "调解申请（书面或口头记录）", "Application (written or recorded)"
            ),
            Document("identity", "当事人身份证明", "Parties' identity documents"),
            Document("evidence", "与纠纷有关的证据材料", "Evidence about the dispute", False),
        ),
        clocks=(
            ClockRule(
                K.MEDIATION_PERIOD,
                30,
                CD,
                S.ACCEPTANCE,
                "调解期限（默认）",
                "Mediation period (default)",
                _cite(SZ, "25", Grade.A, "深圳"),
                configurable=True,
                extension_max=None,
                extension_note_zh="经双方当事人同意可以延长（宁波市人民调解条例第27条为一个月）。",
                extension_note_en="Extendable with both parties' consent (Ningbo's regulation "
                "art 27 uses one month).",
                note_zh="全国法律未规定调解期限；默认30日，可按地区配置。",
                note_en="National law sets no mediation period; 30 days by default, "
                "configurable per region.",
            ),
            ClockRule(
                K.LABOUR_MEDIATION,
                15,
                CD,
                S.RECEIPT,
                "劳动争议调解期限",
                "Labour-dispute mediation period",
                _cite(LDZY, "14", Grade.A),
                note_zh="期满未达成协议的，当事人可以申请仲裁。",
                note_en="No agreement by then: the parties may apply for arbitration.",
            ),
        ),
        next_routes=(
            RouteRule("administrative_mediation"),
            RouteRule("administrative_ruling"),
            RouteRule("labour_arbitration", "labour_arbitration", K.FILING_LIMIT),
            RouteRule("land_arbitration", "land_arbitration", K.FILING_LIMIT),
            RouteRule("litigation", "litigation", K.FILING_LIMIT),
        ),
    ),
    Channel(
        code="administrative_mediation",
        name_zh="行政调解",
        name_en="Administrative mediation",
        applies_zh="与行政机关职责相关的民事纠纷（如治安、交通事故、消费、医疗等）",
        applies_en="civil disputes linked to an agency's duties (public order, traffic, "
        "consumer, medical ...)",
        is_mediation=True,
        questions=(
            Question(
                "agency_related",
                "纠纷是否与某一行政机关的管理职责相关？",
                "Is the dispute linked to a government agency's duties?",
                True,
                redirect_to="peoples_mediation",
            ),
            Question(
                "refused",
                "是否有一方当事人拒绝调解？",
                "Has either party refused mediation?",
                False,
                redirect_to="litigation",
            ),
        ),
        documents=(
            Document("application", "调解申请", "Application for mediation"),
            Document("identity", "当事人身份证明", "Parties' identity documents"),
        ),
        clocks=(
            ClockRule(
                K.ACCEPTANCE,
                5,
                WD,
                S.RECEIPT,
                "决定是否受理",
                "Decide whether to accept",
                _cite(SZ, "45", Grade.A, "深圳"),
                configurable=True,
                extension_max=5,
                extension_note_zh="案情复杂的，可延长至10个工作日。",
                extension_note_en="Complex cases: up to 10 working days in total.",
            ),
            ClockRule(
                K.TRANSFER,
                3,
                WD,
                S.RECEIPT,
                "非本机关职责的移送",
                "Transfer a wrongly addressed case",
                _cite(SZ, "46", Grade.A, "深圳"),
                configurable=True,
            ),
            ClockRule(
                K.MEDIATION_PERIOD,
                30,
                CD,
                S.ACCEPTANCE,
                "调解期限（默认）",
                "Mediation period (default)",
                _cite(SZ, "25", Grade.A, "深圳"),
                configurable=True,
                extension_max=None,
                extension_note_zh="经双方当事人同意可以延长。",
                extension_note_en="Extendable with both parties' consent.",
            ),
        ),
        next_routes=(
            RouteRule("administrative_ruling"),
            RouteRule("labour_arbitration", "labour_arbitration", K.FILING_LIMIT),
            RouteRule("land_arbitration", "land_arbitration", K.FILING_LIMIT),
            RouteRule(
                "administrative_reconsideration", "administrative_reconsideration", K.FILING_LIMIT
            ),
            RouteRule("litigation", "litigation", K.FILING_LIMIT),
        ),
    ),
    Channel(
        code="judicial_confirmation",
        name_zh="司法确认",
        name_en="Judicial confirmation of a mediation agreement",
        applies_zh="经人民调解委员会调解达成的调解协议，双方共同申请法院确认其效力",
        applies_en="a people's mediation agreement both parties jointly ask a court to confirm",
        questions=(
            Question(
                "agreement",
                "是否已达成经调解委员会盖章的书面调解协议？",
                "Is there a written agreement sealed by the mediation committee?",
                True,
                redirect_to="peoples_mediation",
            ),
            Question(
                "joint",
                "双方当事人是否同意共同申请？",
                "Do both parties agree to apply jointly?",
                True,
                redirect_to="litigation",
                note_zh="司法确认须双方共同申请（人民调解法第33条）。",
                note_en="Confirmation needs a joint application (People's Mediation Law art 33).",
            ),
        ),
        documents=(
            Document(
                "application", "司法确认申请书（双方签名）", "Joint application signed by both"
            ),
            Document("agreement", "调解协议书", "Mediation agreement"),
            Document("identity", "双方身份证明", "Both parties' identity documents"),
            Document(
                "evidence", "与协议有关的财产权利证明等", "Proof of related property rights", False
            ),
        ),
        clocks=(
            ClockRule(
                K.FILING_LIMIT,
                30,
                CD,
                S.AGREEMENT_EFFECTIVE,
                "共同申请司法确认期限",
                "Joint application for confirmation",
                _cite(MSSS, "205", Grade.A),
                note_zh="另见人民调解法第33条。",
                note_en="See also People's Mediation Law art 33.",
            ),
            ClockRule(
                K.ACCEPTANCE,
                3,
                CD,
                S.RECEIPT,
                "法院决定是否受理",
                "Court decides whether to accept",
                _cite(SPC_CONFIRM, "4", Grade.A),
            ),
            ClockRule(
                K.DECISION,
                15,
                CD,
                S.ACCEPTANCE,
                "法院作出是否确认的决定",
                "Court decides whether to confirm",
                _cite(SPC_CONFIRM, "5", Grade.A),
                extension_max=10,
                extension_note_zh="经院长批准可延长10日。",
                extension_note_en="+10 days with the court president's approval.",
            ),
        ),
        next_routes=(
            RouteRule("peoples_mediation"),
            RouteRule("litigation", "litigation", K.FILING_LIMIT),
        ),
    ),
    Channel(
        code="labour_arbitration",
        name_zh="劳动争议仲裁",
        name_en="Labour dispute arbitration",
        applies_zh="劳动者与用人单位之间的劳动争议（劳动关系、工资、工伤、解除合同等）",
        applies_en="disputes between workers and employers (employment, wages, work injury, "
        "dismissal ...)",
        questions=(
            Question(
                "employment",
                "是否为劳动者与用人单位之间的劳动争议？",
                "Is it a dispute between a worker and an employer?",
                True,
                redirect_to="peoples_mediation",
            ),
        ),
        documents=(
            Document(
                "application", "仲裁申请书（及副本）", "Arbitration application (with copies)"
            ),
            Document("identity", "申请人身份证明", "Applicant's identity document"),
            Document("employer", "用人单位名称、住所等信息", "Employer's name and address"),
            Document(
                "evidence", "劳动合同、工资记录等证据", "Contract, pay records and other evidence"
            ),
        ),
        clocks=(
            ClockRule(
                K.FILING_LIMIT,
                1,
                YR,
                S.KNOWLEDGE,
                "仲裁时效",
                "Limitation for applying",
                _cite(LDZY, "27", Grade.A),
                interrupted_by_mediation=True,
                restart=Restart.INTERRUPTION,
                note_zh="向有关部门请求权利救济（含调解）使时效中断，从中断时起重新计算；"
                "拖欠劳动报酬争议在劳动关系存续期间不受限制，终止后一年内提出。",
                note_en="A request for relief (including mediation) interrupts it and it restarts "
                "from then; wage arrears: no limit during employment, one year after it ends.",
            ),
            ClockRule(
                K.ACCEPTANCE,
                5,
                CD,
                S.RECEIPT,
                "决定是否受理",
                "Decide whether to accept",
                _cite(LDZY, "29", Grade.A),
            ),
            ClockRule(
                K.DECISION,
                45,
                CD,
                S.ACCEPTANCE,
                "仲裁裁决期限",
                "Award deadline",
                _cite(LDZY, "43", Grade.A),
                extension_max=15,
                extension_note_zh="案情复杂经仲裁委员会主任批准，可延长不超过15日。",
                extension_note_en="Complex cases: up to 15 more days with the chair's approval.",
            ),
            ClockRule(
                K.NEXT_STEP,
                15,
                CD,
                S.AWARD_RECEIVED,
                "不服裁决起诉期限",
                "Sue in court against the award",
                _cite(LDZY, "50", Grade.A),
                note_zh="劳动者对终局裁决不服的，亦为15日（第48条）。",
                note_en="Also 15 days for a worker against a final award (art 48).",
            ),
            ClockRule(
                K.SET_ASIDE,
                30,
                CD,
                S.AWARD_RECEIVED,
                "用人单位申请撤销终局裁决",
                "Employer applies to set aside a final award",
                _cite(LDZY, "49", Grade.A),
            ),
        ),
        next_routes=(RouteRule("litigation", "labour_arbitration", K.NEXT_STEP),),
    ),
    Channel(
        code="land_arbitration",
        name_zh="农村土地承包经营纠纷仲裁",
        name_en="Rural land-contract arbitration",
        applies_zh="农村土地承包合同、流转、收回调整、确权、侵权纠纷（不含征地补偿）",
        applies_en="rural land-contract disputes: contracts, transfers, reallocation, "
        "confirmation, infringement (not expropriation)",
        questions=(
            Question(
                "land_contract",
                "是否为农村土地承包经营纠纷？",
                "Is it a dispute over rural land-contract rights?",
                True,
                redirect_to="peoples_mediation",
            ),
            Question(
                "expropriation",
                "是否因征收集体土地及其补偿发生的纠纷？",
                "Is it about expropriation of collective land or its compensation?",
                False,
                redirect_to="administrative_reconsideration",
                note_zh="不属于仲裁受理范围，可通过行政复议或诉讼解决（第2条）。",
                note_en="Outside arbitration; use reconsideration or litigation (art 2).",
            ),
        ),
        documents=(
            Document("application", "仲裁申请书", "Arbitration application"),
            Document("identity", "申请人身份证明", "Applicant's identity document"),
            Document("contract", "土地承包合同或经营权证", "Land contract or rights certificate"),
            Document("evidence", "证据材料", "Evidence", False),
        ),
        clocks=(
            ClockRule(
                K.FILING_LIMIT,
                2,
                YR,
                S.KNOWLEDGE,
                "仲裁时效",
                "Limitation for applying",
                _cite(TDCB, "18", Grade.A),
                note_zh="法律未明确调解是否中断时效，按不中断从严提示。",
                note_en="The law does not say that mediation interrupts it; treated as not "
                "interrupted, to be safe.",
            ),
            ClockRule(
                K.ACCEPTANCE,
                5,
                WD,
                S.RECEIPT,
                "决定是否受理",
                "Decide whether to accept",
                _cite(TDCB, "23", Grade.A),
            ),
            ClockRule(
                K.DECISION,
                60,
                CD,
                S.ACCEPTANCE,
                "仲裁裁决期限",
                "Award deadline",
                _cite(TDCB, "47", Grade.A),
                extension_max=30,
                extension_note_zh="案情复杂经仲裁委员会主任批准，可延长不超过30日。",
                extension_note_en="Complex cases: up to 30 more days with the chair's approval.",
            ),
            ClockRule(
                K.NEXT_STEP,
                30,
                CD,
                S.AWARD_RECEIVED,
                "不服裁决起诉期限",
                "Sue in court against the award",
                _cite(TDCB, "48", Grade.A),
            ),
        ),
        next_routes=(RouteRule("litigation", "land_arbitration", K.NEXT_STEP),),
    ),
    Channel(
        code="administrative_ruling",
        name_zh="行政裁决",
        name_en="Administrative ruling",
        applies_zh="法律规定由行政机关裁决的民事纠纷（自然资源权属、知识产权、政府采购等）",
        applies_en="civil disputes the law gives an agency to rule on (natural-resource "
        "ownership, IP, procurement ...)",
        questions=(
            Question(
                "ruling_matter",
                "是否属于法律规定由行政机关裁决的民事纠纷？",
                "Does the law give a government agency the power to rule on this dispute?",
                True,
                redirect_to="litigation",
                note_zh="行政裁决一般先行调解，调解不成再裁决（深圳条例第57-59条）。",
                note_en="Agencies mediate first, then rule (Shenzhen regulations arts 57-59).",
            ),
        ),
        documents=(
            Document("application", "裁决申请书", "Application for a ruling"),
            Document("evidence", "权属证明等证据", "Proof of ownership and other evidence"),
        ),
        clocks=(
            ClockRule(
                K.NEXT_STEP,
                6,
                MO,
                S.KNOWLEDGE,
                "不服裁决提起行政诉讼",
                "Administrative suit against the ruling",
                _cite(XZSS, "46", Grade.A),
            ),
        ),
        next_routes=(RouteRule("litigation", "administrative_ruling", K.NEXT_STEP),),
    ),
    Channel(
        code="administrative_reconsideration",
        name_zh="行政复议",
        name_en="Administrative reconsideration",
        applies_zh="对行政机关的行政行为（处罚、强制、许可、确认、不履行职责等）不服",
        applies_en="challenges to an agency's act (penalty, enforcement, licence, "
        "confirmation, failure to act ...)",
        questions=(
            Question(
                "administrative_act",
                "是否针对行政机关作出的行政行为？",
                "Is it about an act of a government agency?",
                True,
                redirect_to="litigation",
            ),
            Question(
                "already_sued",
                "是否已就同一行为提起行政诉讼并被法院受理？",
                "Has a court already accepted a suit about the same act?",
                False,
                redirect_to="litigation",
            ),
        ),
        documents=(
            Document("application", "行政复议申请书", "Application for reconsideration"),
            Document("identity", "申请人身份证明", "Applicant's identity document"),
            Document("act", "行政行为决定书等材料", "The decision or other proof of the act"),
        ),
        clocks=(
            ClockRule(
                K.FILING_LIMIT,
                60,
                CD,
                S.KNOWLEDGE,
                "申请复议期限",
                "Limit for applying",
                _cite(XZFY, "20", Grade.A),
                note_zh="调解不中断此期限。",
                note_en="Mediation does not stop this period.",
            ),
            ClockRule(
                K.FILING_LIMIT_UNINFORMED,
                1,
                YR,
                S.KNOWLEDGE,
                "未告知申请权利时的最长期限",
                "Longest limit when not told of the right to apply",
                _cite(XZFY, "20", Grade.A),
            ),
            ClockRule(
                K.ABSOLUTE_LIMIT,
                5,
                YR,
                S.ACT_DATE,
                "最长保护期限（不动产20年）",
                "Absolute limit (20 years for real property)",
                _cite(XZFY, "21", Grade.A),
            ),
            ClockRule(
                K.ACCEPTANCE,
                5,
                WD,
                S.RECEIPT,
                "审查决定是否受理",
                "Review and decide whether to accept",
                _cite(XZFY, "30", Grade.A),
                note_zh="期满未作决定的，视为受理。",
                note_en="No decision by then counts as accepted.",
            ),
            ClockRule(
                K.COMPLETION_REQUEST,
                5,
                WD,
                S.RECEIPT,
                "通知补正材料",
                "Ask for missing materials",
                _cite(XZFY, "31", Grade.A),
            ),
            ClockRule(
                K.DECISION,
                60,
                CD,
                S.ACCEPTANCE,
                "复议决定期限",
                "Decision deadline",
                _cite(XZFY, "62", Grade.A),
                extension_max=30,
                extension_note_zh="情况复杂经负责人批准，可延长不超过30日。",
                extension_note_en="Complex cases: up to 30 more days with approval.",
            ),
            ClockRule(
                K.SIMPLE_DECISION,
                30,
                CD,
                S.ACCEPTANCE,
                "简易程序决定期限",
                "Decision deadline, simple procedure",
                _cite(XZFY, "62", Grade.A),
            ),
            ClockRule(
                K.NEXT_STEP,
                15,
                CD,
                S.DECISION_RECEIVED,
                "不服复议决定起诉期限",
                "Sue in court against the decision",
                _cite(XZSS, "45", Grade.A),
            ),
        ),
        next_routes=(RouteRule("litigation", "administrative_reconsideration", K.NEXT_STEP),),
    ),
    Channel(
        code="litigation",
        name_zh="诉讼引导",
        name_en="Litigation referral",
        applies_zh="向人民法院提起民事或行政诉讼",
        applies_en="a civil or administrative suit in a people's court",
        questions=(
            Question(
                "claim",
                "是否有明确的被告、具体的诉讼请求和事实、理由？",
                "Is there a clear defendant, a concrete claim, and facts and reasons?",
                True,
                note_zh="起诉条件见民事诉讼法第122条。",
                note_en="Filing conditions: Civil Procedure Law art 122.",
            ),
        ),
        documents=(
            Document("complaint", "起诉状（及副本）", "Statement of claim (with copies)"),
            Document("identity", "原告身份证明", "Plaintiff's identity document"),
            Document("evidence", "证据材料", "Evidence"),
        ),
        clocks=(
            ClockRule(
                K.FILING_LIMIT,
                3,
                YR,
                S.KNOWLEDGE,
                "民事诉讼时效",
                "Civil limitation period",
                _cite(MFD, "188", Grade.A),
                interrupted_by_mediation=True,
                restart=Restart.PROCEDURE_END,
                note_zh="向人民调解委员会等提出请求的，时效中断，程序终结时重新计算"
                "（民法典第195条；最高法诉讼时效规定第12条）。",
                note_en="A request to a mediation committee interrupts it; it restarts when that "
                "procedure ends (Civil Code art 195; SPC limitation provisions art 12).",
            ),
            ClockRule(
                K.ABSOLUTE_LIMIT,
                20,
                YR,
                S.ACT_DATE,
                "最长诉讼时效",
                "Absolute limitation",
                _cite(MFD, "188", Grade.A),
            ),
            ClockRule(
                K.ACCEPTANCE,
                7,
                CD,
                S.RECEIPT,
                "法院决定立案",
                "Court decides to register the case",
                _cite(MSSS, "126", Grade.A),
            ),
            ClockRule(
                K.ADMIN_FILING_LIMIT,
                6,
                MO,
                S.KNOWLEDGE,
                "直接提起行政诉讼期限",
                "Limit for a direct administrative suit",
                _cite(XZSS, "46", Grade.A),
            ),
            ClockRule(
                K.ADMIN_ACCEPTANCE,
                7,
                CD,
                S.RECEIPT,
                "行政诉讼立案",
                "Court registers an administrative suit",
                _cite(XZSS, "51", Grade.A),
            ),
        ),
    ),
    Channel(
        code="petition",
        name_zh="信访事项办理",
        name_en="Petition (letters and visits) handling",
        applies_zh="建议意见、检举控告和不属于法定途径的申诉求决",
        applies_en="suggestions, reports and requests that no statutory procedure covers",
        questions=(
            Question(
                "statutory_route",
                "是否属于应通过诉讼、仲裁、行政复议等法定途径解决的事项？",
                "Does litigation, arbitration or administrative reconsideration cover it?",
                False,
                note_zh=_STATUTORY_ROUTES_NOTE[0],
                note_en=_STATUTORY_ROUTES_NOTE[1],
            ),
            Question(
                "pending",
                "同一事项是否已被受理且仍在办理期限内？",
                "Is the same matter already accepted and still within its deadline?",
                False,
                note_zh="上级机关不予受理（信访工作条例第19条）。",
                note_en="A higher body does not accept it (Letters and Visits Regulations art 19).",
            ),
        ),
        documents=(
            Document(
                "petition",
                "信访材料（姓名、住址、请求、事实、理由）",
                "Petition: name, address, request, facts, reasons",
            ),
            Document("identity", "信访人身份信息", "Petitioner's identity", False),
        ),
        clocks=(
            ClockRule(
                K.TRANSFER,
                15,
                CD,
                S.RECEIPT,
                "信访部门登记并转送、交办",
                "Register and transfer or assign",
                _cite(XF, "22", Grade.A),
                unit_configurable=True,
                note_zh=_XF_DAY_NOTE[0],
                note_en=_XF_DAY_NOTE[1],
            ),
            ClockRule(
                K.ACCEPTANCE,
                15,
                CD,
                S.RECEIPT,
                "书面告知是否受理",
                "Written notice of acceptance",
                _cite(XF, "23", Grade.A),
                unit_configurable=True,
                note_zh=_XF_DAY_NOTE[0],
                note_en=_XF_DAY_NOTE[1],
            ),
            ClockRule(
                K.OBJECTION,
                5,
                WD,
                S.RECEIPT,
                "非本机关职责的异议",
                "Object to a transfer outside the body's remit",
                _cite(XF, "23", Grade.A),
            ),
            ClockRule(
                K.DECISION,
                60,
                CD,
                S.ACCEPTANCE,
                "办理并出具处理意见书",
                "Handle and issue the written opinion",
                _cite(XF, "34", Grade.A),
                unit_configurable=True,
                extension_max=30,
                extension_note_zh="情况复杂经本机关负责人批准，可延长不超过30日，并告知理由。",
                extension_note_en="Complex cases: up to 30 more days with the head's approval; "
                "the petitioner is told why.",
                note_zh=_XF_DAY_NOTE[0],
                note_en=_XF_DAY_NOTE[1],
            ),
            ClockRule(
                K.REVIEW_REQUEST,
                30,
                CD,
                S.REPLY_RECEIVED,
                "请求复查期限",
                "Request a review",
                _cite(XF, "35", Grade.A),
                unit_configurable=True,
            ),
            ClockRule(
                K.REVIEW_DECISION,
                30,
                CD,
                S.REVIEW_REQUEST_RECEIVED,
                "出具复查意见",
                "Issue the review opinion",
                _cite(XF, "35", Grade.A),
                unit_configurable=True,
            ),
            ClockRule(
                K.RECHECK_REQUEST,
                30,
                CD,
                S.REVIEW_OPINION_RECEIVED,
                "请求复核期限",
                "Request a re-examination",
                _cite(XF, "36", Grade.A),
                unit_configurable=True,
            ),
            ClockRule(
                K.RECHECK_DECISION,
                30,
                CD,
                S.RECHECK_REQUEST_RECEIVED,
                "出具复核意见",
                "Issue the re-examination opinion",
                _cite(XF, "36", Grade.A),
                unit_configurable=True,
                note_zh="听证所需时间不计入期限（以暂停处理）；复核后同一事实理由不再受理。",
                note_en="Hearing time is not counted (record it as a pause); afterwards the same "
                "facts and reasons are not accepted again.",
            ),
        ),
        next_routes=(
            RouteRule("labour_arbitration", "labour_arbitration", K.FILING_LIMIT),
            RouteRule("land_arbitration", "land_arbitration", K.FILING_LIMIT),
            RouteRule(
                "administrative_reconsideration", "administrative_reconsideration", K.FILING_LIMIT
            ),
            RouteRule("litigation", "litigation", K.FILING_LIMIT),
        ),
    ),
    Channel(
        code="service_dispatch",
        name_zh="12345热线派单办理",
        name_en="Service dispatch (12345 hotline)",
        applies_zh="咨询、求助、投诉、举报、建议等非紧急诉求",
        applies_en="non-emergency enquiries, help requests, complaints, reports and suggestions",
        questions=(
            Question(
                "emergency",
                "是否涉及需要110/119/120/122处置的紧急情况？",
                "Is it an emergency for 110/119/120/122?",
                False,
                note_zh="立即转接紧急服务。",
                note_en="Hand over to the emergency service at once.",
            ),
            Question(
                "legal_route",
                "是否属于诉讼、仲裁、纪检、复议、信息公开或信访途径处理的事项？",
                "Is it for litigation, arbitration, discipline, reconsideration, information "
                "disclosure or petitions?",
                False,
                redirect_to="petition",
                note_zh="告知诉求人依法通过相应途径办理。",
                note_en="Tell the caller the lawful route.",
            ),
        ),
        documents=(
            Document(
                "ticket", "工单（诉求内容、地点、联系方式）", "Ticket: request, place, contact"
            ),
        ),
        clocks=(
            ClockRule(
                K.EMERGENCY_RESPONSE,
                2,
                HR,
                S.DISPATCH,
                "紧急诉求响应",
                "Urgent request response",
                _cite(BJ, "", Grade.C, "北京"),
                configurable=True,
            ),
            ClockRule(
                K.UTILITY_RESPONSE,
                24,
                HR,
                S.DISPATCH,
                "水电气热诉求响应",
                "Water, power, gas or heating response",
                _cite(BJ, "", Grade.C, "北京"),
                configurable=True,
            ),
            ClockRule(
                K.GENERAL_HANDLING,
                7,
                CD,
                S.DISPATCH,
                "一般诉求办理",
                "General request handling",
                _cite(BJ, "", Grade.C, "北京"),
                configurable=True,
            ),
            ClockRule(
                K.COMPLEX_HANDLING,
                15,
                CD,
                S.DISPATCH,
                "复杂诉求办理",
                "Complex request handling",
                _cite(BJ, "", Grade.C, "北京"),
                configurable=True,
            ),
            ClockRule(
                K.WORKING_DAY_HANDLING,
                5,
                WD,
                S.DISPATCH,
                "办理期限（法定期限更长的从其规定）",
                "Handling deadline (longer statutory limits prevail)",
                _cite(JN, "24", Grade.A, "济南"),
                configurable=True,
            ),
            ClockRule(
                K.WEB_INTAKE,
                2,
                HR,
                S.RECEIPT,
                "网络渠道受理",
                "Web intake",
                _cite(BJ, "", Grade.C, "北京"),
                configurable=True,
            ),
        ),
        next_routes=(RouteRule("petition"), RouteRule("peoples_mediation")),
    ),
    Channel(
        code="counselling_referral",
        name_zh="心理服务转介",
        name_en="Counselling referral",
        applies_zh="需要心理支持或存在心理危机风险的人员",
        applies_en="people who need psychological support or may be in crisis",
        questions=(
            Question(
                "imminent",
                "是否有正在发生或即将发生的自伤、自杀或伤人行为？",
                "Is self-harm, suicide or harm to others happening or about to happen?",
                False,
                note_zh="立即拨打110/120并通知家属（精神卫生法第28条），不走转介流程。",
                note_en="Call 110/120 at once and notify the family (Mental Health Law art 28); "
                "do not wait for a referral.",
            ),
            Question(
                "consent",
                "本人是否同意转介心理服务？",
                "Does the person agree to a referral?",
                True,
                note_zh="不同意的，提供12356心理援助热线信息。",
                note_en="If not, give the 12356 psychological-aid hotline.",
            ),
        ),
        documents=(
            Document(
                "referral", "转介单（风险等级、联系方式）", "Referral form: risk level, contact"
            ),
        ),
        clocks=(
            ClockRule(
                K.HIGH_RISK_FOLLOW_UP,
                24,
                HR,
                S.REFERRAL,
                "高风险个案随访（平台设定）",
                "High-risk follow-up (platform choice)",
                _cite(POLICY, "", Grade.C, "platform"),
                configurable=True,
                note_zh="国家文件未规定时限，此为平台设计选择。",
                note_en="No national deadline exists; this is a platform design choice.",
            ),
        ),
    ),
)

_BY_CODE: dict[str, Channel] = {channel.code: channel for channel in CHANNELS}


# Functions -----------------------------------------------------------------------------------


def get_channel(code: str) -> Channel:
    """Return the channel with this code, or raise UnknownChannel."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownChannel(f"Unknown channel {code!r}.", f"未知渠道“{code}”。") from None


def validate_extension(channel_code: str, clock_kind: ClockKind | str, extension_days: int) -> None:
    """Raise ExtensionError unless ``extension_days`` is allowed for this clock."""
    channel = get_channel(channel_code)
    rule = channel.clock(clock_kind)
    if extension_days < 0:
        raise ExtensionError(
            "An extension cannot be negative.",
            "延长期限不能为负数。",
        )
    if extension_days == 0 or rule.extension_max is None:
        return
    if rule.extension_max == 0:
        raise ExtensionError(
            f"The {rule.label_en.lower()} clock of {channel.name_en} cannot be extended "
            f"({rule.citation.text_en}).",
            f"{channel.name_zh}的“{rule.label_zh}”期限不得延长（{rule.citation.text_zh}）。",
        )
    if extension_days > rule.extension_max:
        unit_en = "working days" if rule.unit is Unit.WORKING_DAYS else "days"
        unit_zh = "个工作日" if rule.unit is Unit.WORKING_DAYS else "日"
        raise ExtensionError(
            f"An extension of {extension_days} {unit_en} exceeds the maximum of "
            f"{rule.extension_max} {unit_en} for {channel.name_en}: {rule.label_en} "
            f"({rule.citation.text_en}).",
            f"延长{extension_days}{unit_zh}超过{channel.name_zh}“{rule.label_zh}”"
            f"最多延长{rule.extension_max}{unit_zh}的规定（{rule.citation.text_zh}）。",
        )


def compute_clock(
    channel_code: str,
    clock_kind: ClockKind | str,
    start: date | datetime,
    calendar: Calendar,
    *,
    pauses: Sequence[Pause] = (),
    extension_days: int = 0,
    amount: int | None = None,
    unit: Unit | str | None = None,
    mediation_requested_on: date | None = None,
    mediation_ended_on: date | None = None,
) -> ClockResult:
    """Return the due date of one clock of one channel, with its legal basis.

    ``start`` is the day (or aware instant) of the clock's start event. ``amount`` and ``unit``
    override the default only where the rule is marked configurable. When a mediation was
    requested and the clock is a limitation period that mediation interrupts (W2), it is counted
    again from the interruption or from ``mediation_ended_on``, as its restart rule says.
    """
    channel = get_channel(channel_code)
    rule = channel.clock(clock_kind)
    validate_extension(channel_code, rule.kind, extension_days)

    if amount is not None and amount != rule.amount and not rule.configurable:
        raise RulesError(
            f"{channel.name_en}: {rule.label_en} is set by law ({rule.citation.text_en}) and "
            "cannot be changed.",
            f"{channel.name_zh}“{rule.label_zh}”由法律规定（{rule.citation.text_zh}），不得修改。",
        )
    the_unit = Unit(unit) if unit is not None else rule.unit
    if the_unit is not rule.unit and not (rule.unit_configurable or rule.configurable):
        raise RulesError(
            f"{channel.name_en}: the unit of {rule.label_en} cannot be changed.",
            f"{channel.name_zh}“{rule.label_zh}”的计算单位不得修改。",
        )
    the_amount = rule.amount if amount is None else amount

    counted_from: date | datetime = start
    restarted = False
    if mediation_requested_on is not None and rule.interrupted_by_mediation:
        if mediation_requested_on < calendar.local_date(start):
            raise RulesError(
                "The mediation request is before the clock started.",
                "调解申请日期早于时效起算日。",
            )
        if rule.restart is Restart.INTERRUPTION:
            counted_from = mediation_requested_on
        else:
            if mediation_ended_on is None:
                raise RulesError(
                    f"{rule.label_en} is interrupted while mediation runs; it restarts when "
                    "mediation ends, so give mediation_ended_on.",
                    f"“{rule.label_zh}”在调解期间中断，调解终结时重新计算，请提供调解终结日期。",
                )
            counted_from = mediation_ended_on
        restarted = True

    if the_unit is Unit.HOURS:
        if not isinstance(counted_from, datetime):
            raise RulesError(
                "Hour clocks need the exact time they start.",
                "以小时计算的时限需要精确的起算时间。",
            )
        due_at = calendar.deadline_at(counted_from, the_amount, the_unit)
        due = calendar.local_date(due_at)
    else:
        due = calendar.deadline(
            counted_from, the_amount, the_unit, pauses=pauses, extension_days=extension_days
        )
        due_at = calendar.due_at(due)

    return ClockResult(
        channel_code=channel.code,
        rule=rule,
        start=start,
        counted_from=counted_from,
        due=due,
        due_at=due_at,
        amount=the_amount,
        unit=the_unit,
        extension_days=extension_days,
        provisional=not calendar.covers_range(calendar.local_date(counted_from), due),
        restarted=restarted,
    )


def limitation_warning(
    *,
    knowledge_date: date,
    mediation_started_on: date,
    calendar: Calendar,
    channel_code: str = "administrative_reconsideration",
    mediation_channel: str = "peoples_mediation",
    mediation_days: int | None = None,
) -> LimitationWarning | None:
    """Return a warning when a filing limit would expire before mediation's default end (W2).

    Only limits that mediation does not interrupt can expire this way (the 60-day 复议 period,
    not the civil or labour limitation). The warning is raised when the limit ends on or before
    the day mediation is due to end, because by then the party must already have filed.
    """
    filing_rule = get_channel(channel_code).clock(ClockKind.FILING_LIMIT)
    if filing_rule.interrupted_by_mediation:
        return None
    filing = compute_clock(channel_code, ClockKind.FILING_LIMIT, knowledge_date, calendar)
    mediation = compute_clock(
        mediation_channel,
        ClockKind.MEDIATION_PERIOD,
        mediation_started_on,
        calendar,
        amount=mediation_days,
    )
    if filing.due > mediation.due:
        return None
    channel = get_channel(channel_code)
    expired = filing.due < mediation_started_on
    if expired:
        message_zh = (
            f"{channel.name_zh}申请期限已于{_zh_date(filing.due)}届满"
            f"（{filing.citation.text_zh}），调解不能使其恢复。"
        )
        message_en = (
            f"The {channel.name_en.lower()} filing limit already expired on {filing.due:%Y-%m-%d} "
            f"({filing.citation.text_en}); mediation cannot revive it."
        )
    else:
        message_zh = (
            f"注意：{channel.name_zh}申请期限至{_zh_date(filing.due)}届满"
            f"（{filing.citation.text_zh}），早于调解预计结束日{_zh_date(mediation.due)}。"
            f"调解不中断该期限，如需申请{channel.name_zh}，请在期限内提出。"
        )
        message_en = (
            f"Warning: the {channel.name_en.lower()} filing limit ends on "
            f"{filing.due:%Y-%m-%d} ({filing.citation.text_en}), before mediation is due to end "
            f"on {mediation.due:%Y-%m-%d}. Mediation does not stop this limit: file before it "
            "ends if the party wants that route."
        )
    return LimitationWarning(
        filing=filing,
        mediation_end=mediation.due,
        expired=expired,
        message_zh=message_zh,
        message_en=message_en,
    )


def route_notice(
    channel_code: str,
    knowledge_date: date,
    calendar: Calendar,
    *,
    mediation_requested_on: date | None = None,
    ended_on: date | None = None,
) -> RouteNotice:
    """Return the lawful next routes, and their deadlines, when ``channel_code`` ends unresolved.

    For mediation this is the notice 人民调解法 art 26 requires. ``knowledge_date`` starts the
    route clocks (for a decision or award, pass the day it was received). When
    ``mediation_requested_on`` is given, limitation periods that mediation interrupts are counted
    again as their rules say, using ``ended_on`` as the day the mediation ended.
    """
    channel = get_channel(channel_code)
    options: list[RouteOption] = []
    for route in channel.next_routes:
        target = get_channel(route.target)
        deadline: ClockResult | None = None
        if route.clock_channel is not None and route.clock_kind is not None:
            rule = get_channel(route.clock_channel).clock(route.clock_kind)
            interrupted = mediation_requested_on is not None and rule.interrupted_by_mediation
            deadline = compute_clock(
                route.clock_channel,
                route.clock_kind,
                knowledge_date,
                calendar,
                mediation_requested_on=mediation_requested_on if interrupted else None,
                mediation_ended_on=(ended_on or knowledge_date) if interrupted else None,
            )
        if deadline is None:
            text_zh = f"{target.name_zh}：适用于{target.applies_zh}。"
            text_en = f"{target.name_en}: for {target.applies_en}."
        else:
            text_zh = (
                f"{target.name_zh}：适用于{target.applies_zh}。"
                f"{deadline.rule.label_zh}至{_zh_date(deadline.due)}"
                f"（{deadline.citation.text_zh}）。"
            )
            text_en = (
                f"{target.name_en}: for {target.applies_en}. "
                f"{deadline.rule.label_en}: by {deadline.due:%Y-%m-%d} "
                f"({deadline.citation.text_en})."
            )
        options.append(
            RouteOption(target.code, target.name_zh, target.name_en, deadline, text_zh, text_en)
        )

    citation = _cite(RMTJ, "26", Grade.A) if channel.is_mediation else None
    if channel.is_mediation:
        header_zh = (
            f"{channel.name_zh}未达成协议，调解终止。您可以依法选择以下途径（人民调解法第26条）："
        )
        header_en = (
            f"{channel.name_en} ended without agreement. You may use these lawful routes "
            "(People's Mediation Law art 26):"
        )
    else:
        header_zh = f"{channel.name_zh}未能解决该事项。您可以依法选择以下途径："
        header_en = (
            f"{channel.name_en} did not resolve the matter. You may use these lawful routes:"
        )
    lines_zh = [header_zh] + [f"{i}. {o.text_zh}" for i, o in enumerate(options, start=1)]
    lines_en = [header_en] + [f"{i}. {o.text_en}" for i, o in enumerate(options, start=1)]
    return RouteNotice(
        channel_code=channel.code,
        options=tuple(options),
        text_zh="\n".join(lines_zh),
        text_en="\n".join(lines_en),
        citation=citation,
    )


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
