"""Tests for the channel rules. Every expected date is worked out by hand in the comments.

Holiday facts used (State Council notices): 2023 Sep 29 - Oct 6 off, Oct 7-8 worked;
2024 Sep 15-17 and Oct 1-7 off, Sep 14 worked; 2025 Jan 28 - Feb 4, May 1-5, Oct 1-8 off,
Jan 26, Feb 8, Apr 27, Sep 28, Oct 11 worked; 2026 Jan 1-3, Feb 15-23, May 1-5, Oct 1-7 off,
Jan 4, Feb 14, Feb 28, May 9, Sep 20, Oct 10 worked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from concord.channels.rules import (
    CHANNELS,
    Citation,
    ClockKind,
    ClockRule,
    ExtensionError,
    Grade,
    RulesError,
    StartEvent,
    UnknownChannel,
    compute_clock,
    get_channel,
    limitation_warning,
    route_notice,
    validate_extension,
)
from concord.core.calendar import Calendar, Unit, default_calendar

SH = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat
K = ClockKind


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return default_calendar()


# (channel, clock, start, keyword arguments, expected due day)
DAY_CLOCKS = [
    # People's mediation 30 days: 5 Sep 2025 + 30 = Sun 5 Oct (holiday) -> Thu 9 Oct.
    ("peoples_mediation", K.MEDIATION_PERIOD, "2025-09-05", {}, "2025-10-09"),
    # Labour mediation 15 days: 5 Feb 2026 + 15 = Fri 20 Feb (Spring Festival) -> Tue 24 Feb.
    ("peoples_mediation", K.LABOUR_MEDIATION, "2026-02-05", {}, "2026-02-24"),
    # Administrative mediation acceptance, 5 working days from Fri 24 Jan 2025:
    # Sun 26 Jan worked (1), Mon 27 (2), 28 Jan - 4 Feb off, 5 Feb (3), 6 (4), Fri 7 Feb (5).
    ("administrative_mediation", K.ACCEPTANCE, "2025-01-24", {}, "2025-02-07"),
    # ... extended by 5 (complex case, 10 in all): Sat 8 Feb worked (6), 10, 11, 12, Thu 13 (10).
    ("administrative_mediation", K.ACCEPTANCE, "2025-01-24", {"extension_days": 5}, "2025-02-13"),
    # Transfer within 3 working days from Fri 13 Sep 2024: Sat 14 worked (1), 15-17 off,
    # Wed 18 (2), Thu 19 (3).
    ("administrative_mediation", K.TRANSFER, "2024-09-13", {}, "2024-09-19"),
    # 2 Dec 2024 + 30 = Wed 1 Jan 2025 (New Year) -> Thu 2 Jan.
    ("administrative_mediation", K.MEDIATION_PERIOD, "2024-12-02", {}, "2025-01-02"),
    # Judicial confirmation window: 16 Jan 2026 + 30 = Sun 15 Feb (Spring Festival, off to
    # 23 Feb) -> Tue 24 Feb.
    ("judicial_confirmation", K.FILING_LIMIT, "2026-01-16", {}, "2026-02-24"),
    # Court acceptance 3 days: Mon 29 Sep 2025 + 3 = Thu 2 Oct (holiday) -> Thu 9 Oct.
    ("judicial_confirmation", K.ACCEPTANCE, "2025-09-29", {}, "2025-10-09"),
    # Court decision 15 days: 20 Sep 2026 + 15 = Mon 5 Oct (holiday, off to 7 Oct) -> Thu 8 Oct.
    ("judicial_confirmation", K.DECISION, "2026-09-20", {}, "2026-10-08"),
    # ... +10 with approval: 25 days -> Thu 15 Oct.
    ("judicial_confirmation", K.DECISION, "2026-09-20", {"extension_days": 10}, "2026-10-15"),
    # Labour limitation 1 year: 3 Oct 2024 -> 3 Oct 2025 (holiday) -> Thu 9 Oct.
    ("labour_arbitration", K.FILING_LIMIT, "2024-10-03", {}, "2025-10-09"),
    # Labour acceptance 5 days from Mon 29 Sep 2025 = Sat 4 Oct (holiday) -> Thu 9 Oct.
    ("labour_arbitration", K.ACCEPTANCE, "2025-09-29", {}, "2025-10-09"),
    # From Fri 26 Sep 2025: + 5 = Wed 1 Oct (holiday) -> Thu 9 Oct.
    ("labour_arbitration", K.ACCEPTANCE, "2025-09-26", {}, "2025-10-09"),
    # Labour award 45 days: 18 Aug 2025 + 13 = 31 Aug, + 30 = 30 Sep (43), 2 Oct (45), holiday
    # -> Thu 9 Oct.
    ("labour_arbitration", K.DECISION, "2025-08-18", {}, "2025-10-09"),
    # ... +15: 60 days = Fri 17 Oct.
    ("labour_arbitration", K.DECISION, "2025-08-18", {"extension_days": 15}, "2025-10-17"),
    # Suit within 15 days of the award: Sun 1 Feb 2026 + 15 = Mon 16 Feb (holiday) -> Tue 24 Feb.
    ("labour_arbitration", K.NEXT_STEP, "2026-02-01", {}, "2026-02-24"),
    # Set aside within 30 days: 2 Dec 2025 + 30 = Thu 1 Jan 2026 (off to 3 Jan) -> Sun 4 Jan,
    # an adjusted working Sunday.
    ("labour_arbitration", K.SET_ASIDE, "2025-12-02", {}, "2026-01-04"),
    # Land limitation 2 years: 1 Oct 2023 -> 1 Oct 2025 (holiday) -> Thu 9 Oct.
    ("land_arbitration", K.FILING_LIMIT, "2023-10-01", {}, "2025-10-09"),
    # Land acceptance 5 working days from Fri 25 Apr 2025: Sun 27 Apr worked (1), 28 (2),
    # 29 (3), 30 (4), 1-5 May off, Tue 6 May (5).
    ("land_arbitration", K.ACCEPTANCE, "2025-04-25", {}, "2025-05-06"),
    # Land award 60 days: 20 Dec 2025 + 11 = 31 Dec, + 31 = 31 Jan (42), + 18 = Wed 18 Feb 2026
    # (Spring Festival) -> Tue 24 Feb.
    ("land_arbitration", K.DECISION, "2025-12-20", {}, "2026-02-24"),
    # ... +30: 90 days = 18 Feb + 30 = Fri 20 Mar (February 2026 has 28 days).
    ("land_arbitration", K.DECISION, "2025-12-20", {"extension_days": 30}, "2026-03-20"),
    # Suit within 30 days: 1 Sep 2026 + 30 = Thu 1 Oct (off to 7 Oct) -> Thu 8 Oct.
    ("land_arbitration", K.NEXT_STEP, "2026-09-01", {}, "2026-10-08"),
    # Administrative suit within 6 months: 3 Apr 2025 -> 3 Oct 2025 (holiday) -> Thu 9 Oct.
    ("administrative_ruling", K.NEXT_STEP, "2025-04-03", {}, "2025-10-09"),
    # 复议 60 days: 5 Aug 2025 + 26 = 31 Aug, + 30 = 30 Sep (56), Sat 4 Oct (60), holiday
    # -> Thu 9 Oct.
    ("administrative_reconsideration", K.FILING_LIMIT, "2025-08-05", {}, "2025-10-09"),
    # Not informed: 1 year from 16 Feb 2025 = Mon 16 Feb 2026 (Spring Festival) -> Tue 24 Feb.
    ("administrative_reconsideration", K.FILING_LIMIT_UNINFORMED, "2025-02-16", {}, "2026-02-24"),
    # Absolute 5 years: 1 Oct 2020 -> 1 Oct 2025 (holiday) -> Thu 9 Oct.
    ("administrative_reconsideration", K.ABSOLUTE_LIMIT, "2020-10-01", {}, "2025-10-09"),
    # 复议 acceptance 5 working days across the 调休 Saturday: from Wed 11 Feb 2026:
    # Thu 12 (1), Fri 13 (2), Sat 14 worked (3), 15-23 off, Tue 24 (4), Wed 25 (5).
    ("administrative_reconsideration", K.ACCEPTANCE, "2026-02-11", {}, "2026-02-25"),
    # From Thu 25 Sep 2025: Fri 26 (1), Sun 28 worked (2), Mon 29 (3), Tue 30 (4), Thu 9 Oct (5).
    ("administrative_reconsideration", K.ACCEPTANCE, "2025-09-25", {}, "2025-10-09"),
    # Completion request, 5 working days from Wed 16 Sep 2026: Thu 17 (1), Fri 18 (2),
    # Sat 19 is not worked, Sun 20 worked (3), Mon 21 (4), Tue 22 (5).
    ("administrative_reconsideration", K.COMPLETION_REQUEST, "2026-09-16", {}, "2026-09-22"),
    # Decision 60 days: 5 Aug 2026 + 60 = Sun 4 Oct (off to 7 Oct) -> Thu 8 Oct.
    ("administrative_reconsideration", K.DECISION, "2026-08-05", {}, "2026-10-08"),
    # ... +30: 90 days = 4 Oct + 30 = Tue 3 Nov.
    (
        "administrative_reconsideration",
        K.DECISION,
        "2026-08-05",
        {"extension_days": 30},
        "2026-11-03",
    ),
    # Simple procedure 30 days: 16 Jan 2026 + 30 = Sun 15 Feb -> Tue 24 Feb.
    ("administrative_reconsideration", K.SIMPLE_DECISION, "2026-01-16", {}, "2026-02-24"),
    # Suit within 15 days of the decision: 17 Dec 2025 + 15 = Thu 1 Jan 2026 -> Sun 4 Jan (worked).
    ("administrative_reconsideration", K.NEXT_STEP, "2025-12-17", {}, "2026-01-04"),
    # Civil limitation 3 years: 5 Oct 2022 -> 5 Oct 2025 (holiday) -> Thu 9 Oct.
    ("litigation", K.FILING_LIMIT, "2022-10-05", {}, "2025-10-09"),
    # Absolute 20 years: 31 Jan 2006 -> Sat 31 Jan 2026 -> Mon 2 Feb.
    ("litigation", K.ABSOLUTE_LIMIT, "2006-01-31", {}, "2026-02-02"),
    # Register within 7 days: Tue 21 Jan 2025 + 7 = Tue 28 Jan (Spring Festival) -> Wed 5 Feb.
    ("litigation", K.ACCEPTANCE, "2025-01-21", {}, "2025-02-05"),
    # Direct administrative suit 6 months: 31 Jul 2025 -> Sat 31 Jan 2026 -> Mon 2 Feb.
    ("litigation", K.ADMIN_FILING_LIMIT, "2025-07-31", {}, "2026-02-02"),
    # Administrative registration 7 days: 28 Apr 2026 + 7 = Tue 5 May (holiday) -> Wed 6 May.
    ("litigation", K.ADMIN_ACCEPTANCE, "2026-04-28", {}, "2026-05-06"),
    # Petition transfer 15 days: 20 Sep 2025 + 15 = Sun 5 Oct -> Thu 9 Oct.
    ("petition", K.TRANSFER, "2025-09-20", {}, "2025-10-09"),
    # Acceptance notice 15 days: 2 Feb 2026 + 15 = Tue 17 Feb (Spring Festival) -> Tue 24 Feb.
    ("petition", K.ACCEPTANCE, "2026-02-02", {}, "2026-02-24"),
    # Objection within 5 working days from Mon 29 Dec 2025: Tue 30 (1), Wed 31 (2),
    # 1-3 Jan off, Sun 4 Jan worked (3), Mon 5 (4), Tue 6 Jan (5).
    ("petition", K.OBJECTION, "2025-12-29", {}, "2026-01-06"),
    # Handling 60 days: 25 Nov 2025 + 5 = 30 Nov, + 31 = 31 Dec (36), + 24 = Sat 24 Jan 2026
    # (60) -> Mon 26 Jan.
    ("petition", K.DECISION, "2025-11-25", {}, "2026-01-26"),
    # ... +30 crossing Spring Festival: 90 days = 24 Jan + 30 = Mon 23 Feb (last day off)
    # -> Tue 24 Feb.
    ("petition", K.DECISION, "2025-11-25", {"extension_days": 30}, "2026-02-24"),
    # Review request 30 days: 5 Sep 2026 + 30 = Mon 5 Oct -> Thu 8 Oct.
    ("petition", K.REVIEW_REQUEST, "2026-09-05", {}, "2026-10-08"),
    # Review opinion 30 days: 1 Sep 2024 + 30 = Tue 1 Oct 2024 (off to 7 Oct) -> Tue 8 Oct.
    ("petition", K.REVIEW_DECISION, "2024-09-01", {}, "2024-10-08"),
    # Re-examination request: 1 Sep 2023 + 30 = Sun 1 Oct 2023 (off to 6 Oct) -> Sat 7 Oct,
    # a working Saturday.
    ("petition", K.RECHECK_REQUEST, "2023-09-01", {}, "2023-10-07"),
    # Re-examination opinion: 3 Nov 2025 + 30 = Wed 3 Dec; a hearing 10-14 Nov (5 days) is
    # not counted -> Mon 8 Dec.
    (
        "petition",
        K.RECHECK_DECISION,
        "2025-11-03",
        {"pauses": [(D("2025-11-10"), D("2025-11-14"))]},
        "2025-12-08",
    ),
    # 12345 general request 7 days: 28 Sep 2025 + 7 = Sun 5 Oct -> Thu 9 Oct.
    ("service_dispatch", K.GENERAL_HANDLING, "2025-09-28", {}, "2025-10-09"),
    # Complex 15 days: 1 Feb 2026 + 15 = Mon 16 Feb -> Tue 24 Feb.
    ("service_dispatch", K.COMPLEX_HANDLING, "2026-02-01", {}, "2026-02-24"),
    # Jinan 5 working days from Wed 30 Apr 2025: 1-5 May off, Tue 6 (1), 7 (2), 8 (3), Fri 9 (4),
    # Sat 10 not worked, Mon 12 May (5).
    ("service_dispatch", K.WORKING_DAY_HANDLING, "2025-04-30", {}, "2025-05-12"),
]

# (channel, clock, start instant, expected instant)
HOUR_CLOCKS = [
    # 2 h from 22:30 on National Day runs past midnight: 00:30 on 2 Oct.
    (
        "service_dispatch",
        K.EMERGENCY_RESPONSE,
        datetime(2025, 10, 1, 22, 30, tzinfo=SH),
        datetime(2025, 10, 2, 0, 30, tzinfo=SH),
    ),
    # 24 h ignores the Spring Festival.
    (
        "service_dispatch",
        K.UTILITY_RESPONSE,
        datetime(2026, 2, 16, 9, 0, tzinfo=SH),
        datetime(2026, 2, 17, 9, 0, tzinfo=SH),
    ),
    # 23:00 UTC on 28 Jan 2025 is 07:00 on 29 Jan in Shanghai; + 2 h = 09:00.
    (
        "service_dispatch",
        K.WEB_INTAKE,
        datetime(2025, 1, 28, 23, 0, tzinfo=UTC),
        datetime(2025, 1, 29, 9, 0, tzinfo=SH),
    ),
    (
        "counselling_referral",
        K.HIGH_RISK_FOLLOW_UP,
        datetime(2025, 10, 1, 10, 0, tzinfo=SH),
        datetime(2025, 10, 2, 10, 0, tzinfo=SH),
    ),
]


@pytest.mark.parametrize(("channel", "kind", "start", "kwargs", "expected"), DAY_CLOCKS)
def test_day_clocks_against_hand_computed_dates(
    cal: Calendar, channel: str, kind: ClockKind, start: str, kwargs: dict, expected: str
) -> None:
    result = compute_clock(channel, kind, D(start), cal, **kwargs)
    assert result.due == D(expected)
    # Breached from local midnight at the end of the due day.
    assert result.due_at == datetime.combine(D(expected) + timedelta(days=1), time.min, SH)
    assert cal.is_working_day(result.due)
    # Statutes are cited by article; only the grade C draft has none.
    assert result.citation.article or result.grade is Grade.C


@pytest.mark.parametrize(("channel", "kind", "start", "expected"), HOUR_CLOCKS)
def test_hour_clocks_run_round_the_clock(
    cal: Calendar, channel: str, kind: ClockKind, start: datetime, expected: datetime
) -> None:
    result = compute_clock(channel, kind, start, cal)
    assert result.due_at == expected
    assert result.due == expected.date()
    assert result.rule.configurable


def test_every_clock_of_every_channel_is_tested() -> None:
    tested = {(c, k) for c, k, *_ in DAY_CLOCKS} | {(c, k) for c, k, *_ in HOUR_CLOCKS}
    every = {(ch.code, clock.kind) for ch in CHANNELS for clock in ch.clocks}
    assert every == tested


# Channel data ------------------------------------------------------------------------------


def test_all_twelve_channels_are_present_with_names_in_both_languages() -> None:
    codes = {ch.code for ch in CHANNELS}
    assert codes == {
        "negotiation",
        "peoples_mediation",
        "administrative_mediation",
        "judicial_confirmation",
        "labour_arbitration",
        "land_arbitration",
        "administrative_ruling",
        "administrative_reconsideration",
        "litigation",
        "petition",
        "service_dispatch",
        "counselling_referral",
    }
    for ch in CHANNELS:
        assert ch.name_zh and ch.name_en and ch.applies_zh and ch.applies_en
        assert ch.questions and ch.documents
        for q in ch.questions:
            assert q.text_zh and q.text_en
            if q.redirect_to is not None:
                get_channel(q.redirect_to)
        for d in ch.documents:
            assert d.name_zh and d.name_en
        for route in ch.next_routes:
            get_channel(route.target)


def test_get_channel_refuses_unknown_codes() -> None:
    with pytest.raises(UnknownChannel):
        get_channel("trial_by_combat")
    with pytest.raises(UnknownChannel):
        compute_clock("labour_arbitration", K.SIMPLE_DECISION, D("2025-01-02"), default_calendar())


def test_grade_c_and_local_values_are_configurable_defaults() -> None:
    for ch in CHANNELS:
        for clock in ch.clocks:
            if clock.grade is Grade.C or clock.citation.jurisdiction != "national":
                assert clock.configurable, (ch.code, clock.kind)
    # The 12345 tiers come from a Beijing draft: grade C.
    assert get_channel("service_dispatch").clock(K.GENERAL_HANDLING).grade is Grade.C


def test_a_grade_c_rule_cannot_be_declared_binding() -> None:
    with pytest.raises(ValueError, match="configurable"):
        ClockRule(
            K.GENERAL_HANDLING,
            7,
            Unit.CALENDAR_DAYS,
            StartEvent.DISPATCH,
            "x",
            "x",
            Citation("某规范", "Some draft", "", Grade.C),
        )


def test_mediation_interrupts_civil_and_labour_limits_but_not_reconsideration() -> None:
    assert get_channel("litigation").clock(K.FILING_LIMIT).interrupted_by_mediation
    assert get_channel("labour_arbitration").clock(K.FILING_LIMIT).interrupted_by_mediation
    assert (
        not get_channel("administrative_reconsideration")
        .clock(K.FILING_LIMIT)
        .interrupted_by_mediation
    )


# Configuration overrides -------------------------------------------------------------------


def test_configurable_default_can_be_overridden(cal: Calendar) -> None:
    # Jinan tier set to 3 working days: from Wed 30 Apr 2025 -> 6, 7, Thu 8 May.
    result = compute_clock(
        "service_dispatch", K.WORKING_DAY_HANDLING, D("2025-04-30"), cal, amount=3
    )
    assert result.due == D("2025-05-08")
    # People's mediation set to 45 days: 5 Sep 2025 + 45 = Mon 20 Oct.
    result = compute_clock("peoples_mediation", K.MEDIATION_PERIOD, D("2025-09-05"), cal, amount=45)
    assert result.due == D("2025-10-20")


def test_statutory_amount_cannot_be_overridden(cal: Calendar) -> None:
    with pytest.raises(RulesError, match="set by law"):
        compute_clock("labour_arbitration", K.ACCEPTANCE, D("2025-09-29"), cal, amount=10)


def test_petition_days_can_be_read_as_working_days(cal: Calendar) -> None:
    # Review request 30 working days from Mon 29 Dec 2025: 30, 31 Dec (2), Sun 4 Jan (3),
    # then 5-9 Jan (8), 12-16 (13), 19-23 (18), 26-30 (23), 2-6 Feb (28), 9 Feb (29), 10 Feb (30).
    result = compute_clock(
        "petition", K.REVIEW_REQUEST, D("2025-12-29"), cal, unit=Unit.WORKING_DAYS
    )
    assert result.due == D("2026-02-10")
    with pytest.raises(RulesError, match="unit"):
        compute_clock("labour_arbitration", K.ACCEPTANCE, D("2025-09-29"), cal, unit="working_days")


def test_hour_clocks_need_an_instant(cal: Calendar) -> None:
    with pytest.raises(RulesError):
        compute_clock("service_dispatch", K.EMERGENCY_RESPONSE, D("2025-10-01"), cal)


def test_years_without_a_schedule_make_a_result_provisional(cal: Calendar) -> None:
    # Land limitation from 1 Sep 2025 ends 1 Sep 2027: the 2027 schedule is not in the data.
    result = compute_clock("land_arbitration", K.FILING_LIMIT, D("2025-09-01"), cal)
    assert result.due == D("2027-09-01")
    assert result.provisional
    assert not compute_clock("land_arbitration", K.ACCEPTANCE, D("2025-04-25"), cal).provisional


# Extensions --------------------------------------------------------------------------------


def test_extension_up_to_the_maximum_is_allowed() -> None:
    validate_extension("labour_arbitration", K.DECISION, 15)
    validate_extension("petition", K.DECISION, 30)
    validate_extension("administrative_reconsideration", K.DECISION, 30)
    validate_extension("land_arbitration", K.DECISION, 30)
    # Mediation can be extended by consent without a statutory cap.
    validate_extension("peoples_mediation", K.MEDIATION_PERIOD, 45)


@pytest.mark.parametrize(
    ("channel", "kind", "days", "maximum"),
    [
        ("labour_arbitration", K.DECISION, 16, "15"),
        ("petition", K.DECISION, 31, "30"),
        ("administrative_reconsideration", K.DECISION, 31, "30"),
        ("land_arbitration", K.DECISION, 31, "30"),
        ("judicial_confirmation", K.DECISION, 11, "10"),
        ("administrative_mediation", K.ACCEPTANCE, 6, "5"),
    ],
)
def test_extension_beyond_the_maximum_is_refused(
    channel: str, kind: ClockKind, days: int, maximum: str
) -> None:
    with pytest.raises(ExtensionError) as caught:
        validate_extension(channel, kind, days)
    assert f"maximum of {maximum}" in caught.value.message_en
    assert f"最多延长{maximum}" in caught.value.message_zh
    with pytest.raises(ExtensionError):
        compute_clock(channel, kind, D("2025-03-03"), default_calendar(), extension_days=days)


def test_clocks_without_an_extension_cannot_be_extended() -> None:
    with pytest.raises(ExtensionError, match="cannot be extended"):
        validate_extension("administrative_reconsideration", K.FILING_LIMIT, 1)
    with pytest.raises(ExtensionError):
        validate_extension("labour_arbitration", K.DECISION, -1)


# Mediation interruption (W2) ---------------------------------------------------------------


def test_labour_limit_restarts_from_the_mediation_request(cal: Calendar) -> None:
    # Knew 3 Oct 2024; asked for mediation 10 Mar 2025 -> 1 year from then = Tue 10 Mar 2026.
    result = compute_clock(
        "labour_arbitration",
        K.FILING_LIMIT,
        D("2024-10-03"),
        cal,
        mediation_requested_on=D("2025-03-10"),
    )
    assert result.due == D("2026-03-10")
    assert result.restarted


def test_civil_limit_restarts_when_mediation_ends(cal: Calendar) -> None:
    # Knew 5 Oct 2022; mediation 10 Jan - 1 Mar 2023 -> 3 years from 1 Mar 2023 = Sun 1 Mar 2026
    # -> Mon 2 Mar.
    result = compute_clock(
        "litigation",
        K.FILING_LIMIT,
        D("2022-10-05"),
        cal,
        mediation_requested_on=D("2023-01-10"),
        mediation_ended_on=D("2023-03-01"),
    )
    assert result.due == D("2026-03-02")
    with pytest.raises(RulesError, match="mediation_ended_on"):
        compute_clock(
            "litigation",
            K.FILING_LIMIT,
            D("2022-10-05"),
            cal,
            mediation_requested_on=D("2023-01-10"),
        )


def test_mediation_does_not_move_the_reconsideration_limit(cal: Calendar) -> None:
    plain = compute_clock("administrative_reconsideration", K.FILING_LIMIT, D("2025-08-05"), cal)
    with_mediation = compute_clock(
        "administrative_reconsideration",
        K.FILING_LIMIT,
        D("2025-08-05"),
        cal,
        mediation_requested_on=D("2025-08-20"),
        mediation_ended_on=D("2025-10-20"),
    )
    assert with_mediation.due == plain.due == D("2025-10-09")
    assert not with_mediation.restarted


def test_reconsideration_expiring_before_mediation_ends_is_warned(cal: Calendar) -> None:
    # Knew 1 Sep 2025: 复议 ends 1 Sep + 60 = Fri 31 Oct. Mediation from 15 Oct ends
    # 15 Oct + 30 = Fri 14 Nov, after 31 Oct -> warn.
    warning = limitation_warning(
        knowledge_date=D("2025-09-01"), mediation_started_on=D("2025-10-15"), calendar=cal
    )
    assert warning is not None
    assert warning.filing.due == D("2025-10-31")
    assert warning.mediation_end == D("2025-11-14")
    assert not warning.expired
    assert "2025年10月31日" in warning.message_zh
    assert "2025-10-31" in warning.message_en and "2025-11-14" in warning.message_en


def test_no_warning_when_mediation_ends_first(cal: Calendar) -> None:
    # Mediation from 5 Sep 2025 ends Sun 5 Oct -> Thu 9 Oct, before 31 Oct.
    assert (
        limitation_warning(
            knowledge_date=D("2025-09-01"), mediation_started_on=D("2025-09-05"), calendar=cal
        )
        is None
    )


def test_warning_when_both_end_the_same_day_and_with_a_longer_local_default(cal: Calendar) -> None:
    # Mediation from 1 Oct 2025 + 30 = Fri 31 Oct, the 复议 end itself -> warn.
    assert limitation_warning(
        knowledge_date=D("2025-09-01"), mediation_started_on=D("2025-10-01"), calendar=cal
    )
    # A 60-day local default from 5 Sep ends Tue 4 Nov, after 31 Oct -> warn.
    assert limitation_warning(
        knowledge_date=D("2025-09-01"),
        mediation_started_on=D("2025-09-05"),
        calendar=cal,
        mediation_days=60,
    )


def test_warning_says_when_the_limit_has_already_expired(cal: Calendar) -> None:
    warning = limitation_warning(
        knowledge_date=D("2025-09-01"), mediation_started_on=D("2025-11-05"), calendar=cal
    )
    assert warning is not None and warning.expired
    assert "already expired" in warning.message_en


def test_no_warning_for_limits_that_mediation_interrupts(cal: Calendar) -> None:
    assert (
        limitation_warning(
            knowledge_date=D("2024-10-20"),
            mediation_started_on=D("2025-10-15"),
            calendar=cal,
            channel_code="labour_arbitration",
        )
        is None
    )


# Route notices (人民调解法 art 26) ---------------------------------------------------------


def test_failed_mediation_lists_routes_with_their_deadlines(cal: Calendar) -> None:
    # Knew 1 Sep 2025; mediation asked 5 Sep, failed 20 Oct 2025.
    notice = route_notice(
        "peoples_mediation",
        D("2025-09-01"),
        cal,
        mediation_requested_on=D("2025-09-05"),
        ended_on=D("2025-10-20"),
    )
    by_code = {o.channel_code: o for o in notice.options}
    assert set(by_code) == {
        "administrative_mediation",
        "administrative_ruling",
        "labour_arbitration",
        "land_arbitration",
        "litigation",
    }
    # Labour: restarts from the request, 5 Sep 2026 is a Saturday -> Mon 7 Sep 2026.
    assert by_code["labour_arbitration"].deadline.due == D("2026-09-07")
    # Land: not interrupted, 2 years from 1 Sep 2025 -> Wed 1 Sep 2027.
    assert by_code["land_arbitration"].deadline.due == D("2027-09-01")
    # Civil: restarts when mediation ended, 20 Oct 2028 (Fri).
    assert by_code["litigation"].deadline.due == D("2028-10-20")
    assert by_code["administrative_mediation"].deadline is None
    assert notice.citation is not None and notice.citation.article == "26"
    assert "人民调解法第26条" in notice.text_zh
    assert "2026年9月7日" in notice.text_zh
    assert "2028-10-20" in notice.text_en and "art 26" in notice.text_en


def test_route_notice_without_interruption_counts_from_knowledge(cal: Calendar) -> None:
    # Civil 3 years from 1 Sep 2025 = Fri 1 Sep 2028.
    notice = route_notice("peoples_mediation", D("2025-09-01"), cal)
    litigation = next(o for o in notice.options if o.channel_code == "litigation")
    assert litigation.deadline.due == D("2028-09-01")


def test_route_after_an_award_is_the_suit_deadline(cal: Calendar) -> None:
    # Award received Sun 1 Feb 2026: suit within 15 days -> 16 Feb (holiday) -> Tue 24 Feb.
    notice = route_notice("labour_arbitration", D("2026-02-01"), cal)
    (option,) = notice.options
    assert option.channel_code == "litigation"
    assert option.deadline.due == D("2026-02-24")
    assert notice.citation is None
    assert "2026年2月24日" in notice.text_zh


def test_petition_redirects_to_statutory_routes(cal: Calendar) -> None:
    notice = route_notice("petition", D("2025-08-05"), cal)
    by_code = {o.channel_code: o for o in notice.options}
    # 复议 60 days from 5 Aug 2025 -> Thu 9 Oct (see above).
    assert by_code["administrative_reconsideration"].deadline.due == D("2025-10-09")
    assert len(notice.text_en.splitlines()) == 1 + len(notice.options)
