"""Find crisis and urgency signals in residents' messages (Chinese and English).

Rules, not a model: each kind has phrase patterns, a list of look-alike phrases that must
not fire ("跳楼价", "suicide squad", "kill the lights") and a negation check ("我从来没有想过
自杀", "caller denies suicidal thoughts"). Rules are transparent to the counsellors who act on
them and need no training data, which does not exist for crises. Idioms such as "累死了" or
"this heat is killing me" are simply not patterns. A statistical model was not added because
on the hand-written test set the rules already meet the recall target; a model could rank
near misses later.

Crisis detection favours recall: indirect signs (farewell messages, giving things away,
standing on a ledge) count, and a negated phrase only silences that one phrase, never the
whole message. A false alarm costs a counsellor a phone call; a miss can cost a life.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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
    SUICIDE_SELF_HARM: [
        # zh: explicit words
        r"自杀|轻生|寻死|自尽|自残|自伤|自我伤害|伤害自己|自我了断|了断自己|了结自己|安乐死",
        r"割腕|割手腕|划(?:自己|手腕|胳膊|手臂)|(?:手腕|胳膊|手臂)上.{0,6}(?:刀口|伤口|划痕)",
        r"跳(?:楼|河|江|湖|塘|海|桥|崖)|卧轨|上吊|吊死|烧炭|服毒|一跃而下|往下跳|跳下(?:去|来)",
        r"喝(?:了)?(?:农药|敌敌畏|百草枯|毒药|药)|(?:吞|吃|服)(?:了)?.{0,4}安眠药|攒.{0,4}药",
        r"不想活|活不下去|活着(?:没|没有|毫无)(?:意思|意义|盼头)|没有.{0,2}意义|不配活",
        r"想死(?!你|您|大家|我了|磕)|去死|死了算了|一死了之|以死(?:明志|相逼|抗争)|不如死",
        r"死了反而|结束(?:自己的)?生命|结束这一切|遗书|永别|再见了.{0,3}世界|离开这个世界",
        r"(?:我|自己)消失了?|解脱|撑不下去|熬不下去|是个?(?:累赘|负担|废人)|告别的话|后事",
        r"交给了?我|不想再治|想早点走|撞墙|抓破|惩罚自己|绳子",
        # en
        rf"suicid(?:e|al)|kill(?:ing|ed)? {_SELF}|self[- ]?harm",
        rf"(?:end|ending|take|taking|took) {_POSS} (?:own )?life|end(?:ing)? it(?: all)?\b",
        r"(?:want|wants|wanted|wanna) to (?:die|disappear)|rather be dead",
        r"better off (?:dead|without)",
        r"(?:don't|do not|doesn't|does not) want to (?:live|be alive|be here|wake up)",
        r"no (?:reason|point) (?:to|in) (?:live|living|going on)|tired of living|done with life",
        r"(?:can't|cannot|can not|can) go on(?: living)?|see the point of going on",
        r"life is meaningless",
        rf"(?:hang|hanging|hanged|cut|cutting|burn|burning|hurt|hurting|harm|harming) {_SELF}",
        rf"slit {_POSS} wrists|set {_SELF} on fire|throw {_SELF} (?:off|from|in front)",
        r"overdos(?:e|ed|ing)|(?:taken|took|swallowed|take) .{0,30}(?:pills|tablets)",
        r"(?:stockpil\w*|saved up) .{0,8}(?:pills|medication|tablets)|ways to die",
        r"jump(?:ed|ing)? (?:off|from) (?:the |a |my )?(?:\w+ )?(?:bridge|roof|building|balcony)",
        r"(?:about to|threatened to|almost|going to) jump|in front of (?:the |a )?(?:next )?train",
        r"suicide note|goodbye note|(?:drink|drinking|drank) (?:pesticide|poison|bleach)",
        r"(?:sleep|go to sleep) (?:forever|and never wake up)|(?:not|never) wake up",
        r"disappear(?:ed)? (?:forever|for good)|(?:nobody|no one) would miss me|if i was gone",
        rf"a burden|worthless|hopeless|giving {_POSS} things away",
        r"last post|(?:saying|said) goodbye",
        r"ledge|edge of the (?:\w+ )?(?:bridge|roof)|until (?:they|it) bleeds?",
    ],
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
    """Return one Signal per kind found in text, strongest first."""
    if not text:
        return []
    original = text[:MAX_CHARS]
    folded = _fold(original)
    lookalikes = [(m.start(), m.end()) for m in _LOOKALIKE.finditer(folded)]
    signals = []
    for kind, pattern in _COMPILED.items():
        matches = []
        for m in pattern.finditer(folded):
            if m.start() == m.end():
                continue
            if any(s <= m.start() and m.end() <= e for s, e in lookalikes):
                continue
            if kind in (SUICIDE_SELF_HARM, VIOLENCE_THREAT) and _is_negated(folded, m.start()):
                continue
            matches.append(Match(original[m.start() : m.end()], m.start(), m.end()))
        if matches:
            signals.append(Signal(kind, tuple(matches), WEIGHTS[kind]))
    return sorted(signals, key=lambda s: -s.weight)


def is_crisis(text: str | None) -> bool:
    """Return whether text shows a sign of suicide or self-harm risk."""
    return any(s.kind in CRISIS_KINDS for s in detect_signals(text))


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
