"""Find crisis and urgency signals in residents' messages (Chinese and English).

Each urgency kind has phrase patterns, a list of look-alike phrases that must not fire
("kill the lights") and a negation check. The suicide and self-harm kind comes from
`crisis.py`: its rule layer supplies the words shown here, and `is_crisis` is the union of that
rule layer and its trained character n-gram model. Idioms such as "累死了" or "this heat is
killing me" are simply not patterns.

Crisis detection favours recall: indirect signs (farewell messages, giving things away,
standing on a ledge) count, and a negated phrase only silences that one phrase, never the
whole message. A false alarm costs a counsellor a phone call; a miss can cost a life.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import crisis

SUICIDE_SELF_HARM = "suicide_self_harm"
DANGER_TO_LIFE = "danger_to_life"
VIOLENCE_THREAT = "violence_threat"
GROUP_ACTION = "group_action"
VULNERABLE_PERSON = "vulnerable_person"

WEIGHTS = {
    SUICIDE_SELF_HARM: 1.0,
    DANGER_TO_LIFE: 0.9,
    VIOLENCE_THREAT: 0.8,
    GROUP_ACTION: 0.6,
    VULNERABLE_PERSON: 0.4,
}
CRISIS_KINDS = frozenset({SUICIDE_SELF_HARM})
# Scanning is linear, but a bound keeps a pasted book from holding a request.
MAX_CHARS = 20000

_SELF = r"(?:myself|himself|herself|themselves|yourself|themself)"
_POSS = r"(?:my|his|her|their|your|our)"

_PATTERNS: dict[str, list[str]] = {
    DANGER_TO_LIFE: [
        r"生命危险|危及生命|快不行了|昏迷|不省人事|大出血|被困|溺水|落水|触电|着火|起火|火灾",
        r"(?:煤气|燃气|天然气)泄漏|爆炸|坍塌|倒塌|塌方|中毒|心脏病|呼吸困难|没有呼吸|抢救",
        r"life[- ]threatening|unconscious|not breathing|bleeding (?:heavily|badly)|trapped",
        r"drown\w*|on fire|gas leak|explo(?:sion|ded)|collapsed|electrocuted|poisoned",
        r"heart attack|critical condition|can't breathe|cannot breathe",
    ],
    VIOLENCE_THREAT: [
        r"杀了(?:你|他|她|他们|全家)|弄死|砍死|捅死|打死(?!也|都)|同归于尽|报复|威胁|恐吓",
        r"殴打|打人|持刀|拿刀|拿着刀|砍人|家暴|家庭暴力|打伤",
        r"kill (?:you|him|her|them|everyone)|i'll kill|beat (?:me|him|her|them) up|threaten\w*",
        r"assault\w*|attacked|stab\w*|knife|gun|domestic violence|hit me|revenge",
    ],
    GROUP_ACTION: [
        r"集体|群体|上访|集访|聚集|堵路|拦路|堵门|围堵|拉横幅|静坐|游行|示威|罢工|讨薪",
        r"(?:几十|上百|数百|上千|\d{2,})(?:名|个|位|户|人)|很多人|大批",
        r"protest\w*|demonstration|block(?:ed|ing)? the (?:road|gate|entrance)|strike|sit-in",
        r"dozens of|hundreds of|a crowd|all the residents|many residents|collective",
        r"unpaid wages|group of (?:workers|residents|villagers)",
    ],
    VULNERABLE_PERSON: [
        r"儿童|孩子|小孩|未成年|婴儿|学生|独居|空巢|孤寡|老人|残疾|残障|盲人|聋哑|精神病|精神障碍",
        r"孕妇|留守|瘫痪|低保",
        r"\bchild(?:ren)?\b|\bkids?\b|\bbaby\b|\bminor\b|\bpupil|\belderly\b|old (?:man|woman)",
        r"lives? alone|living alone|disab\w*|wheelchair|\bblind\b|\bdeaf\b|pregnant|dementia",
        r"teenage\w*|grandfather|grandmother",
    ],
}

# Look-alikes that contain a pattern but mean something else; a match inside one is dropped.
_LOOKALIKES = [
    r"跳楼(?:价|大甩卖|甩卖|梯)",
    r"自杀(?:小队|式)|(?:预防|防止|防范).{0,6}自杀|自杀预防|伪装成自杀",
    r"suicide squad|political suicide|career suicide|suicide (?:prevention|awareness|bomb\w*)",
    r"faked suicide|kill (?:the|some|time)\b|\bkill for\b|killer",
    r"ledger",
]

# A phrase is negated when the words just before it (same clause) deny it.
_NEGATION_ZH = re.compile(
    r"(?:没有|没|从没有?|从来没有?|并没有?|绝不会?|不会|不是|否认)(?:想过|打算|要|会|有过|过)?$"
)
_NEGATION_EN = re.compile(
    r"\b(?:not|never|no|denies|denied|deny|without|n't)\b(?:\s+\w+){0,2}\s*$|n't\s+$"
)
_JOKE = re.compile(r"开玩笑|玩笑|\bjok(?:e|ed|es|ing)\b")
_CLAUSE_BREAK = re.compile(r"[，。,.;；!！?？:：\n]")


@dataclass(frozen=True)
class Match:
    """Exact words that triggered a signal, with their character span in the original text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Signal:
    kind: str
    matched: tuple[Match, ...]
    weight: float


