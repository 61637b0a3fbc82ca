"""The channel table: every lawful dispute-resolution channel with its sources, clocks and routes.

Pure data, no Django import. Grades and sources as in PROCESS_RULES.md.
"""

from __future__ import annotations

from concord.core.calendar import Unit

from .base import (
    Channel,
    Citation,
    ClockKind,
    ClockKindRow,
    ClockRule,
    Document,
    Grade,
    Question,
    Restart,
    RouteRule,
    StartEvent,
    UnknownChannel,
)

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


def clock_kind_table() -> list[ClockKindRow]:
    """Return, for every clock of every channel, its nature, holder and whether it escalates."""
    return [
        ClockKindRow(ch.code, c.kind, c.nature, c.holder, bool(c.escalates), c.citation)
        for ch in CHANNELS
        for c in ch.clocks
    ]


def get_channel(code: str) -> Channel:
    """Return the channel with this code, or raise UnknownChannel."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownChannel(f"Unknown channel {code!r}.", f"未知渠道“{code}”。") from None
