"""De-identified example phrases: counsellors propose, the lead reviews, a command exports."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from concord.core.errors import Conflict, InvalidInput, PermissionDenied
from concord.core.models import Event
from concord.wellbeing import actions as wa
from concord.wellbeing.models import ExamplePhrase

pytestmark = pytest.mark.django_db


def test_a_counsellor_proposes_and_the_lead_approves_or_rejects_on_the_page(world, team, client):
    url = reverse("wellbeing:phrases", args=[team.code])
    client.force_login(world.cora)
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "危机识别的示例短语" in zh and 'name="own_words"' in zh
    assert 'id="phrase-review"' not in zh  # cora is not the lead
    form = {"form": "propose", "language": "zh", "level": "plan", "own_words": "on"}
    client.post(url, {**form, "text": "攒了好几个月的药，够了"})
    # Anything identifying is refused, and so is a phrase not confirmed as one's own words.
    refused = client.post(url, {**form, "text": "打我电话 13800138000"}, follow=True)
    assert "Remove numbers" in refused.content.decode() or "删除" in refused.content.decode()
    client.post(url, {**{k: v for k, v in form.items() if k != "own_words"}, "text": "我想走了"})
    phrase = ExamplePhrase.objects.get()
    assert (phrase.text, phrase.state, phrase.proposed_by) == (
        "攒了好几个月的药，够了",
        "proposed",
        world.cora,
    )
    with pytest.raises(PermissionDenied):
        wa.phrase_review(actor=world.cora, phrase=phrase, approve=True)

    client.force_login(world.cole)  # the team lead
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting for review" in en and "攒了好几个月的药" in en
    response = client.post(url, {"form": "review", "phrase": phrase.pk, "decision": "approve"})
    assert response.status_code == 302
    phrase.refresh_from_db()
    assert (phrase.state, phrase.reviewed_by) == ("approved", world.cole)
    with pytest.raises(Conflict):
        wa.phrase_review(actor=world.cole, phrase=phrase, approve=False)
    own = wa.phrase_propose(
        actor=world.cole,
        team=team,
        text="jump rope at school",
        language="en",
        level="none",
        own_words=True,
    )
    with pytest.raises(PermissionDenied):  # nobody reviews their own phrase
        wa.phrase_review(actor=world.cole, phrase=own, approve=True)
    kinds = list(
        Event.objects.filter(stream=wa.phrase_stream(team.pk)).values_list("kind", flat=True)
    )
    assert kinds == ["phrase_proposed", "phrase_approved", "phrase_proposed"]

    client.force_login(world.zoe)  # not in the team
    assert client.get(url).status_code == 404


def test_proposals_refuse_identifying_details_and_unknown_labels(world, team):
    def propose(text, level="ideation", own_words=True):
        return wa.phrase_propose(
            actor=world.cora,
            team=team,
            text=text,
            language="zh",
            level=level,
            own_words=own_words,
        )

    for text in ("联系我 me@example.com", "身份证 110101199001011234", "看 https://x.cn"):
        with pytest.raises(InvalidInput):
            propose(text)
    with pytest.raises(InvalidInput):
        propose("好想睡过去不再醒来", own_words=False)
    with pytest.raises(InvalidInput):
        propose("好想睡过去不再醒来", level="urgent")
    with pytest.raises(PermissionDenied):
        wa.phrase_propose(
            actor=world.alice, team=team, text="x", language="zh", level="none", own_words=True
        )
    assert not ExamplePhrase.objects.exists()


def test_export_appends_approved_phrases_to_the_training_file_once(world, team, tmp_path):
    approved = wa.phrase_propose(
        actor=world.cora,
        team=team,
        text="想找人一起走，一个人不敢",
        language="zh",
        level="plan",
        own_words=True,
    )
    wa.phrase_review(actor=world.cole, phrase=approved, approve=True)
    rejected = wa.phrase_propose(
        actor=world.cora,
        team=team,
        text="今天好累",
        language="zh",
        level="ideation",
        own_words=True,
    )
    wa.phrase_review(actor=world.cole, phrase=rejected, approve=False, note="太笼统")
    wa.phrase_propose(
        actor=world.cora,
        team=team,
        text="still waiting",
        language="en",
        level="none",
        own_words=True,
    )
    out = tmp_path / "train_reviewed.csv"
    call_command("wellbeing", "export-phrases", "--output", str(out), stdout=StringIO())
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == [
        {
            "text": "想找人一起走，一个人不敢",
            "lang": "zh",
            "kind": "reviewed_phrase",
            "level": "plan",
            "group": f"phrase{approved.pk}",
        }
    ]
    approved.refresh_from_db()
    assert approved.exported_at is not None
    call_command("wellbeing", "export-phrases", "--output", str(out), stdout=StringIO())
    with open(out, encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == 1
