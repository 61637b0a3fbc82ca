"""The documented level rules and the theme summary (pure, no database)."""

import pytest

from concord.assessments import rules
from concord.assessments.rules import PointInput
from concord.assessments.themes import CommentIn, keywords_of, summarise


def _p(key, likelihood, impact, dimension="feasibility", mitigated=True):
    return PointInput(key, dimension, likelihood, impact, mitigated)


def test_an_empty_register_with_few_stances_is_low_and_says_stances_were_not_counted():
    result = rules.overall_level([], support=2, oppose=5)
    assert result.level == "low"
    assert result.findings == []
    assert result.stances_counted is False


@pytest.mark.parametrize(
    ("points", "level", "fired"),
    [
        ([_p("a", 3, 5)], "high", {"R1", "R3"}),  # 15
        ([_p("a", 2, 7 // 2)], "low", set()),  # 6
        ([_p("a", 2, 4)], "medium", {"R3"}),  # 8 is the medium threshold
        ([_p("a", 2, 4), _p("b", 3, 3), _p("c", 4, 2)], "high", {"R2", "R3"}),
        ([_p("a", 2, 4), _p("b", 3, 3), _p("c", 1, 5)], "medium", {"R3"}),
    ],
)
def test_register_rules(points, level, fired):
    result = rules.overall_level(points)
    assert result.level == level
    assert {f.rule for f in result.findings} == fired


def test_scores_are_likelihood_times_impact():
    result = rules.overall_level([_p("a", 3, 4), _p("b", 5, 1)])
    assert result.scores == {"a": 12, "b": 5}


@pytest.mark.parametrize(
    ("support", "neutral", "oppose", "level", "rule"),
    [
        (4, 0, 6, "high", "R4"),  # 60% oppose: most people object
        (5, 0, 5, "medium", "R5"),  # exactly half is not "more than half"
        (8, 0, 2, "medium", "R5"),  # a fifth
        (9, 2, 2, "low", None),  # 2 of 13 < a fifth
    ],
)
def test_opposition_rules(support, neutral, oppose, level, rule):
    result = rules.overall_level([], support=support, neutral=neutral, oppose=oppose)
    assert result.level == level
    assert [f.rule for f in result.findings] == ([rule] if rule else [])


def test_the_highest_level_any_rule_gives_wins():
    result = rules.overall_level([_p("a", 2, 4)], support=3, oppose=8)
    assert result.level == "high"
    assert {f.rule for f in result.findings} == {"R3", "R4"}


@pytest.mark.parametrize("bad", [(0, 3), (3, 6)])
def test_scales_outside_one_to_five_are_refused(bad):
    with pytest.raises(ValueError):
        rules.overall_level([_p("a", *bad)])


def test_unknown_dimension_is_refused():
    with pytest.raises(ValueError):
        rules.overall_level([_p("a", 1, 1, dimension="safety")])


@pytest.mark.parametrize(
    ("level", "investment", "points", "refusal"),
    [
        ("medium", True, [], "investment_blocked"),
        ("high", True, [], "investment_blocked"),
        ("low", True, [], None),
        ("high", False, [], "not_controllable"),
        ("medium", False, [_p("a", 3, 3, mitigated=False)], "unmitigated_points"),
        ("medium", False, [_p("a", 3, 3), _p("b", 1, 2, mitigated=False)], None),
    ],
)
def test_implementing_is_refused_where_the_rules_say(level, investment, points, refusal):
    got = rules.decision_refusal(
        level=level, outcome="implement", is_investment=investment, points=points
    )
    assert got == refusal


def test_postponing_or_not_implementing_is_always_allowed():
    for outcome in ("postpone", "not_implement"):
        assert (
            rules.decision_refusal(level="high", outcome=outcome, is_investment=True, points=[])
            is None
        )


def _by_word(texts):
    return [("城乡建设", 0.9) if "补偿" in t else ("教育文体", 0.7) for t in texts]


def test_summary_groups_by_theme_with_counts_keywords_and_quotes():
    comments = [
        CommentIn(1, "征地补偿标准太低，希望提高补偿标准。"),
        CommentIn(2, "补偿款要按时发放，补偿标准要公示。"),
        CommentIn(3, "补偿太少了。"),
        CommentIn(4, "学校撤并以后孩子上学太远。"),
    ]
    summary = summarise(comments, _by_word)
    assert summary.total == 4
    assert [(t.label, t.count) for t in summary.themes] == [("城乡建设", 3), ("教育文体", 1)]
    top = summary.themes[0]
    words = dict(top.keywords)
    assert words["补偿"] == 3  # mentioned in all three comments, counted once each
    assert words["标准"] == 2
    # The first quote mentions most of the theme's recurring keywords.
    assert top.quotes[0][0] in (1, 2)
    assert top.comment_keys == [1, 2, 3]
    assert summary.assignments[4][0] == "教育文体"


def test_summary_of_nothing_is_empty():
    assert summarise([], _by_word).themes == []


def test_keywords_skip_function_words_and_single_characters():
    words = keywords_of("我们希望这个问题可以解决，垃圾站太臭了 the smell")
    assert "我们" not in words and "希望" not in words and "the" not in words
    assert "垃圾站" in words or "垃圾" in words
    assert all(len(w) >= 2 for w in words)
