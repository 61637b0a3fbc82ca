"""Crisis and urgency signals, measured on hand-written Chinese and English sentences."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concord.triage.algorithms.signals import (
    DANGER_TO_LIFE,
    GROUP_ACTION,
    SUICIDE_SELF_HARM,
    VIOLENCE_THREAT,
    VULNERABLE_PERSON,
    detect_signals,
    is_crisis,
    urgency,
)

FIXTURE = Path(__file__).parent / "fixtures" / "crisis_sentences.csv"


def _sentences(lang: str) -> list[tuple[str, bool]]:
    with open(FIXTURE, encoding="utf-8", newline="") as f:
        return [(r["text"], r["crisis"] == "1") for r in csv.DictReader(f) if r["lang"] == lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_crisis_recall_and_precision_on_the_test_set(lang):
    sentences = _sentences(lang)
    assert len(sentences) >= 100
    assert sum(truth for _, truth in sentences) >= 50
    flagged = [(is_crisis(text), truth) for text, truth in sentences]
    true_positives = sum(p and t for p, t in flagged)
    recall = true_positives / sum(t for _, t in flagged)
    precision = true_positives / max(1, sum(p for p, _ in flagged))
    assert recall >= 0.98, recall
    assert precision >= 0.8, precision


@pytest.mark.parametrize(
    "text",
    [
        "this heat is killing me",
        "笑死我了",
        "累死了",
        "kill the lights",
        "饿死了",
        "a killer deal",
        "电脑死机了",
        "we watched the suicide squad movie",
        "I'd kill for a coffee",
        "商场跳楼价清仓",
    ],
)
def test_idioms_are_not_crises(text):
    assert not is_crisis(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我从来没有想过自杀", False),
        ("我没有自残的行为", False),
        ("Caller denies suicidal thoughts", False),
        ("I would never hurt myself", False),
        ("我不会自杀的，但是我真的活不下去了", True),
        ("She is not suicidal, she says, but she has been cutting herself", True),
    ],
)
def test_negation_silences_only_the_negated_phrase(text, expected):
    assert is_crisis(text) is expected


def test_matched_words_carry_exact_spans():
    text = "ＨＥＬＰ：我老公说要跳楼，家里还有两个孩子"
    signals = {s.kind: s for s in detect_signals(text)}
    crisis = signals[SUICIDE_SELF_HARM].matched[0]
    assert crisis.text == "跳楼"
    assert text[crisis.start : crisis.end] == "跳楼"
    assert signals[VULNERABLE_PERSON].matched[0].text == "孩子"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("厂房着火了，里面还有工人被困", DANGER_TO_LIFE),
        ("There is a gas leak in block 3 and an old man is unconscious", DANGER_TO_LIFE),
        ("邻居扬言要拿刀砍死物业经理", VIOLENCE_THREAT),
        ("My neighbour said he will kill him if he parks there again", VIOLENCE_THREAT),
        ("明天上百名农民工要去县政府门口拉横幅讨薪", GROUP_ACTION),
        ("Villagers are blocking the road to the quarry in protest", GROUP_ACTION),
        ("独居老人家里停水三天了", VULNERABLE_PERSON),
        ("A disabled resident in a wheelchair cannot reach the lift", VULNERABLE_PERSON),
    ],
)
def test_urgency_kinds_are_found(text, kind):
    assert kind in {s.kind for s in detect_signals(text)}


def test_signals_are_strongest_first_and_urgency_combines_them():
    signals = detect_signals("他威胁要杀了你全家，家里还有孩子")
    assert [s.kind for s in signals] == [VIOLENCE_THREAT, VULNERABLE_PERSON]
    assert urgency(signals) > signals[0].weight
    assert urgency(signals) <= 1.0
    assert urgency([]) == 0.0


def test_plain_requests_have_no_signals():
    assert detect_signals("请问社保卡丢了怎么补办？") == []
    assert detect_signals("When will the bus timetable change?") == []
    assert detect_signals("") == []
    assert detect_signals(None) == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_spans_always_point_into_the_text(text):
    for signal in detect_signals(text):
        assert signal.matched
        for m in signal.matched:
            assert text[m.start : m.end] == m.text
