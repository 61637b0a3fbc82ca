"""Polls: verification, one vote per resident (also under concurrency), hidden results,
paper ballots with a two-person check, a tally with turnout."""

import re
import threading
from datetime import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from concord.accounts.models import User
from concord.core.errors import Conflict, InvalidInput, PermissionDenied
from concord.participation import actions
from concord.participation.models import PollMode, Vote
from concord.testing import build_world

SH = "+08:00"


def make_poll(world, **kw):
    return actions.poll_create(
        actor=world.alice,
        place=world.V11,
        question="文化广场建在哪里？",
        options=["村委会旁", "小学旁", "河边"],
        opens_at=datetime.fromisoformat(f"2026-05-01T08:00{SH}"),
        closes_at=datetime.fromisoformat(f"2026-05-08T20:00{SH}"),
        **kw,
    )


def option_ids(poll):
    return list(poll.options.values_list("pk", flat=True))


@pytest.mark.django_db
def test_results_stay_hidden_until_the_poll_closes(world, residents, api, at, settings):
    at("2026-05-02 09:00")
    poll = make_poll(world)
    a, b, c = option_ids(poll)
    for user, choice in zip(residents(3), [a, a, b], strict=True):
        actions.poll_vote(actor=user, poll=poll, option_ids=[choice])
    hidden = api.as_user(world.zoe).get(f"/participation/polls/{poll.pk}/results")
    assert hidden.status_code == 409
    assert hidden.json()["error"]["message"] == _("Results are published when the poll closes.")
    at("2026-05-08 20:00")
    settings.CONCORD = {**settings.CONCORD, "PUBLIC_MIN_CELL": 0}  # the tally itself, unhidden
    tally = api.anonymous().get(f"/participation/polls/{poll.pk}/results").json()
    assert [o["votes"] for o in tally["options"]] == [2, 1, 0]
    assert tally["ballots"] == 3 and tally["electorate"] == 3 and tally["turnout"] == 1.0


@pytest.mark.django_db
def test_a_second_vote_is_refused_with_a_clear_message_and_one_vote_stays(world, residents, at):
    at("2026-05-02 09:00")
    poll = make_poll(world)
    (voter,) = residents(1)
    actions.poll_vote(actor=voter, poll=poll, option_ids=[option_ids(poll)[0]])
    with override("en"), pytest.raises(Conflict, match="already been recorded"):
        actions.poll_vote(actor=voter, poll=poll, option_ids=[option_ids(poll)[1]])
    assert Vote.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db(transaction=True)
