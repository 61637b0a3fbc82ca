"""Tests for the working-day calendar. Expected dates are worked out by hand in the comments."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concord.core.calendar import (
    DEFAULT_CALENDAR_PATH,
    Calendar,
    CalendarRangeError,
    Remaining,
    Unit,
    default_calendar,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return default_calendar()


# The shipped data --------------------------------------------------------------------------

# (day, is it a working day) straight from each year's State Council notice.
NOTICE_FACTS = [
    # 2020: New Year 1 Jan; Spring Festival 24 Jan - 2 Feb after the COVID extension, which
    # cancelled the 1 Feb working Saturday; 19 Jan (Sun) worked.
    ("2020-01-01", False),
    ("2020-01-19", True),
    ("2020-01-31", False),
    ("2020-02-01", False),
    ("2020-02-02", False),
    ("2020-02-03", True),
    ("2020-04-26", True),
    ("2020-05-05", False),
    ("2020-05-09", True),
    ("2020-06-28", True),
    ("2020-09-27", True),
    ("2020-10-08", False),
    ("2020-10-10", True),
    # 2021
    ("2021-02-07", True),
    ("2021-02-17", False),
    ("2021-02-20", True),
    ("2021-09-18", True),
    ("2021-09-21", False),
    ("2021-09-26", True),
    ("2021-10-09", True),
    # 2022: Spring Festival 31 Jan - 6 Feb with 29 and 30 Jan (Sat, Sun) worked.
    ("2022-01-29", True),
    ("2022-01-30", True),
    ("2022-01-31", False),
    ("2022-04-02", True),
    ("2022-05-04", False),
    ("2022-05-07", True),
    ("2022-10-08", True),
    ("2022-10-09", True),
    ("2022-12-31", False),
    # 2023: New Year 31 Dec 2022 - 2 Jan; Qingming one day, 5 Apr (Wed).
    ("2023-01-02", False),
    ("2023-01-28", True),
    ("2023-01-29", True),
    ("2023-04-05", False),
    ("2023-04-23", True),
    ("2023-06-25", True),
    ("2023-09-29", False),
    ("2023-10-06", False),
    ("2023-10-07", True),
    ("2023-10-08", True),
    # 2024: Spring Festival 10-17 Feb, 4 and 18 Feb (Sundays) worked; eve 9 Feb a weekday.
    ("2024-02-04", True),
    ("2024-02-09", True),
    ("2024-02-16", False),
    ("2024-02-18", True),
    ("2024-04-07", True),
    ("2024-05-11", True),
    ("2024-06-10", False),
    ("2024-09-14", True),
    ("2024-09-29", True),
    ("2024-10-12", True),
    # 2025: Spring Festival 28 Jan - 4 Feb (8 days under the new rules), 26 Jan (Sun) and
    # 8 Feb (Sat) worked; Labour Day 1-5 May with only 27 Apr worked; 1-8 Oct.
    ("2025-01-01", False),
    ("2025-01-26", True),
    ("2025-01-27", True),
    ("2025-01-28", False),
    ("2025-02-04", False),
    ("2025-02-08", True),
    ("2025-04-27", True),
    ("2025-05-05", False),
    ("2025-05-10", False),
    ("2025-06-02", False),
    ("2025-09-28", True),
    ("2025-10-08", False),
    ("2025-10-11", True),
    # 2026: New Year 1-3 Jan with 4 Jan (Sun) worked; Spring Festival 15-23 Feb (9 days)
    # with 14 and 28 Feb (Saturdays) worked; National Day 1-7 Oct, 20 Sep and 10 Oct worked.
    ("2026-01-02", False),
    ("2026-01-04", True),
    ("2026-02-14", True),
    ("2026-02-23", False),
    ("2026-02-28", True),
    ("2026-05-05", False),
    ("2026-05-09", True),
    ("2026-06-19", False),
    ("2026-09-20", True),
    ("2026-09-25", False),
    ("2026-10-07", False),
    ("2026-10-10", True),
]


@pytest.mark.parametrize(("day", "working"), NOTICE_FACTS)
def test_shipped_calendar_matches_the_notices(cal: Calendar, day: str, working: bool) -> None:
    assert cal.is_working_day(D(day)) is working


def test_shipped_calendar_covers_2020_to_2026_only(cal: Calendar) -> None:
    # 2027 is deliberately not shipped: an administrator adds it from the published notice.
    assert cal.years == frozenset(range(2020, 2027))
    assert cal.covers(D("2026-12-31"))
    assert not cal.covers(D("2027-01-01"))
    assert not cal.covers_range(D("2026-12-01"), D("2027-01-10"))


def test_shipped_year_totals_match_the_notices(cal: Calendar) -> None:
    # Days off listed per notice (including days that fall on a weekend):
    # 2021: 3 + 7 + 3 + 5 + 3 + 3 + 7 = 31; 2025: 1 + 8 + 3 + 5 + 3 + 8 = 28;
    # 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 = 33.
    def days_off(year: int) -> int:
        return sum(1 for d in cal.holidays if d.year == year)

    assert days_off(2021) == 31
    assert days_off(2025) == 28
    assert days_off(2026) == 33
    # Adjusted working days: 2025 has 5 (26 Jan, 8 Feb, 27 Apr, 28 Sep, 11 Oct).
    assert sorted(d for d in cal.working_weekends if d.year == 2025) == [
        D("2025-01-26"),
        D("2025-02-08"),
        D("2025-04-27"),
        D("2025-09-28"),
        D("2025-10-11"),
    ]


def test_every_adjusted_working_day_in_the_data_is_a_weekend() -> None:
    data = json.loads(DEFAULT_CALENDAR_PATH.read_text(encoding="utf-8"))
    for year in data["years"].values():
        for row in year["working_days"]:
            assert D(row["date"]).weekday() >= 5, row


def test_unpublished_years_use_the_statutory_holidays(cal: Calendar) -> None:
    # 1 Jan 2027 is a Friday: no schedule yet, but 元旦 is a holiday by law (放假办法 art 2).
    assert not cal.is_working_day(D("2027-01-01"))
    assert not cal.is_working_day(D("2027-01-02"))
    assert cal.is_working_day(D("2027-01-04"))
    assert not cal.covers(D("2027-01-01"))


# Construction ------------------------------------------------------------------------------


def test_from_entries_builds_a_calendar_like_an_admin_table() -> None:
    calendar = Calendar.from_entries(
        [(D("2030-10-01"), False), (D("2030-10-02"), False), (D("2030-09-29"), True)],
        years=[2030],
    )
    assert not calendar.is_working_day(D("2030-10-01"))  # Tuesday, holiday
    assert calendar.is_working_day(D("2030-09-29"))  # Sunday, worked
    assert calendar.is_working_day(D("2030-10-03"))  # Thursday, ordinary
    assert calendar.covers(D("2030-05-05"))


def test_from_json_reads_a_file(tmp_path) -> None:
    path = tmp_path / "cal.json"
    path.write_text(
        json.dumps(
            {
                "timezone": "Asia/Shanghai",
                "years": {
                    "2031": {
                        "holidays": [{"from": "2031-01-01", "to": "2031-01-03"}],
                        "working_days": [{"date": "2031-01-05"}],
                    }
                },
            }
        ),
        encoding="utf-8",
    )
    calendar = Calendar.from_json(path)
    assert not calendar.is_working_day(D("2031-01-02"))
    assert calendar.is_working_day(D("2031-01-05"))  # a Sunday made a working day


def test_a_weekday_listed_as_adjusted_working_day_is_refused() -> None:
    with pytest.raises(ValueError, match="weekend"):
        Calendar(working_days=[D("2025-01-27")])  # a Monday


def test_a_day_both_off_and_worked_is_refused() -> None:
    with pytest.raises(ValueError, match="both"):
        Calendar(holidays=[D("2025-01-26")], working_days=[D("2025-01-26")])


def test_dates_outside_the_table_are_refused(cal: Calendar) -> None:
    with pytest.raises(CalendarRangeError):
        cal.is_working_day(D("1980-01-01"))
    with pytest.raises(CalendarRangeError):
        cal.add_calendar_days(D("2149-12-01"), 100)


# Working days ------------------------------------------------------------------------------


def test_year_boundary_counts_the_sunday_worked_after_new_year(cal: Calendar) -> None:
    # Wed 31 Dec 2025; 1-3 Jan 2026 off; Sun 4 Jan worked (1); Mon 5 Jan (2).
    assert cal.add_working_days(D("2025-12-31"), 1) == D("2026-01-04")
    assert cal.add_working_days(D("2025-12-31"), 2) == D("2026-01-05")
    # Tue 31 Dec 2024; 1 Jan off; Thu 2 Jan (1), Fri 3 Jan (2), Mon 6 Jan (3).
    assert cal.add_working_days(D("2024-12-31"), 3) == D("2025-01-06")


def test_adjusted_weekend_working_days_count(cal: Calendar) -> None:
    # Fri 24 Jan 2025 -> Sun 26 Jan worked (1), Mon 27 (2); 28 Jan - 4 Feb off;
    # Wed 5 Feb (3), Thu 6 (4), Fri 7 (5), Sat 8 Feb worked (6), Mon 10 Feb (7).
    expected = ["2025-01-26", "2025-01-27", "2025-02-05", "2025-02-06", "2025-02-07"]
    expected += ["2025-02-08", "2025-02-10"]
    got = [cal.add_working_days(D("2025-01-24"), n) for n in range(1, 8)]
    assert got == [D(x) for x in expected]


def test_holidays_in_the_middle_are_skipped(cal: Calendar) -> None:
    # Thu 12 Feb 2026 -> Fri 13 (1), Sat 14 worked (2), 15-23 off, Tue 24 (3).
    assert cal.add_working_days(D("2026-02-12"), 3) == D("2026-02-24")
    # Fri 26 Sep 2025 -> Sun 28 worked (1), Mon 29 (2), Tue 30 (3), 1-8 Oct off,
    # Thu 9 (4), Fri 10 (5).
    assert cal.add_working_days(D("2025-09-26"), 5) == D("2025-10-10")


def test_starting_on_a_holiday_does_not_count_the_start(cal: Calendar) -> None:
    # Start Wed 1 Oct 2025 (holiday): first working day after it is Thu 9 Oct.
    assert cal.add_working_days(D("2025-10-01"), 1) == D("2025-10-09")


def test_zero_working_days_is_the_start_itself(cal: Calendar) -> None:
    assert cal.add_working_days(D("2025-10-01"), 0) == D("2025-10-01")


def test_negative_amounts_are_refused(cal: Calendar) -> None:
    with pytest.raises(ValueError):
        cal.add_working_days(D("2025-01-01"), -1)
    with pytest.raises(ValueError):
        cal.deadline(D("2025-01-01"), 5, Unit.CALENDAR_DAYS, extension_days=-1)


def test_large_n_matches_a_day_by_day_walk(cal: Calendar) -> None:
    start = D("2020-01-01")
    walked, day = 0, start
    while walked < 1500:
        day += timedelta(days=1)
        walked += cal.is_working_day(day)
    assert cal.add_working_days(start, 1500) == day
    assert cal.working_days_between(start, day) == 1500


def test_working_days_between_excludes_the_first_and_includes_the_last(cal: Calendar) -> None:
    # (30 Sep 2025, 9 Oct 2025]: 1-8 Oct off, 9 Oct works -> 1.
    assert cal.working_days_between(D("2025-09-30"), D("2025-10-09")) == 1
    assert cal.working_days_between(D("2025-10-09"), D("2025-09-30")) == -1
    assert cal.working_days_between(D("2025-10-09"), D("2025-10-09")) == 0
    # (Fri 24 Jan 2025, Mon 10 Feb 2025] holds 7 working days (see the test above).
    assert cal.working_days_between(D("2025-01-24"), D("2025-02-10")) == 7


# Calendar days and roll-over ---------------------------------------------------------------


def test_calendar_deadline_in_national_day_week_rolls_to_first_working_day(cal: Calendar) -> None:
    # Thu 25 Sep 2025 + 7 = Thu 2 Oct, a holiday; 1-8 Oct off -> Thu 9 Oct.
    assert cal.add_calendar_days(D("2025-09-25"), 7) == D("2025-10-09")
    assert cal.add_calendar_days(D("2025-09-25"), 7, roll_over=False) == D("2025-10-02")
    assert cal.deadline(D("2025-09-25"), 7, Unit.CALENDAR_DAYS) == D("2025-10-09")


def test_calendar_deadline_on_a_weekend_rolls_to_monday(cal: Calendar) -> None:
    # Fri 14 Nov 2025 + 1 = Sat 15 Nov -> Mon 17 Nov.
    assert cal.add_calendar_days(D("2025-11-14"), 1) == D("2025-11-17")


def test_calendar_deadline_on_an_adjusted_working_saturday_stays(cal: Calendar) -> None:
    # Sat 4 Oct 2025 + 7 = Sat 11 Oct, a working Saturday: no roll-over.
    assert cal.add_calendar_days(D("2025-10-04"), 7) == D("2025-10-11")


def test_spring_festival_roll_over(cal: Calendar) -> None:
    # Fri 13 Feb 2026 + 2 = Sun 15 Feb; 15-23 Feb off -> Tue 24 Feb.
    assert cal.add_calendar_days(D("2026-02-13"), 2) == D("2026-02-24")


def test_zero_calendar_days_rolls_a_holiday_start(cal: Calendar) -> None:
    assert cal.deadline(D("2025-10-03"), 0, Unit.CALENDAR_DAYS) == D("2025-10-09")
    assert cal.deadline(D("2025-10-03"), 0, Unit.WORKING_DAYS) == D("2025-10-09")
    assert cal.deadline(D("2025-10-09"), 0, Unit.CALENDAR_DAYS) == D("2025-10-09")


# Months and years --------------------------------------------------------------------------


def test_month_without_corresponding_day_ends_on_last_day(cal: Calendar) -> None:
    # 31 Jan 2025 + 1 month: no 31 Feb -> Fri 28 Feb 2025. In 2024 -> Thu 29 Feb.
    assert cal.deadline(D("2025-01-31"), 1, Unit.MONTHS) == D("2025-02-28")
    assert cal.deadline(D("2024-01-31"), 1, Unit.MONTHS) == D("2024-02-29")
    # 29 Feb 2024 + 1 year -> Fri 28 Feb 2025.
    assert cal.deadline(D("2024-02-29"), 1, Unit.YEARS) == D("2025-02-28")


def test_month_and_year_deadlines_roll_over(cal: Calendar) -> None:
    # 1 Apr 2025 + 6 months = 1 Oct 2025 (holiday) -> Thu 9 Oct.
    assert cal.deadline(D("2025-04-01"), 6, Unit.MONTHS) == D("2025-10-09")
    # 3 Oct 2022 + 3 years = 3 Oct 2025 (holiday) -> Thu 9 Oct.
    assert cal.deadline(D("2022-10-03"), 3, Unit.YEARS) == D("2025-10-09")
    # 10 Nov 2025 + 1 year = Tue 10 Nov 2026, a working day.
    assert cal.deadline(D("2025-11-10"), 1, Unit.YEARS) == D("2026-11-10")


# Pauses and extensions ---------------------------------------------------------------------


def test_calendar_pause_spanning_national_day_pushes_by_its_length(cal: Calendar) -> None:
    # 20 Sep 2025 + 15 = 5 Oct. Pause 30 Sep - 8 Oct (9 days) starts before then,
    # so the end moves 9 days to Tue 14 Oct, a working day.
    pauses = [(D("2025-09-30"), D("2025-10-08"))]
    assert cal.deadline(D("2025-09-20"), 15, Unit.CALENDAR_DAYS, pauses=pauses) == D("2025-10-14")


def test_working_day_pause_spanning_national_day_counts_only_paused_working_days(
    cal: Calendar,
) -> None:
    # Fri 26 Sep 2025, 5 working days, paused 29 Sep - 10 Oct.
    # Counted: Sun 28 Sep (1); paused; Sat 11 Oct worked (2), Mon 13 (3), Tue 14 (4), Wed 15 (5).
    pauses = [(D("2025-09-29"), D("2025-10-10"))]
    assert cal.deadline(D("2025-09-26"), 5, Unit.WORKING_DAYS, pauses=pauses) == D("2025-10-15")


def test_pause_after_the_deadline_changes_nothing(cal: Calendar) -> None:
    pauses = [(D("2025-12-01"), D("2025-12-10"))]
    assert cal.deadline(D("2025-11-03"), 5, Unit.CALENDAR_DAYS, pauses=pauses) == D("2025-11-10")


def test_pause_before_the_start_is_clipped(cal: Calendar) -> None:
    # Start Mon 3 Nov 2025 + 5 = Sat 8 Nov -> Mon 10 Nov. The pause 1-4 Nov only covers
    # 4 Nov after the start: end Sun 9 Nov -> Mon 10 Nov.
    pauses = [(D("2025-11-01"), D("2025-11-04"))]
    assert cal.deadline(D("2025-11-03"), 5, Unit.CALENDAR_DAYS, pauses=pauses) == D("2025-11-10")
    # 4-5 Nov: end Mon 10 Nov.
    pauses = [(D("2025-11-01"), D("2025-11-05"))]
    assert cal.deadline(D("2025-11-03"), 5, Unit.CALENDAR_DAYS, pauses=pauses) == D("2025-11-10")
    # 4-6 Nov (3 days): end Tue 11 Nov.
    pauses = [(D("2025-11-01"), D("2025-11-06"))]
    assert cal.deadline(D("2025-11-03"), 5, Unit.CALENDAR_DAYS, pauses=pauses) == D("2025-11-11")


def test_overlapping_pauses_are_not_counted_twice(cal: Calendar) -> None:
    # Mon 3 Nov 2025 + 10 = Thu 13 Nov; pauses 5-7 and 6-8 Nov merge into 5-8 (4 days) -> Mon 17.
    pauses = [(D("2025-11-05"), D("2025-11-07")), (D("2025-11-06"), D("2025-11-08"))]
    assert cal.deadline(D("2025-11-03"), 10, Unit.CALENDAR_DAYS, pauses=pauses) == D("2025-11-17")


def test_a_second_pause_reached_only_because_of_the_first_counts(cal: Calendar) -> None:
    # Mon 3 Nov 2025 + 5 = Sat 8 Nov. Pause 4-6 Nov (3) -> 11 Nov; pause 10-11 Nov (2) -> Thu 13.
    pauses = [(D("2025-11-10"), D("2025-11-11")), (D("2025-11-04"), D("2025-11-06"))]
    assert cal.deadline(D("2025-11-03"), 5, Unit.CALENDAR_DAYS, pauses=pauses) == D("2025-11-13")


def test_an_inverted_pause_is_refused(cal: Calendar) -> None:
    with pytest.raises(ValueError, match="pause"):
        cal.deadline(
            D("2025-11-03"), 5, Unit.CALENDAR_DAYS, pauses=[(D("2025-11-09"), D("2025-11-04"))]
        )


def test_extension_lengthens_the_period_before_roll_over(cal: Calendar) -> None:
    # 1 Dec 2025 + 60 = Fri 30 Jan 2026; + 30 more = 90 days = Sun 1 Mar 2026 -> Mon 2 Mar.
    assert cal.deadline(D("2025-12-01"), 60, Unit.CALENDAR_DAYS) == D("2026-01-30")
    extended = cal.deadline(D("2025-12-01"), 60, Unit.CALENDAR_DAYS, extension_days=30)
    assert extended == D("2026-03-02")


def test_extension_of_a_month_clock_adds_calendar_days(cal: Calendar) -> None:
    # 15 Jan 2025 + 1 month = Sat 15 Feb; + 10 days = Tue 25 Feb.
    assert cal.deadline(D("2025-01-15"), 1, Unit.MONTHS, extension_days=10) == D("2025-02-25")


# Datetime level ----------------------------------------------------------------------------


def test_aware_datetimes_start_on_their_local_day(cal: Calendar) -> None:
    # 30 Sep 2025 23:30 UTC is 1 Oct 07:30 in Shanghai, so the start day is 1 Oct.
    late_utc = datetime(2025, 9, 30, 23, 30, tzinfo=UTC)
    assert cal.local_date(late_utc) == D("2025-10-01")
    # 14 Nov 2025 17:00 UTC is Sat 15 Nov 01:00 local: + 3 days = Tue 18 Nov.
    # (Read on the UTC date, Fri 14 + 3 would have given Mon 17 Nov.)
    evening_utc = datetime(2025, 11, 14, 17, 0, tzinfo=UTC)
    assert cal.deadline(evening_utc, 3, Unit.CALENDAR_DAYS) == D("2025-11-18")


def test_naive_datetimes_are_refused(cal: Calendar) -> None:
    with pytest.raises(ValueError, match="Naive"):
        cal.deadline(datetime(2025, 11, 14, 9, 0), 3, Unit.CALENDAR_DAYS)


def test_a_deadline_is_the_end_of_the_due_day(cal: Calendar) -> None:
    due = D("2025-10-09")
    assert cal.due_at(due) == datetime(2025, 10, 10, 0, 0, tzinfo=SHANGHAI)
    assert not cal.is_breached(due, datetime(2025, 10, 9, 23, 59, 59, tzinfo=SHANGHAI))
    # 16:00 UTC on 9 Oct is midnight in Shanghai.
    assert cal.is_breached(due, datetime(2025, 10, 9, 16, 0, tzinfo=UTC))


def test_deadline_at_for_day_and_hour_clocks(cal: Calendar) -> None:
    received = datetime(2025, 10, 1, 10, 0, tzinfo=SHANGHAI)
    # Hour clocks ignore holidays: 2 h after 10:00 on National Day is 12:00.
    assert cal.deadline_at(received, 2, Unit.HOURS) == datetime(2025, 10, 1, 12, tzinfo=SHANGHAI)
    # 5 working days from 1 Oct: 9, 10, 11 (Sat worked), 13, 14 Oct -> ends at 15 Oct 00:00.
    assert cal.deadline_at(received, 5, Unit.WORKING_DAYS) == datetime(
        2025, 10, 15, 0, 0, tzinfo=SHANGHAI
    )
    with pytest.raises(ValueError):
        cal.deadline_at(received, 2, Unit.HOURS, extension_days=1)
    with pytest.raises(ValueError):
        cal.deadline(received, 2, Unit.HOURS)


def test_pause_dates_exclude_the_resume_day_but_not_the_pause_day(cal: Calendar) -> None:
    paused = datetime(2025, 11, 3, 15, 0, tzinfo=SHANGHAI)  # Monday afternoon
    resumed = datetime(2025, 11, 5, 9, 0, tzinfo=SHANGHAI)  # Wednesday morning
    assert cal.pause_dates(paused, resumed) == (D("2025-11-04"), D("2025-11-05"))
    assert cal.pause_dates(paused, datetime(2025, 11, 3, 18, 0, tzinfo=SHANGHAI)) is None


def test_remaining_counts_calendar_and_working_days(cal: Calendar) -> None:
    due = D("2025-10-09")
    # From 30 Sep: 9 calendar days, 1 working day (9 Oct).
    assert cal.remaining(due, D("2025-09-30")) == Remaining(9, 1, False)
    assert cal.remaining(due, due) == Remaining(0, 0, False)
    # Fri 10 Oct: one day late, (9 Oct, 10 Oct] has 1 working day -> -1.
    assert cal.remaining(due, D("2025-10-10")) == Remaining(-1, -1, True)
    # An aware instant is read on its local day: 9 Oct 16:30 UTC is 10 Oct in Shanghai.
    assert cal.remaining(due, datetime(2025, 10, 9, 16, 30, tzinfo=UTC)).overdue


# Vectorised --------------------------------------------------------------------------------


def test_array_functions_match_the_scalar_ones(cal: Calendar) -> None:
    starts = np.array(
        ["2025-09-26", "2025-12-31", "2025-10-01", "2026-02-12"], dtype="datetime64[D]"
    )
    got = cal.add_working_days_array(starts, np.array([5, 1, 0, 3]))
    assert [str(d) for d in got] == ["2025-10-10", "2026-01-04", "2025-10-01", "2026-02-24"]
    assert cal.is_working_day_array(starts).tolist() == [True, True, False, True]


# Properties --------------------------------------------------------------------------------

days = st.dates(min_value=date(2019, 6, 1), max_value=date(2027, 6, 30))
amounts = st.integers(min_value=0, max_value=400)


@settings(max_examples=200, deadline=None)
@given(start=days, n=amounts)
def test_working_day_deadline_always_lands_on_a_working_day(start: date, n: int) -> None:
    cal = default_calendar()
    due = cal.deadline(start, n, Unit.WORKING_DAYS)
    assert cal.is_working_day(due)
    assert due >= start


@settings(max_examples=200, deadline=None)
@given(start=days, n=amounts, unit=st.sampled_from([Unit.CALENDAR_DAYS, Unit.MONTHS]))
def test_calendar_deadline_lands_on_a_working_day_not_before_the_raw_end(
    start: date, n: int, unit: Unit
) -> None:
    cal = default_calendar()
    due = cal.deadline(start, n % 40 if unit is Unit.MONTHS else n, unit)
    assert cal.is_working_day(due)
    if unit is Unit.CALENDAR_DAYS:
        raw = start + timedelta(days=n)
        assert due >= raw
        # Roll-over never skips a working day.
        assert cal.working_days_between(raw, due) <= (1 if not cal.is_working_day(raw) else 0)


@settings(max_examples=200, deadline=None)
@given(
    start=days, n=amounts, more=st.integers(min_value=0, max_value=60), unit=st.sampled_from(Unit)
)
def test_adding_more_never_gives_an_earlier_date(
    start: date, n: int, more: int, unit: Unit
) -> None:
    if unit is Unit.HOURS:
        return
    cal = default_calendar()
    if unit in (Unit.MONTHS, Unit.YEARS):
        n, more = n % 24, more % 24
    assert cal.deadline(start, n + more, unit) >= cal.deadline(start, n, unit)


@settings(max_examples=200, deadline=None)
@given(start=days, n=amounts)
def test_working_days_between_inverts_add_working_days(start: date, n: int) -> None:
    cal = default_calendar()
    assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


@settings(max_examples=150, deadline=None)
@given(
    start=days,
    n=st.integers(min_value=1, max_value=90),
    offset=st.integers(min_value=-10, max_value=80),
    length=st.integers(min_value=0, max_value=20),
    unit=st.sampled_from([Unit.CALENDAR_DAYS, Unit.WORKING_DAYS]),
)
def test_a_pause_never_brings_a_deadline_forward_and_matches_a_walk(
    start: date, n: int, offset: int, length: int, unit: Unit
) -> None:
    cal = default_calendar()
    pause = (start + timedelta(days=offset), start + timedelta(days=offset + length))
    due = cal.deadline(start, n, unit, pauses=[pause])
    assert due >= cal.deadline(start, n, unit)
    # Reference: walk day by day, counting only unpaused days (working days for that unit).
    counted, day = 0, start
    while counted < n:
        day += timedelta(days=1)
        paused = pause[0] <= day <= pause[1]
        if not paused and (unit is Unit.CALENDAR_DAYS or cal.is_working_day(day)):
            counted += 1
    assert due == cal.next_working_day(day)
