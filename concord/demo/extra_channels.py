"""Demo content for the lawful channels: petitions at every stage, mediation with sessions,
agreements and follow-ups, a case in each legal channel with a live deadline (some due this
week, some overdue), and transfers pending and refused.

Everything is built through the real actions, with "now" set to the day each step would have
happened, so the records, clocks and hash-chained events are exactly what the product makes.
The demo logins act where they would (the town caseworker registers petitions, the village
mediator mediates, the labour officer refuses a transfer, the county supervisor reviews), so each
of them finds work waiting. Deterministic for a seed and a day.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from concord.accounts import permissions as perms
from concord.accounts.models import Membership, UnitKind, User
from concord.cases.actions import (
    case_accept,
    case_close,
    case_submit,
    case_transfer_refuse,
    case_transfer_request,
)
from concord.cases.models import Category
from concord.channels import actions as ch
from concord.channels import rules
from concord.core.calendars import platform_calendar
from concord.places.models import Level, Place

TZ = ZoneInfo("Asia/Shanghai")

# The legal channels a dispute can enter after mediation, and the clock that makes each one
# live: (channel, clock kind, whether `case_enter_channel` starts it, category code or "").
LEGAL_CHANNELS = [
    ("administrative_mediation", "acceptance", True, ""),
    ("judicial_confirmation", "acceptance", True, "DP.02"),
    ("labour_arbitration", "acceptance", True, "DP.09"),
    ("land_arbitration", "acceptance", True, "DP.07"),
    ("administrative_reconsideration", "acceptance", True, ""),
    ("administrative_ruling", "next_step", False, ""),
    ("litigation", "acceptance", True, ""),
]
LEGAL_TITLES = {
    "administrative_mediation": ("与供电所的赔偿纠纷", "线路改造损坏果树，要求赔偿。"),
    "judicial_confirmation": ("调解协议申请司法确认", "邻里排水纠纷已达成协议，双方申请司法确认。"),
    "labour_arbitration": ("工厂拖欠三个月工资", "调解未成，申请劳动争议仲裁。"),
    "land_arbitration": ("土地承包经营权纠纷", "承包地被他人占用，申请农村土地承包仲裁。"),
    "administrative_reconsideration": ("不服罚款决定", "对乡镇作出的罚款决定不服，申请行政复议。"),
    "administrative_ruling": ("林木权属争议", "与邻村对山林权属有争议，申请行政裁决。"),
    "litigation": ("民间借贷纠纷", "借款到期不还，调解未成，准备起诉。"),
}
PETITIONS = [
    # (stage, title, description)
    ("registered", "反映征地补偿款未足额发放", "去年征地的补偿款至今只发了一半。"),
    ("accepted", "反映村集体账目不公开", "村里三年没有公布集体收支账目。"),
    ("replied", "反映低保评定不公", "家里困难却没有评上低保，邻居条件好却评上了。"),
    ("under_review", "反映拆迁安置面积计算有误", "安置面积比合同少了十二平方米。"),
    ("final", "反映宅基地审批不公", "同样的条件，邻居批了宅基地，我家没批。"),
]
MEDIATIONS = [
    # (state, title, description)
    ("sessions", "楼上漏水纠纷", "楼上卫生间漏水，多次协商未果。"),
    ("agreement", "宅基地边界纠纷", "两家为院墙位置争执，要求重新划界。"),
    ("performed", "邻里排水纠纷", "邻居改建排水沟，雨水流进我家院子。"),
    ("refused", "赡养费纠纷", "三个子女对母亲的赡养费分摊有争议。"),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


class _clock:
    """Set "now" to a demo day so records carry the dates they would have had."""

    def __init__(self, day: date, hour: int = 10):
        self.patch = mock.patch("django.utils.timezone.now", return_value=_at(day, hour))

    def __enter__(self):
        self.patch.start()

    def __exit__(self, *exc):
        self.patch.stop()
        return False


def _login(username: str) -> tuple[User, Membership] | None:
    m = (
        Membership.objects.filter(user__username=username, is_active=True)
        .select_related("user", "unit", "place")
        .first()
    )
    return (m.user, m) if m else None


def _grids(under: Place) -> list[Place]:
    return list(
        Place.objects.filter(path__startswith=under.path, level=Level.GRID).order_by("code")
    )


def _category(code: str):

    return Category.objects.filter(code=code).first() if code else None


def _submit(*, kind: str, title: str, description: str, place: Place, category: str = ""):

    return case_submit(
        kind=kind,
        title=title,
        description=description,
        place=place,
        category=_category(category),
    ).case


def _start_for(channel: str, kind: str, today: date, lo: int, hi: int) -> date:
    """Return the latest start day whose clock falls due between today+lo and today+hi."""

    cal = platform_calendar()
    for back in range(0, 400):
        start = today - timedelta(days=back)
        due = rules.compute_clock(channel, kind, start, cal).due
        due = due.date() if isinstance(due, datetime) else due
        if today + timedelta(days=lo) <= due <= today + timedelta(days=hi):
            return start
    raise ValueError(f"no start day puts {channel}:{kind} due in [{lo}, {hi}] days")


def populate(*, seed: int, today: date) -> dict:
    """Add petitions, mediations, legal-channel cases and transfers; return counts."""
    rng = random.Random(f"channels:{seed}")
    logins = {n: _login(n) for n in ("caseworker", "mediator", "supervisor", "officer")}
    if any(v is None for v in logins.values()):
        return {"petitions": 0, "mediations": 0, "legal": 0, "transfers": 0}
    made = {
        "petitions": _petitions(logins, rng, today),
        "mediations": _mediations(logins, rng, today),
    }
    made["legal"] = _legal(logins, rng, today)
    made["transfers"] = _transfers(logins, rng, today)
    return made


# --- petitions -------------------------------------------------------------------------------


def _petitions(logins, rng: random.Random, today: date) -> int:

    worker, wm = logins["caseworker"]
    boss, _ = logins["supervisor"]
    grids = _grids(wm.place)
    d = lambda n: today - timedelta(days=n)  # noqa: E731 -- "n days ago"
    for n, (stage, title, description) in enumerate(PETITIONS):
        grid = grids[(n * 3 + rng.randrange(3)) % len(grids)]
        starts = {
            "registered": 2,
            "accepted": 25,
            "replied": 75,
            "under_review": 110,
            "final": 320,
        }[stage]
        with _clock(d(starts), 9):
            case = _submit(kind="grievance", title=title, description=description, place=grid)
            case = ch.petition_register(
                actor=worker, case=case, matter_key=f"{grid.code}-{stage}", received_on=d(starts)
            )
        if stage == "registered":
            continue
        with _clock(d(starts - 3)):
            ch.petition_accept(actor=worker, case=case, petition_type="appeal")
        if stage == "accepted":
            continue
        reply_day = {"replied": 12, "under_review": 45, "final": 260}[stage]
        with _clock(d(reply_day), 15):
            ch.petition_reply(
                actor=worker,
                case=case,
                opinion="explain" if stage == "replied" else "not_support",
                text="经调查核实，已向信访人说明有关政策和处理依据。",
                legal_basis="《信访工作条例》第三十二条",
                served_how="on_the_spot",  # handed over in person: the review window opens
            )
        if stage == "replied":
            continue
        with _clock(d(reply_day - 20), 11):
            ch.petition_request_review(case=case, reason="处理意见没有回应我反映的主要问题。")
        if stage == "under_review":
            continue  # the county's review opinion is due within days
        with _clock(d(reply_day - 40)):
            ch.petition_review_decide(
                actor=boss, case=case, text="复查维持原处理意见。", served_how="on_the_spot"
            )
        with _clock(d(reply_day - 60), 11):
            ch.petition_request_review(case=case, reason="仍然不服。", recheck=True)
        with _clock(d(reply_day - 80)):
            ch.petition_review_decide(actor=boss, case=case, text="复核维持。", recheck=True)
        case.refresh_from_db()
        if case.is_open:
            with _clock(d(reply_day - 80), 16):
                case_close(actor=boss, case=case)
    return len(PETITIONS)


# --- mediation -------------------------------------------------------------------------------


def _mediations(logins, rng: random.Random, today: date) -> int:

    mediator, mm = logins["mediator"]
    grids = _grids(mm.place)
    d = lambda n: today - timedelta(days=n)  # noqa: E731
    made = 0
    for n, (state, title, description) in enumerate(MEDIATIONS):
        grid = grids[(n + rng.randrange(len(grids))) % len(grids)]
        begin = {"sessions": 8, "agreement": 24, "performed": 70, "refused": 30}[state]
        with _clock(d(begin), 9):
            case = _submit(
                kind="dispute", title=title, description=description, place=grid, category="DP.02"
            )
        if not perms.can(mediator, "case.handle", unit_id=case.owner_unit_id):
            continue  # the village committee does not own it (another routing): leave it
        with _clock(d(begin - 1)):
            case_accept(actor=mediator, case=case)
            ch.channel_clock_start(actor=mediator, case=case, kind="mediation_period")
        sessions = {"sessions": [5], "agreement": [18, 12], "performed": [65], "refused": [25]}
        for ago in sessions[state]:
            with _clock(d(ago), 14):
                ch.mediation_record_session(
                    actor=mediator,
                    case=case,
                    held_at=_at(d(ago), 14),
                    location="村调委会调解室",
                    participants="双方当事人、村调解员、网格员",
                    notes="双方陈述了各自意见，约定下次带相关材料再谈。",
                )
        if state == "refused":
            with _clock(d(20)):
                ch.mediation_end_unresolved(
                    actor=mediator,
                    case=case,
                    reason="一方当事人明确表示不同意继续调解。",
                    knowledge_date=d(40),
                    refused_by="被申请人",
                )
        elif state in ("agreement", "performed"):
            signed = d(10) if state == "agreement" else d(60)
            with _clock(signed, 16):
                ch.mediation_record_agreement(
                    actor=mediator,
                    case=case,
                    parties="申请人、被申请人（均为本村村民）",
                    facts=description,
                    issues="责任划分与补偿金额",
                    responsibilities="被申请人承担主要责任",
                    terms="被申请人于约定日期前修复并一次性补偿两千元。",
                    performance_manner="当面支付并由调解员见证",
                    # One agreement falls due this week; the other was performed long ago.
                    performance_due=today + timedelta(days=3) if state == "agreement" else d(30),
                    signed_by=["申请人", "被申请人"],
                    mediator_signed=True,
                    committee_sealed=True,
                )
            if state == "performed":
                with _clock(d(28)):
                    ch.mediation_record_performance(
                        actor=mediator, case=case, performance="performed", note="回访：已履行。"
                    )
                    case_close(actor=mediator, case=case, note="协议已履行。")
        made += 1
    return made


# --- legal channels --------------------------------------------------------------------------


def _legal(logins, rng: random.Random, today: date) -> int:

    boss, bm = logins["supervisor"]
    grids = _grids(bm.place)
    made = 0
    for channel, kind, on_entry, category in LEGAL_CHANNELS:
        title, description = LEGAL_TITLES[channel]
        # One due within the coming days, one already overdue (the worker's tick flags it).
        for window in ((1, 5), (-9, -2)):
            start = _start_for(channel, kind, today, *window)
            grid = rng.choice(grids)
            with _clock(start - timedelta(days=2), 9):
                case = _submit(
                    kind="dispute",
                    title=title,
                    description=description,
                    place=grid,
                    category=category,
                )
            with _clock(start - timedelta(days=1)):
                case_accept(actor=boss, case=case)
            with _clock(start, 11):
                ch.case_enter_channel(
                    actor=boss,
                    case=case,
                    channel=channel,
                    knowledge_date=start - timedelta(days=15),
                    note="当事人选择此途径，已告知时限。",
                )
                if not on_entry:
                    ch.channel_clock_start(actor=boss, case=case, kind=kind, start=start)
            made += 1
    return made


# --- transfers -------------------------------------------------------------------------------


def _transfers(logins, rng: random.Random, today: date) -> int:

    worker, wm = logins["caseworker"]
    officer, om = logins["officer"]
    labour = om.unit
    grids = _grids(wm.place)
    made = 0
    specs = [
        ("pending", "建筑工地拖欠农民工工资", "工地老板拖欠二十多名工人两个月工资。", 1),
        ("refused", "小区物业乱收费", "物业公司擅自提高停车费。", 6),
    ]
    for state, title, description, ago in specs:
        grid = rng.choice(grids)
        with _clock(today - timedelta(days=ago + 1), 9):
            case = _submit(kind="grievance", title=title, description=description, place=grid)
        if case.owner_unit_id != wm.unit_id or labour.kind != UnitKind.DEPARTMENT:
            continue
        with _clock(today - timedelta(days=ago), 10):
            case_accept(actor=worker, case=case)
            transfer = case_transfer_request(
                actor=worker, case=case, to_unit=labour, reason="属于劳动保障部门职责。"
            )
        if state == "refused":
            with _clock(today - timedelta(days=ago - 2), 15):
                case_transfer_refuse(
                    actor=officer,
                    transfer=transfer,
                    reason="物业收费由住建部门监管，不属于本局职责。",
                )
        made += 1
    return made
