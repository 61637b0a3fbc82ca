"""Computing a channel's clock: extensions, pauses and the limitation warning.

Pure module: no Django import; days are counted by ``concord.core.calendar``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from concord.core.calendar import Calendar, Pause, Unit

from .base import ClockKind, ClockResult, ExtensionError, LimitationWarning, Restart, RulesError
from .table import get_channel


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


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