_COMPILED = {
    kind: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    for kind, patterns in _PATTERNS.items()
}
_LOOKALIKE = re.compile("|".join(f"(?:{p})" for p in _LOOKALIKES), re.IGNORECASE)


def _fold(text: str) -> str:
    """Return text NFKC-folded character by character, so offsets stay those of the input."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out).replace("’", "'")


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - 40) : start]
    parts = _CLAUSE_BREAK.split(window)
    return parts[-1] if parts else ""


def _is_negated(text: str, start: int) -> bool:
    before = _clause_before(text, start)
    if _JOKE.search(before):
        return True
    return bool(_NEGATION_ZH.search(before) or _NEGATION_EN.search(before.lower()))


def detect_signals(text: str | None) -> list[Signal]:
    """Return one Signal per kind found in text, strongest first.

    The suicide and self-harm signal carries the crisis rule layer's words; the model's view is
    in `crisis.assess` (and `is_crisis`).
    """
    if not text:
        return []
    original = text[:MAX_CHARS]
    folded = _fold(original)
    lookalikes = [(m.start(), m.end()) for m in _LOOKALIKE.finditer(folded)]
    signals = []
    hits = crisis.rule_hits(original)
    if hits:
        matches = tuple(Match(h.text, h.start, h.end) for h in sorted(hits, key=lambda h: h.start))
        signals.append(Signal(SUICIDE_SELF_HARM, matches, WEIGHTS[SUICIDE_SELF_HARM]))
    for kind, pattern in _COMPILED.items():
        matches = []
        for m in pattern.finditer(folded):
            if m.start() == m.end():
                continue
            if any(s <= m.start() and m.end() <= e for s, e in lookalikes):
                continue
            if kind == VIOLENCE_THREAT and _is_negated(folded, m.start()):
                continue
            matches.append(Match(original[m.start() : m.end()], m.start(), m.end()))
        if matches:
            signals.append(Signal(kind, tuple(matches), WEIGHTS[kind]))
    return sorted(signals, key=lambda s: -s.weight)


def is_crisis(text: str | None) -> bool:
    """Return whether either crisis layer (rules or model) sees suicide or self-harm risk."""
    return crisis.assess(text).is_crisis


def urgency(signals: list[Signal]) -> float:
    """Return an urgency score in [0, 1]: the strongest signal, nudged up by further kinds."""
    if not signals:
        return 0.0
    weights = sorted((s.weight for s in signals), reverse=True)
    # Each further kind closes a quarter of the remaining gap: a threat against a child is more
    # urgent than either alone, but nothing outranks a crisis.
    score = weights[0]
    for w in weights[1:]:
        score += (1.0 - score) * 0.25 * w
    return min(score, 1.0)