def test_re_verification_by_phone_code_does_not_give_a_second_vote(fake_sms, at):
    world = build_world()
    at("2026-05-02 09:00")
    poll = make_poll(world)
    voter = User.objects.create_user(username="v", password="x")
    actions.verification_request_code(actor=voter, place=world.G111, phone="13900001111")
    code = re.search(r"\d{6}", fake_sms.sent[-1]["text"]).group()
    with pytest.raises(InvalidInput):
        actions.verification_confirm_code(actor=voter, code="000000" if code != "000000" else "1")
    actions.verification_confirm_code(actor=voter, code=code)
    actions.poll_vote(actor=voter, poll=poll, option_ids=[option_ids(poll)[0]])
    twin = User.objects.create_user(username="twin", password="x")
    actions.verification_request_code(actor=twin, place=world.G111, phone="+86 139 0000 1111")
    actions.verification_confirm_code(
        actor=twin, code=re.search(r"\d{6}", fake_sms.sent[-1]["text"]).group()
    )
    with pytest.raises(Conflict):
        actions.poll_vote(actor=twin, poll=poll, option_ids=[option_ids(poll)[1]])
    assert Vote.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_ballot_for_one_resident(world, residents, at):
    at("2026-05-02 09:00")
    poll = make_poll(world)
    now = datetime.fromisoformat(f"2026-05-02T09:00{SH}")
    Vote.objects.create(poll=poll, identity_key="k", cast_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(poll=poll, identity_key="k", cast_at=now)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_by_one_resident_leave_one_vote(at):
    world = build_world()
    at("2026-05-02 09:00")
    poll = make_poll(world)
    voter = User.objects.create_user(username="v", password="x")
    actions.verification_in_person(
        actor=world.grace, resident=voter, place=world.G111, phone="13700000000"
    )
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def vote(choice):
        try:
            barrier.wait()
            actions.poll_vote(actor=voter, poll=poll, option_ids=[choice])
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(c,)) for c in option_ids(poll) * 2][:4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    assert Vote.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db
def test_unverified_or_out_of_area_residents_cannot_vote(world, at):
    at("2026-05-02 09:00")
    poll = make_poll(world)
    with pytest.raises(PermissionDenied):
        actions.poll_vote(actor=world.resident, poll=poll, option_ids=[option_ids(poll)[0]])
    outsider = User.objects.create_user(username="o", password="x")
    actions.verification_in_person(
        actor=world.carol, resident=outsider, place=world.V21, phone="13600000000"
    )
    with pytest.raises(PermissionDenied):
        actions.poll_vote(actor=outsider, poll=poll, option_ids=[option_ids(poll)[0]])


@pytest.mark.django_db
def test_census_list_verification(world, at, settings):
    at("2026-05-02 09:00")
    poll = make_poll(world, mode=PollMode.MULTIPLE, max_choices=2, methods=["census"])
    n = actions.census_upload(
        actor=world.bob,
        place=world.V11,
        rows=[
            {"id_number": "110101199001011234", "phone": "13500000001"},
            {"id_number": "110101199001015678", "phone": "13500000002"},
        ],
    )
    assert n == 2
    voter = User.objects.create_user(username="v", password="x")
    with pytest.raises(InvalidInput):
        actions.verification_by_census(actor=voter, place=world.G111, id_number="999")
    actions.verification_by_census(actor=voter, place=world.G111, id_number="110101199001011234")
    a, b, c = option_ids(poll)
    with pytest.raises(InvalidInput):
        actions.poll_vote(actor=voter, poll=poll, option_ids=[a, b, c])
    actions.poll_vote(actor=voter, poll=poll, option_ids=[a, b])
    # Paper ballots count once a second person confirms; their entrant cannot.
    paper = actions.poll_enter_paper_vote(
        actor=world.alice, poll=poll, phone="13500000002", option_ids=[c]
    )
    with pytest.raises(PermissionDenied):
        actions.poll_confirm_paper_vote(actor=world.alice, vote=paper)
    with pytest.raises(Conflict):
        actions.poll_enter_paper_vote(
            actor=world.bob, poll=poll, phone="13500000002", option_ids=[a]
        )
    at("2026-05-09 09:00")
    from concord.participation.selectors import poll_results

    settings.CONCORD = {**settings.CONCORD, "PUBLIC_MIN_CELL": 0}  # the tally itself, unhidden
    before = poll_results(poll)
    assert [o["votes"] for o in before["options"]] == [1, 1, 0]
    assert before["unconfirmed_paper_ballots"] == 1 and before["turnout"] == 0.5
    actions.poll_confirm_paper_vote(actor=world.bob, vote=paper)
    after = poll_results(poll)
    assert [o["votes"] for o in after["options"]] == [1, 1, 1] and after["turnout"] == 1.0
    # The database itself refuses a ballot confirmed by the person who entered it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.filter(pk=paper.pk).update(confirmed_by=world.alice)


@pytest.mark.django_db
def test_small_vote_counts_are_published_as_fewer_than_k(world, residents, api, at, settings):
    settings.CONCORD = {**settings.CONCORD, "PUBLIC_MIN_CELL": 3}
    at("2026-05-02 09:00")
    poll = make_poll(world)
    a, b, c = option_ids(poll)
    for user, choice in zip(residents(3), [a, a, b], strict=True):
        actions.poll_vote(actor=user, poll=poll, option_ids=[choice])
    at("2026-05-08 20:00")
    tally = api.anonymous().get(f"/participation/polls/{poll.pk}/results").json()
    # 2, 1 and 0 votes: every option below 3, the ballots (3) shown.
    assert [(o["votes"], o["fewer_than"]) for o in tally["options"]] == [(None, 3)] * 3
    assert tally["ballots"] == 3
    page = api.client.get(f"/participation/polls/{poll.pk}/results/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.content.decode().count("fewer than 3") == 3
