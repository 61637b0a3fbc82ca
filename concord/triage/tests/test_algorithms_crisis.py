"""The two-layer crisis detector: rule kinds and levels in both languages, traps, the union."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pytest

from concord.triage.algorithms import crisis, crisis_training
from concord.triage.algorithms.crisis import IDEATION, IMMINENT, PLAN, assess, normalise, rule_hits

# Sentences written for these tests (not taken from the corpus), one group per kind.
RULE_CASES = [
    # act in progress / plan with means and time -> imminent
    ("zh", "act_in_progress", "我刚刚吞了一整瓶安眠药", IMMINENT),
    ("zh", "act_in_progress", "人已经在楼顶了，别来找我", IMMINENT),
    ("en", "act_in_progress", "I'm standing on the bridge right now", IMMINENT),
    ("en", "act_in_progress", "took all my pills an hour ago", IMMINENT),
    ("zh", "plan_with_means_time", "今晚等爸妈睡着了就去跳江", IMMINENT),
    ("en", "plan_with_means_time", "tonight I'm doing it, the rope is ready", IMMINENT),
    # plan, method, pact, family, farewell, past act -> plan
    ("zh", "plan", "我已经决定了，这个月结束自己", PLAN),
    ("en", "plan", "I've made up my mind, I'm going to die", PLAN),
    ("zh", "method", "吃多少片安眠药才会死", PLAN),
    ("en", "method", "what's the most painless way to die", PLAN),
    ("zh", "pact", "有没有人一起烧炭，私聊", PLAN),
    ("en", "pact", "looking for someone to go together, I don't want to die alone", PLAN),
    ("zh", "family_along", "我想带着孩子一起走，留她一个人太苦", PLAN),
    ("en", "family_along", "I'm taking my kids with me when I go", PLAN),
    ("zh", "farewell", "永别了，谢谢你们这些年", PLAN),
    ("en", "farewell", "please take care of my cat, goodbye forever", PLAN),
    ("zh", "past_act", "昨天又割了手腕，被室友发现了", PLAN),
    ("en", "past_act", "I tried to hang myself last year", PLAN),
    # euphemism, hopelessness, ideation, short reply -> ideation
    ("zh", "euphemism", "好想睡过去再也不醒来", IDEATION),
    ("en", "euphemism", "I just want to stop existing", IDEATION),
    ("zh", "hopelessness", "我就是家里的累赘，看不到任何希望", IDEATION),
    ("en", "hopelessness", "there's no way out, I'm a burden to everyone", IDEATION),
    ("zh", "ideation", "最近总是想死", IDEATION),
    ("en", "ideation", "I wish I was dead", IDEATION),
    ("zh", "short_reply", "我也是，算我一个", IDEATION),
    ("en", "short_reply", "me too, wish I could go with you", IDEATION),
    # slang, traditional characters, spacing and punctuation inside words
    ("zh", "slang", "想紫砂的念头又来了", IDEATION),
    ("zh", "traditional", "我真的不想活了，每天都好絕望", IDEATION),
    ("zh", "traditional", "剛剛割腕了，血止不住", IMMINENT),
    ("zh", "spacing", "自 · 杀 的 念 头", IDEATION),
    ("en", "spacing", "I want to k.i.l.l myself", IDEATION),
    ("en", "spacing", "s u i c i d a l again", IDEATION),
    # issue 22's second check, and the kinds it lists, phrased afresh for these tests
    ("zh", "method", "已经准备好安眠药了", PLAN),
    ("zh", "hopelessness", "感觉很绝望，什么都没意义", IDEATION),
    ("en", "method", "saving up pills", PLAN),
    ("zh", "pact", "深圳有没有同路人，私我", PLAN),
    ("en", "pact", "need someone to do it with, dm me", PLAN),
    ("zh", "past_act", "前天晚上把自己勒晕了，本来以为能结束", PLAN),
    ("en", "past_act", "last month I jumped off the bridge, they pulled me out", PLAN),
    ("zh", "method", "什么方式最不痛苦，想一次成功", PLAN),
    ("zh", "method", "要吃几片降压药才不会醒", PLAN),
    ("en", "method", "how many painkillers is lethal?", PLAN),
    ("zh", "family_along", "要走就带上老人，留他在世上太苦", PLAN),
    ("zh", "family_along", "抱着女儿去江边，谁也不拖累谁", PLAN),
    ("zh", "hanging", "围巾系在门框上了，手在抖", PLAN),
    ("zh", "drowning", "水已经到胸口了，不想回头", IMMINENT),
    ("zh", "jumping", "人已经站在阳台栏杆外面，就差一步", IMMINENT),
    ("en", "hanging", "the rope is around my neck, sorry", IMMINENT),
    ("en", "drowning", "walking into the sea, not turning back", IMMINENT),
    ("en", "jumping", "standing on the edge of the roof right now", IMMINENT),
    ("zh", "euphemism", "特别想走了算了", IDEATION),
    ("zh", "euphemism", "好想解脱", IDEATION),
    ("zh", "euphemism", "如果哪天醒不过来也挺好", IDEATION),
    ("zh", "euphemism", "想离开这个世界", IDEATION),
    ("zh", "farewell", "我的猫就拜托你了，以后我照顾不了", PLAN),
    ("en", "farewell", "goodbye forever, this is my last message", PLAN),
    ("zh", "short_reply", "我也是", IDEATION),
    ("en", "short_reply", "count me in", IDEATION),
    ("en", "hopelessness", "it's all pointless", IDEATION),
    ("zh", "slang", "好想zi·sha……", IDEATION),
    ("en", "slang", "want to kms fr", IDEATION),
    ("zh", "emoji", "不想活了😭💔", IDEATION),
    ("en", "emoji", "I want to die 🥀", IDEATION),
    ("zh", "traditional", "帶著孩子一起走，我們一起", PLAN),
    ("zh", "plan_with_means_time", "过完*年准时从楼顶下去", IMMINENT),
    ("en", "plan_with_means_time", "already took thirty antidepressants, getting sleepy", IMMINENT),
    ("zh", "typo", "想自sha", IDEATION),
    ("en", "typo", "feeling su1cidal tonight", IDEATION),
    # kinds the independently authored training sets showed the rules missing, phrased afresh
    ("zh", "act_in_progress", "液化气我已经拧开了，窗户都关着", IMMINENT),
    ("zh", "jumping", "我在十八楼的窗台外边坐着", IMMINENT),
    ("en", "act_in_progress", "sitting on the train tracks waiting", IMMINENT),
    ("en", "act_in_progress", "in the garage, engine is on, door shut", IMMINENT),
    ("zh", "plan", "补偿再不给，我就去政府门口自焚", PLAN),
    ("zh", "jumping", "被逼急了我就从天台上下去", PLAN),
    ("en", "plan", "i'm going to end things, i've decided", PLAN),
    ("en", "family_along", "when i go, my son goes with me", PLAN),
    ("en", "past_act", "i started cutting again last month", PLAN),
    ("zh", "hopelessness", "欠的钱还不完，我只有死路一条", IDEATION),
    ("zh", "hopelessness", "真的扛不住了", IDEATION),
    ("en", "ideation", "i keep having dark thoughts about it", IDEATION),
    ("en", "euphemism", "i pray every night not to wake up", IDEATION),
    ("en", "short_reply", "ok i'm in, send location", IDEATION),
    # English kinds the training sets' misses showed (2026-12-04), phrased afresh
    ("en", "jumping", "my legs are over the edge now, 22nd floor", IMMINENT),
    ("en", "act_in_progress", "pills down. phone off. goodbye", IMMINENT),
    ("en", "plan", "i've decided to finish my life before the bailiffs come", PLAN),
    ("en", "method", "how high does a balcony need to be, asking for me", PLAN),
    ("en", "jumping", "i keep picturing stepping off the roof", PLAN),
    ("en", "method", "been hoarding my sleeping pills since march", PLAN),
    # Chinese family-along without the usual words (written afresh, 2026-12-04)
    ("zh", "family_along", "我不在了谁管他，到时候把小的也带走", PLAN),
    ("zh", "family_along", "妈妈带你去一个没有人欺负我们的地方", PLAN),
    ("zh", "family_along", "过完年我们娘俩就去找他", PLAN),
    ("zh", "family_along", "老头子，等你走那天我也跟着走", PLAN),
    ("zh", "family_along", "他离不开我，我走的那天要带他一起", PLAN),
    ("zh", "family_along", "要不要带她一起走，我想了一整夜", PLAN),
]


# Look-alikes must not reach the words of a person at risk, or of someone reporting one.
NOT_LOOK_ALIKES = [
    "my son keeps talking about suicide and gave away his games",
    "i need to talk about suicide, i scare myself",
    "self-harm free for a year until last night",
    "pills down.",
    # Cover stories the authored training texts taught: a plan told as an errand stays a crisis.
    "在五金店买了一卷粗绳子，跟老板说是晾被子用的",
    "网上下单了木炭和宽胶带，家里人以为我周末去露营",
    "我在楼顶坐了一夜，天亮被上来晒被子的邻居看见了",
    "手上的疤是前年割的，缝了七针",
    "跟这个城市告别，把常去的地方都走了一遍",
    "我老公说不想活了，婆婆说他是说气话，我觉得不是",
    "it's been two years since my attempt and this week it feels close again",
    "count me in for friday, got mine",
    "left a note for my sister on the kitchen table, she'll understand",
    # Found by a review of the look-alikes (2026-12-04): each was silenced by a first draft.
    "我现在在天台，这里信号不好，就想跟你说声对不起",
    "站在楼顶讨薪，不给钱我就下去",
    "我刚吃了退烧药，一整盒",
    "以前想过自杀，现在这个念头又回来了",
    "帮帮我，不然我真的撑不住了",
    "我跟同事说手上的疤是摔的，其实是割的",
    "我也想喝药",
    "我有冇想死？有，每日都想",
    "I survived my suicide attempt but I want to try again",
    "I took my pills with dinner. All of them, the whole month.",
    "count me in for the rope",
]


@pytest.mark.parametrize("text", NOT_LOOK_ALIKES)
def test_look_alikes_leave_a_person_at_risk_alone(text):
    assert rule_hits(text), text


def test_the_rule_cases_cover_every_kind_in_both_languages():
    kinds = {
        lang: {kind for lng, kind, _t, _l in RULE_CASES if lng == lang} for lang in ("zh", "en")
    }
    assert kinds["zh"] - {"traditional"} == kinds["en"]
    assert len(kinds["en"]) == 19


@pytest.mark.parametrize(("lang", "kind", "text", "level"), RULE_CASES)
def test_the_rule_layer_finds_every_kind_at_its_level(lang, kind, text, level):
    hits = rule_hits(text)
    assert hits, text
    assert hits[0].level == level
    for h in hits:
        assert text[h.start : h.end] == h.text


BENIGN_TRAPS = [
    "这个跳楼机什么时候检修完",
    "欢乐谷的跳楼机还开吗",
    "商场跳楼价清仓大甩卖",
    "今天去割草了，累死了",
    "电脑又死机了，笑死",
    "烦死了，排队排到想死",
    "这价格要命啊，砍价砍了半天",
    "他在菜市场杀价很厉害",
    "周末去河边烧烤，木炭带够了",
    "农村老人烧炭取暖要开窗通风",
    "怎么预防青少年自杀，家长应该注意什么",
    "外公去世前最后一句话是让我好好读书",
    "告别单身，下周结婚啦",
    "最后一次提醒，明天截止报名",
    "绳子把家具绑好了，搬家公司一会就到",
    "this heat is killing me",
    "I'd kill for a coffee",
    "that was a suicide pass from the defender",
    "sugar overdose from all that Halloween candy",
    "kms this homework is so long lol jk",
    "what are the warning signs of suicide in teens? asking as a parent",
    # found with the generated training negatives
    "离职告别：谢谢大家这些年的照顾，有缘再见",
    "大家一起走吧，去吃饭",
    "晒被子买了几根绳子，挺结实",
    "拆快递不小心划了手，没事",
    "带了一天娃，累死了，想赶紧睡觉",
    "周末在院子里烧炭烤肉",
    "好想消失一下，去海边住一个月",
    "搬家前把东西都送人了",
    "明天准时去上班",
    "把画挂在门框上",
    "听说有人跳河，河边要装护栏",
    "the long jump competition this weekend",
    "let's go together, the bus leaves at 8",
    "how many painkillers per day according to the label?",
    # found with the independently authored training negatives
    "小区空调一开就跳闸",
    "朋友送了我一把紫砂壶",
    "找工作别在一棵树上吊死",
    "吓我一跳，楼上掉下来一个花盆",
    "工地的吊装绳子该换了",
    "结束这段感情以后我轻松多了",
    "我们都在办后事，回消息慢",
    "这个游戏我不玩了，太坑",
    "how do i hang a hammock between two trees",
    "i'm a hopeless cook, any easy recipes?",
    "the wifi just died again",
    "our church runs a suicide bereavement support group",
    "my hours got cut again this month",
    "i've given up on sourdough",
    "这周胖了五斤，不想活了哈哈哈",
    # English look-alikes found with the authored training negatives (2026-12-04), phrased afresh
    "our valley lost three farmers to suicide this year, the show is raising money",
    "she's writing her dissertation on self-harm in young carers",
    "naloxone kits at the overdose awareness stall on saturday",
    "third attempt at the theory test on monday, fingers crossed",
    "attempted burglary on our street last night, police came",
    "this is my last post as treasurer, handing over to Dev",
    "feeling hopeless about the housing list, ten years waiting",
    "on the edge of my seat for the penalty shoot-out",
    "i want out of this phone contract, it's a rip-off",
    "so embarrassed i wanted to die when i tripped on stage",
    # Chinese look-alikes found with the authored training negatives, phrased afresh
    "我在楼顶收被子呢，一会儿回你电话",
    "我在大桥上，前面两车追尾，堵了半小时",
    "刚吃了感冒药，有点犯困，下午请半天假",
    "对不起，我先走一步了，明天的会替我记一下",
    "今晚就走，高铁票已经买好了",
    "以前我总觉得活着没意思，现在每天都盼着下班去跳舞",
    "周末带着孩子一起去动物园看熊猫",
    "下辈子再也不选会计专业了",
    "小时候误吃了爷爷的药，被送去医院洗胃",
    "炭已经烧旺了，羊肉串马上好",
    "这周我去出差，家里的猫就拜托你了",
    "+1 我也想去音乐节",
    "  我也想躺平",  # a reply that starts with spaces is the same reply
    "我有多余的票，谁要私我",
    "以前我也觉得活着没意思 后来养了只狗 好多了",
    "我在12楼阳台擦玻璃，你们别催",
    # English look-alikes found with the authored training negatives, phrased afresh
    "she survived a suicide attempt at seventeen and now runs the youth choir",
    "my gran says she wants to die in her own bed, not on a ward",
    "leaving this world behind for a fortnight of hiking in Wales",
    "took my pills with breakfast, as the pharmacist said",
    "left a note on his windscreen about the parking",
    "wrote a letter to my future self in the workshop today",
    "+1 for the quiz night at the library",
    # Family talk the family-along rules must leave alone (custody, trips, a missing grandmother)
    "前夫趁我上班把孩子也带走了",
    "想带孩子去一个没有雾霾的地方住几年",
    "奶奶走丢了，我们一起去找奶奶",
    "他去上访，我也跟着去了。",
    "晚上陪孩子找天上的北斗七星",
    "我不打算这么快就跳进下一段感情",
]


@pytest.mark.parametrize("text", BENIGN_TRAPS)
def test_look_alikes_do_not_fire_the_rules(text):
    assert rule_hits(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我从来没有想过自杀", False),
        ("我没有自残过", False),
        ("Caller denies suicidal thoughts", False),
        ("He is not suicidal", False),
        ("我不会自杀的，但是我真的活不下去了", True),  # negation ends at the clause
        ("She is not suicidal, she says, but she has been cutting herself", True),
        ("这是告别，不是开玩笑", True),  # "not a joke" does not silence
        ("我是真的想死，不是开玩笑的", True),
        ("我想死哈哈开玩笑的", False),
        ("特别想走了算了", True),  # 特别 is not 别
        ("广州有没有同路人", True),  # 有没有 asks, it does not negate
        ("我没有想走了算了", False),
        ("是不是活着没意思", True),  # "是不是" asks, it does not deny
        ("我是不是想死啊，最近老是这样", True),
    ],
)
def test_negation_silences_only_its_own_clause(text, expected):
    assert bool(rule_hits(text)) is expected


@pytest.mark.parametrize(
    "text",
    [
        "我想知道吃哪种药才不会被救回来",  # a refusal of rescue wants the death
        "这次我真的不想被救了",
        "过了今晚我就不存在了，药已经准备好",  # 不存在 is itself the euphemism
        "我只是不想死得那么难看",  # not how, not whether
        "I don't want to die alone, is anyone out there",
        "要不我们一起走算了",  # 要不 suggests
        "我为什么不去死呢",  # a question
        "在桥上站了一夜，最后还是没跳下去，今晚还想去",  # an attempt given up at the last moment
        "已经不是想死了，是在准备了",
        "你说我到底想不想死",  # A-not-A asks
        "如果这次考不过就跳",  # a condition
        "安眠药加酒是不是真的会睡过去不醒",  # 是不是 asks
        "这次别救我了",  # a refusal of rescue is a rule of its own
        "别打120，我不想被抢救",
        "孩子也没有人管，我们娘俩一起去死算了",  # the words run on past the negation's clause
        "if the money doesn't come through i'm going to end it",  # any other word ends the reach
        "Please don't be sad after I'm gone",
        "no more pills, no more doctors我已经决定要结束了",  # English does not reach into Chinese
    ],
)
def test_a_negation_that_does_not_deny_the_words_after_it_does_not_silence_them(text):
    assert rule_hits(text), text


@pytest.mark.parametrize(
    "text",
    [
        "我不想死，我只是不知道以后怎么过",
        "I'm not going to hurt myself, I just need someone to talk to",
        "I'm not thinking of suicide, just exhausted",
        "Caller denies any suicidal thoughts",
        "I have no intention of killing myself",
        # Found by a review of the narrowed scope: each of these once fired.
        "I'm not suicidal in the slightest",
        "I haven't cut myself in a year",
        "我不想死在手术台上，医生请救救我",
        "I'm not going to jump, tomorrow I have work",
        "Patient denies past suicide attempts",
        "No previous suicide attempts",
        "I have never had any thoughts of suicide",
        "She doesn't have any suicidal thoughts",
        "我还是没有自杀的想法，只是睡不好",
        "只要不自杀，什么都好说",
        "没有想过要自杀",
        "患者否认有自杀想法",
        # Found by the third safety review.
        "病程记录：否认自杀观念及自伤行为，既往无自杀未遂史。",
        "不是真的想死，就是嘴上说累死了，搬了一天家",
        "Patient denies suicidal ideation and self-harm",
        "I don't want to die without ever seeing the ocean, so we're driving to the coast",
        "想消失一阵子，不是想死，就是太累了",
    ],
)
def test_a_denial_still_silences_its_phrase(text):
    assert rule_hits(text) == [], text


def test_the_model_still_reads_the_words_a_rule_found_standing():
    """撑不下去 ends in 下去, which once matched "下去了，今晚" as an act with a time, negated by the
    不 of 撑不下去, and the denied span hid the whole text from the model (a safety review found
    this plan with a time set aside). 不下去 (cannot go on) is not 下去 (down), and the plan with a
    time stands as one."""
    text = "我真的撑不下去了，今晚就想结束这一切。"
    negated: list[tuple[int, int]] = []
    found = rule_hits(text, negated=negated)
    assert [h.text for h in found] == ["今晚就想结束这一切", "撑不下去"]
    assert found[0].level == IMMINENT and negated == []
    found = assess(text)
    assert found.is_crisis and found.level == IMMINENT and found.set_aside == ()
    # A negation of its own clause is still kept from the model.
    negated = []
    assert [h.text for h in rule_hits("我不会自杀的，但是我真的活不下去了", negated=negated)]
    assert len(negated) == 1


def test_training_reads_each_text_as_the_detector_shows_it_to_the_model():
    """A denied phrase is kept from the model in training as in ``assess``: a model trained on the
    whole text learned that "我从来没有想过自杀" is a crisis, and read without it, it met words it
    had not been trained on."""
    denial = crisis_training.TrainingText("我从来没有想过自杀，只是最近睡不好", None)
    plain = crisis_training.TrainingText("今晚就从楼顶跳下去", "imminent")
    hits, seen = crisis_training.rules_and_model_view([denial, plain])
    assert hits[0] == [] and "自杀" not in seen[0] and "睡不好" in seen[0]
    assert [h.text for h in hits[1]] and seen[1] == normalise(plain.text).text
    negated: list[tuple[int, int]] = []
    norm = normalise(denial.text)
    rule_hits(denial.text, norm, negated)
    assert crisis.model_view(norm, negated).text == seen[0]


def test_normalisation_folds_traditional_spacing_and_width_and_keeps_offsets():
    text = "我　想 自．殺，ＯＫ？"
    norm = normalise(text)
    assert norm.text.startswith("我想自杀")
    assert "ok" in norm.text
    start, end = norm.span(2, 4)
    assert text[start:end] == "自．殺"


class _Stub:
    """A stand-in for the trained model with a fixed answer (threshold 0.5)."""

    def __init__(self, probability, level, veto=0.05):
        self.answer, self.answer_level = probability, level
        self.threshold, self.veto = 0.5, veto

    def head_for(self, folded):
        return self

    def probabilities(self, idx, tf):
        return self.answer, self.answer

    def level(self, idx, tf):
        return self.answer_level


def test_a_text_is_a_crisis_when_either_layer_says_so(monkeypatch):
    monkeypatch.setattr(crisis, "model", lambda: _Stub(0.9, PLAN))
    only_model = assess("楼主，算了吧")  # no rule words
    assert only_model.hits == () and only_model.model_flag
    assert only_model.is_crisis and only_model.level == PLAN

    monkeypatch.setattr(crisis, "model", lambda: _Stub(0.1, IDEATION))
    only_rules = assess("今晚就从楼顶跳下去")
    assert only_rules.hits and not only_rules.model_flag
    assert only_rules.is_crisis and only_rules.level == IMMINENT
    assert only_rules.probability == pytest.approx(0.1)

    neither = assess("请问社保卡丢了怎么补办？")
    assert not neither.is_crisis and neither.level is None


def test_a_rule_hit_in_a_text_the_model_finds_ordinary_is_set_aside(monkeypatch):
    monkeypatch.setattr(crisis, "model", lambda: _Stub(0.02, IDEATION, veto=0.3))
    lookalike = assess("jumped off the bridge in gta and my car exploded, 10/10")
    assert not lookalike.is_crisis and lookalike.hits == ()
    assert [h.text for h in lookalike.set_aside] == ["jumped off the bridge"]

    # At or above the veto the same words count, whatever the model's own threshold says.
    monkeypatch.setattr(crisis, "model", lambda: _Stub(0.3, IDEATION, veto=0.3))
    counted = assess("jumped off the bridge in gta and my car exploded, 10/10")
    assert counted.is_crisis and counted.level == PLAN and not counted.model_flag
    assert counted.words == ["jumped off the bridge"] and counted.set_aside == ()

    # When the model itself says crisis, the words stand as its explanation even below the veto
    # (the English veto may sit above the threshold): the counsellor sees which words triggered.
    monkeypatch.setattr(crisis, "model", lambda: _Stub(0.6, IDEATION, veto=0.8))
    flagged = assess("I'm going to jump off the bridge tonight")
    assert flagged.model_flag and flagged.words and flagged.set_aside == ()
    assert flagged.level in (IMMINENT, PLAN)


@pytest.mark.parametrize(
    ("lang", "sentence", "words"),
    [
        ("zh", "我今晚就从楼顶跳下去。", "今晚就从楼顶跳下去"),
        ("en", " I took all my pills an hour ago. ", "took all my pills"),
    ],
)
def test_a_rule_hit_inside_a_long_ordinary_text_is_judged_on_its_own_words(lang, sentence, words):
    """The shipped model reads a long complaint as ordinary; the sentence in it still counts.

    The complaint ends where a sentence ends, so that the crisis sentence is a sentence of its own.
    """
    path = crisis_training.CORPUS_DIR / "train_authored_long_mixed_benign.csv"
    with open(path, encoding="utf-8", newline="") as f:
        ordinary = [r["text"] for r in csv.DictReader(f) if r["lang"] == lang]
    around = "".join(ordinary)[:900]
    around = around[: [m.end() for m in crisis._SENTENCE_END.finditer(around)][-1]]
    assert len(around) > 800
    assert not assess(around + around).is_crisis
    found = assess(around + sentence + around)
    assert found.probability < crisis.model().heads[lang].veto  # the text as a whole: ordinary
    assert found.is_crisis and found.level in (IMMINENT, PLAN)
    assert any(words in w for w in found.words) and found.set_aside == ()


def test_the_operating_point_sets_aside_rule_hits_only_when_that_catches_more(monkeypatch):
    # Four high-risk texts, then seven ordinary ones of which two fire a rule although the model
    # scores them lowest; the budget allows one false alarm.
    prob = np.array([0.45, 0.4, 0.35, 0.6, 0.05, 0.1, 0.2, 0.3, 0.5, 0.02, 0.03])
    rules = np.array([0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1], dtype=bool)
    negatives = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1], dtype=bool)
    monkeypatch.setattr(crisis_training, "FALSE_ALARM_BUDGET", 1.5 / 7)
    veto, threshold = crisis_training._operating_point(prob, rules, negatives, ~negatives)
    # Counting both rule false alarms leaves the model nothing above 0.5 (2 of 4 caught); setting
    # aside hits below 0.05 frees the budget down to 0.3 (4 of 4, one false alarm).
    assert veto == pytest.approx(0.05) and threshold == pytest.approx(0.3, abs=1e-5)
    flags = (rules & (prob >= veto)) | (prob >= threshold)
    assert flags[~negatives].all() and flags[negatives].sum() == 1
    # Where the rules raise no false alarm, none of their hits is set aside.
    quiet = rules & ~negatives
    assert crisis_training._operating_point(prob, quiet, negatives, ~negatives)[0] == 0.0


def test_the_operating_point_reads_a_rule_hit_in_its_own_sentence(monkeypatch):
    # The same texts, but the second high-risk text is long: as a whole the model scores it 0.01,
    # the sentence its rule hit is in 0.4. The detector reads the sentence (`assess`), so the veto
    # chosen in training must too: reading the whole text it would have to be set aside.
    prob = np.array([0.45, 0.01, 0.35, 0.6, 0.05, 0.1, 0.2, 0.3, 0.5, 0.02, 0.03])
    rules = np.array([0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1], dtype=bool)
    negatives = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1], dtype=bool)
    monkeypatch.setattr(crisis_training, "FALSE_ALARM_BUDGET", 1.5 / 7)
    whole = crisis_training._operating_point(prob, rules, negatives, ~negatives)
    in_sentence = prob.copy()
    in_sentence[1] = 0.4
    veto, threshold = crisis_training._operating_point(
        prob, rules, negatives, ~negatives, in_sentence
    )
    missed = (rules & (prob >= whole[0])) | (prob >= whole[1])
    assert missed[~negatives].sum() == 3  # reading whole texts, the long one is lost
    flags = (rules & (in_sentence >= veto)) | (prob >= threshold)
    assert flags[~negatives].all() and flags[negatives].sum() == 1


def test_explicit_words_in_a_long_complaint_stand_with_the_kind_groups():
    """The veto reads the crisis-or-not SVM alone: the kind groups, summed over a long complaint,
    would set these words aside (a safety review found them lost)."""
    for text in (
        "我每天加班到凌晨，房贷车贷压得喘不过气，老婆要离婚，孩子也不理我，我把遗书写好了放在车里",
        "我刚被裁员，信用卡逾期，催收天天打电话骂我家人，我想一死了之算了",
    ):
        found = assess(text)
        assert found.is_crisis and found.hits, text


def test_training_and_the_detector_find_a_hit_sentence_alike():
    text = "楼道灯坏了一个月没人修。" * 20 + "我今晚就从楼顶跳下去。" + "物业电话打不通。" * 20
    hit = next(h for h in crisis.rule_hits(text) if "楼顶" in h.text)
    start, end = crisis.hit_sentence(text, hit)
    assert text[start:end] == "我今晚就从楼顶跳下去。"


def test_in_a_long_chinese_run_on_sentence_a_hit_is_read_in_its_clauses():
    run_on = (
        "我在厂里干了三年，老板拖欠工资八个月，去劳动局投诉了两次都说在处理，房东天天催房租，"
        "孩子下学期的学费还没着落，老婆回了娘家，我实在是没办法了，"
        "要是这个月再拿不到钱我就从厂房楼顶跳下去，想问问劳动仲裁要多久"
    )
    hit = next(h for h in crisis.rule_hits(run_on) if "楼顶" in h.text)
    start, end = crisis.hit_sentence(run_on, hit, chinese=True)
    assert (
        run_on[start:end]
        == "我实在是没办法了，要是这个月再拿不到钱我就从厂房楼顶跳下去，想问问劳动仲裁要多久"
    )
    assert crisis.hit_sentence(run_on, hit) == (0, len(run_on))  # English: the whole sentence
    # A short sentence is read whole: its last clause may say what the words mean.
    short = "电脑坏了，修了三次还是不行，我今晚就从楼顶跳下去"
    hit = next(h for h in crisis.rule_hits(short) if "楼顶" in h.text)
    assert crisis.hit_sentence(short, hit, chinese=True) == (0, len(short))
    # The shipped model: the plan stands inside the complaint, which as a whole reads ordinary.
    found = assess(run_on)
    assert not found.model_flag and found.is_crisis and found.level in (IMMINENT, PLAN)
    assert any("楼顶" in word for word in found.words) and found.set_aside == ()
    # A look-alike in a long run-on complaint is still read with the clauses that explain it.
    tooth = (
        "最近牙疼得厉害，去口腔医院排了三个小时的队，医生说要拔智齿，拔完脸肿得跟包子一样，"
        "永别了，我的智齿，医药费花了八百多，想问问这个医保能不能报销，要带什么材料"
    )
    found = assess(tooth)
    assert not found.is_crisis and [h.text for h in found.set_aside] == ["永别"]


def test_the_level_is_the_more_severe_of_the_two_layers(monkeypatch):
    monkeypatch.setattr(crisis, "model", lambda: _Stub(0.95, IMMINENT))
    assert assess("我真的不想活了").level == IMMINENT
    monkeypatch.setattr(crisis, "model", lambda: _Stub(0.95, IDEATION))
    assert assess("今晚就从楼顶跳下去").level == IMMINENT


def test_the_shipped_model_was_trained_on_the_current_training_data():
    model = crisis.model()
    assert model is not None, "run `concord wellbeing train-crisis`"
    _texts, sha = crisis_training.training_texts()
    assert model.data_sha256 == sha, "training data changed: run `concord wellbeing train-crisis`"
    assert all(0.0 < head.threshold < 1.0 for head in model.heads.values())


def test_every_training_kind_is_caught_in_both_languages():
    """Regression guard on the training part (the held-out part is only for the benchmark)."""
    found: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for name in ("train_crisis_zh", "train_crisis_en"):
        with open(crisis_training.CORPUS_DIR / f"{name}.csv", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                found[(row["lang"], row["kind"])].append(assess(row["text"]).is_crisis)
    kinds = {kind for _lang, kind in found}
    assert len(kinds) == 12
    for (lang, kind), flags in found.items():
        assert sum(flags) / len(flags) >= 0.9, (lang, kind, sum(flags), len(flags))


def test_the_model_gives_a_calibrated_probability():
    strong = assess("我已经把安眠药攒够了，今晚就吃")
    plain = assess("小区门口的路灯坏了，晚上很黑")
    assert strong.probability is not None and plain.probability is not None
    assert 0.0 <= plain.probability < 0.5 < strong.probability <= 1.0


def test_chinese_and_english_texts_have_their_own_threshold():
    model = crisis.model()
    zh, en = normalise("我好累").text, normalise("so tired").text
    assert model.head_for(zh) is model.heads["zh"] and model.head_for(en) is model.heads["en"]
    assert model.heads["zh"].svm.coef is not model.heads["en"].svm.coef
    assert 0.0 < model.heads["en"].threshold < 1.0
    # The model overrules a rule hit only where it finds the text more likely ordinary than not.
    for head in model.heads.values():
        assert 0.0 <= head.veto <= 0.5 < head.threshold
    flagged = assess("I took all my pills an hour ago and I'm so dizzy")
    assert flagged.model_flag and flagged.words and flagged.set_aside == ()


def test_a_head_scores_crisis_or_not_plus_the_best_kind_group():
    assert crisis.combined(np.array([[1.0, -2.0, 0.5, -0.1]])).tolist() == [1.5]
    assert crisis.combined(np.array([0.25])) == 0.25
    group = crisis_training.kind_group
    text = crisis_training.TrainingText
    assert group(text("x", None, kind="farewell")) == 0
    assert group(text("x", PLAN, kind="farewell")) == group(text("x", PLAN, kind="family_along"))
    assert group(text("x", PLAN, kind="farewell")) != group(text("x", PLAN, kind="method"))
    assert group(text("x", IDEATION, kind="short_reply")) == group(text("x", IDEATION))
    assert group(text("x", "", kind="")) > 0  # a rule test sentence of unknown level
    model = crisis.model()
    groups = len(set(crisis_training.KIND_GROUPS.values()))
    for head in model.heads.values():
        assert head.svm.coef.shape[0] == 1 + groups


def test_a_text_has_the_language_most_of_its_words_are_in():
    language = crisis._language
    assert language(normalise("我好累，不想说话").text) == "zh"
    assert language(normalise("真的好想 end it all").text) == "zh"
    assert language(normalise("求助\nI took all my pills an hour ago, goodbye").text) == "en"
    assert language(normalise("so tired of everything").text) == "en"
    assert language("") == "en"


def test_each_authored_training_set_is_its_own_source():
    texts, _sha = crisis_training.training_texts()
    sources = {t.source for t in texts}
    assert {"first_author", "generated", "rule_tests"} <= sources
    authored = {
        p.stem.removeprefix("train_authored_").rsplit("_", 1)[0]
        for p in crisis_training.CORPUS_DIR.glob("train_authored_*.csv")
    }
    assert authored and authored <= sources
    assert all(t.text for t in texts)


def test_training_reads_no_held_out_or_check_text():
    """Compared by digest, so that a failure shows no measured text.

    One two-character English reply (ideation) is in both parts of the first author's corpus, as
    it was split in the beginning; every other measured text is absent from training.
    """
    import hashlib

    def digest(text: str) -> str:
        return hashlib.sha256(text.strip().encode()).hexdigest()

    texts, _sha = crisis_training.training_texts()
    trained = {digest(t.text) for t in texts}
    measured = [
        *crisis_training.CORPUS_DIR.glob("heldout_*.csv"),
        *crisis_training.CORPUS_DIR.glob("check_*.csv"),
    ]
    assert len(measured) == 8
    for path in measured:
        with open(path, encoding="utf-8", newline="") as f:
            collisions = sum(digest(row["text"]) in trained for row in csv.DictReader(f))
        expected = 1 if path.name == "heldout_crisis_en.csv" else 0
        assert collisions == expected, (path.name, collisions)


def test_training_scores_each_source_with_a_model_that_never_saw_it(monkeypatch):
    """A small sample: three sources in three folds, each scored by a model trained on the other
    two; the thresholds respect the budget."""
    texts, sha = crisis_training.training_texts()
    chosen = ("first_author", "family_en", "spoken_zh")
    assert len({crisis_training.source_fold(source) for source in chosen}) == 3
    sample = []
    for source in chosen:
        for lang in ("zh", "en"):
            rows = [t for t in texts if t.source == source and crisis._language(t.text) == lang]
            for level in (IMMINENT, PLAN, IDEATION, None):
                sample += [t for t in rows if t.level == level][:8]
    sample += [t for t in texts if t.source == "rule_tests"][:10]
    monkeypatch.setattr(crisis_training, "training_texts", lambda: (sample, sha))
    model, figures = crisis_training.train()
    assert set(figures["sources"]) == set(chosen)
    for rates in figures["sources"].values():
        assert 0.0 <= rates["union"]["false_alarms"] <= 1.0
        assert rates["union"]["n_high"] + rates["union"]["n_ideation"] > 0
    assert figures["hand_written"]["false_alarms"] <= crisis_training.FALSE_ALARM_BUDGET + 2 / 40
    assert all(0.0 < head.threshold < 1.0 for head in model.heads.values())
    assert model.data_sha256 == sha


def test_the_compiled_rules_find_the_same_matches_as_the_plain_alternation():
    import re

    texts = [text for _l, _k, text, _v in RULE_CASES] + BENIGN_TRAPS
    for level, patterns in crisis._RULES.items():
        plain = re.compile("|".join(f"(?:{p})" for p in patterns), re.MULTILINE)
        assert crisis._COMPILED[level].pattern.startswith("(?=[")
        for text in texts:
            folded = normalise(text).text
            assert [m.span() for m in crisis._COMPILED[level].finditer(folded)] == [
                m.span() for m in plain.finditer(folded)
            ]


def test_hashing_one_text_gives_the_training_vectoriser_s_numbers():
    for text in ("我已经把药攒够了", "saving up pills 🥀", "路灯坏了 three months", ""):
        folded = normalise(text).text
        x = crisis.vectoriser().transform([folded])
        order = x.indices.argsort()
        idx, tf = crisis.hashed_counts(folded)
        assert list(idx) == list(x.indices[order]) and list(tf) == list(x.data[order])
