"""Statutory holidays computed for a year without a loaded schedule, checked against dates
worked out by hand from 全国年节及纪念日放假办法 (2024 revision) and the published lunar calendar
(农历) and solar-term tables for those years.
"""

from datetime import date

import pytest

from concord.core.calendar import Calendar, default_calendar
from concord.core.holidays import festivals, statutory_days_off

D = date.fromisoformat

# (festival, days off, make-up days, basis). Lunar dates from the almanac: 2027 正月初一 is
# 2027-02-06, 五月初五 06-09, 八月十五 09-15; 清明 2027-04-05. 2028: 正月初一 01-26, 五月初五
# 05-28, 八月十五 10-03, 清明 04-04.
HAND_COMPUTED = {
    2027: [
        ("元旦", ["2027-01-01"], [], "art 2(1): 1 January, a Friday"),
        (
            "春节",
            ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"],
            ["2027-02-09", "2027-02-10"],
            "art 2(2): 除夕 to 初三; 02-06 Sat and 02-07 Sun made up (art 6)",
        ),
        ("清明节", ["2027-04-05"], [], "art 2(3): the Qingming term, a Monday"),
        (
            "劳动节",
            ["2027-05-01", "2027-05-02"],
            ["2027-05-03", "2027-05-04"],
            "art 2(4): 1-2 May, a Saturday and Sunday, made up (art 6)",
        ),
        ("端午节", ["2027-06-09"], [], "art 2(5): 五月初五, a Wednesday"),
        ("中秋节", ["2027-09-15"], [], "art 2(6): 八月十五, a Wednesday"),
        (
            "国庆节",
            ["2027-10-01", "2027-10-02", "2027-10-03"],
            ["2027-10-04", "2027-10-05"],
            "art 2(7): 1-3 October; Saturday and Sunday made up (art 6)",
        ),
    ],
    2028: [
        ("元旦", ["2028-01-01"], ["2028-01-03"], "art 2(1), a Saturday; made up Monday (art 6)"),
        (
            "春节",
            ["2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28"],
            [],
            "art 2(2): 除夕 Tuesday to 初三 Friday",
        ),
        ("清明节", ["2028-04-04"], [], "art 2(3): a Tuesday"),
        ("劳动节", ["2028-05-01", "2028-05-02"], [], "art 2(4): Monday and Tuesday"),
        ("端午节", ["2028-05-28"], ["2028-05-29"], "art 2(5): a Sunday; made up Monday (art 6)"),
        ("中秋节", ["2028-10-03"], [], "art 2(6): a Tuesday (also National Day)"),
        (
            "国庆节",
            ["2028-10-01", "2028-10-02", "2028-10-03"],
            ["2028-10-04"],
            "art 2(7): 10-01 is a Sunday, made up on the first free weekday (art 6)",
        ),
    ],
}


@pytest.mark.parametrize("year", sorted(HAND_COMPUTED))
def test_festivals_match_the_hand_computed_table(year):
    computed = {f.name_zh: f for f in festivals(year)}
    for name, days, make_up, basis in HAND_COMPUTED[year]:
        assert [d.isoformat() for d in computed[name].days] == days, basis
        assert [d.isoformat() for d in computed[name].make_up] == make_up, basis


def test_a_deadline_in_an_unloaded_year_does_not_land_on_national_day():
    cal = default_calendar()
    assert 2027 not in cal.years
    # 30 days from 2027-09-01 → 10-01 (国庆, computed) → 10-06, the first working day after
    # 10-01..03 and the make-up days 10-04..05.
    assert cal.deadline(D("2027-09-01"), 30, "calendar_days") == D("2027-10-06")
    # 5 working days from 2027-01-29 (Friday) skip the 春节 days 02-05..10: 02-01..04 and 02-11.
    assert cal.add_working_days(D("2027-01-29"), 5) == D("2027-02-11")


def test_a_loaded_year_wins_over_the_computed_one():
    cal = Calendar(holidays=[D("2027-10-06")], working_days=[D("2027-09-26")], years=[2027])
    assert cal.is_working_day(D("2027-10-04"))  # the loaded schedule has no make-up on 10-04
    assert not cal.is_working_day(D("2027-10-06"))
    assert cal.is_working_day(D("2027-09-26"))  # an adjusted working Sunday
    assert not cal.is_working_day(D("2028-01-01"))  # still computed


def test_every_year_of_the_span_is_computed_with_plausible_dates():
    for year in range(2025, 2150):
        days = {f.name_zh: f.days for f in festivals(year)}
        assert len(days) == 7
        assert date(year, 1, 20) <= days["春节"][0] <= date(year, 2, 20), year
        assert date(year, 4, 3) <= days["清明节"][0] <= date(year, 4, 6), year
        # 13 days, or 12 when 中秋 falls within 国庆 (2028, 2126 ...).
        assert len(statutory_days_off(year)) >= 12


def test_years_before_the_2024_rules_are_not_computed():
    with pytest.raises(ValueError):
        festivals(2020)
