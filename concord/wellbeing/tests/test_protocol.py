"""The pure rules: risk suggestion, clocks and small-count suppression."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from concord.wellbeing import protocol as p

TZ = ZoneInfo("Asia/Shanghai")


def answers(**kw):
    base = dict(ideation=0, hopelessness=0, has_plan=False, has_means=False, act_in_progress=False)
    return p.AssessmentAnswers(**{**base, **kw})


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"act_in_progress": True}, p.IMMINENT),
        ({"ideation": 3, "has_plan": True, "has_means": True}, p.IMMINENT),
        ({"ideation": 4, "has_means": True}, p.IMMINENT),
        ({"ideation": 2, "has_plan": True}, p.HIGH),
        ({"ideation": 3}, p.HIGH),
        ({"ideation": 2, "hopelessness": 3}, p.HIGH),
        ({"ideation": 1}, p.MODERATE),
        ({"hopelessness": 2}, p.MODERATE),
        ({}, p.LOW),
    ],
)
def test_the_assessment_suggests_a_risk_level(kw, expected):
    assert p.suggest_risk(answers(**kw)) == expected


def test_protective_factors_never_lower_the_suggestion():
    assert p.suggest_risk(answers(ideation=3, protective_factors=5)) == p.HIGH


def test_out_of_range_answers_are_reported():
    assert set(answers(ideation=5, hopelessness=-1).problems()) == {"ideation", "hopelessness"}


def test_contact_clocks_per_rule():
    opened = datetime(2026, 3, 2, 9, 30, tzinfo=TZ)
    imminent = p.RiskRule.from_dict({"contact_minutes": 60})
    same_day = p.RiskRule.from_dict({"contact_same_day": True})
    three_days = p.RiskRule.from_dict({"contact_days": 3})
    low = p.RiskRule.from_dict({})
    assert p.contact_due(opened, imminent, same_day_min_hours=4) == opened + timedelta(hours=1)
    assert p.contact_due(opened, same_day, same_day_min_hours=4) == datetime(
        2026, 3, 2, 23, 59, 59, tzinfo=TZ
    )
    assert p.contact_due(opened, three_days, same_day_min_hours=4) == opened + timedelta(days=3)
    assert p.contact_due(opened, low, same_day_min_hours=4) is None


def test_a_late_evening_same_day_clock_still_leaves_the_minimum_time():
    late = datetime(2026, 3, 2, 22, 0, tzinfo=TZ)
    rule = p.RiskRule.from_dict({"contact_same_day": True})
    assert p.contact_due(late, rule, same_day_min_hours=4) == late + timedelta(hours=4)


def test_follow_up_times_are_sorted_offsets():
    start = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    rule = p.RiskRule.from_dict({"follow_up_hours": [168, 24]})
    assert p.follow_up_times(start, rule) == [start + timedelta(days=1), start + timedelta(days=7)]


def test_small_counts_are_suppressed_with_a_second_cell_when_one_alone_would_leak():
    assert p.suppress_counts([12, 3, 0, 40], threshold=5) == [None, None, 0, 40]
    assert p.suppress_counts([2, 3, 9, 0], threshold=5) == [None, None, 9, 0]
    assert p.suppress_counts([5, 6, 0, 0], threshold=5) == [5, 6, 0, 0]
    # A lone small cell with nothing else to hide stays hidden on its own.
    assert p.suppress_counts([0, 1, 0, 0], threshold=5) == [0, None, 0, 0]


def test_a_small_total_is_hidden_but_zero_is_shown():
    assert p.suppress_total(4, threshold=5) is None
    assert p.suppress_total(0, threshold=5) == 0
    assert p.suppress_total(5, threshold=5) == 5


def test_risk_order():
    assert p.higher_risk(p.HIGH, p.IMMINENT) == p.IMMINENT
    assert p.higher_risk(p.MODERATE, p.LOW) == p.MODERATE
