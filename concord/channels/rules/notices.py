"""The routing notice: which channels a case may take next, and by when.

Pure module: no Django import.
"""

from __future__ import annotations

from datetime import date

from concord.core.calendar import Calendar

from .base import ClockResult, Grade, RouteNotice, RouteOption
from .clocks import _zh_date, compute_clock
from .table import MSSS, RMTJ, _cite, get_channel


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
    if channel.code == "judicial_confirmation":
        # The court refused to confirm a mediation agreement (民事诉讼法 art 206).
        citation = _cite(MSSS, "206", Grade.A)
        header_zh = (
            "人民法院裁定驳回司法确认申请。当事人可以通过调解方式变更原调解协议或者达成新的"
            "调解协议，也可以向人民法院提起诉讼（民事诉讼法第206条）："
        )
        header_en = (
            "The court refused to confirm the mediation agreement. The parties may change it or "
            "reach a new agreement through mediation, or bring a lawsuit "
            "(Civil Procedure Law art 206):"
        )
    elif channel.is_mediation:
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
