"""Concurrent transitions on one case serialize on the row lock: exactly one wins."""

import threading

import pytest
from django.db import connection

from concord.cases import actions as ca
from concord.cases.models import Category
from concord.core.errors import ConcordError
from concord.core.models import Event


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_wins_and_the_other_is_refused(world):
    case = ca.case_submit(
        kind="dispute",
        title="t",
        description="d",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    ).case
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(user):
        try:
            barrier.wait()
            ca.case_accept(actor=user, case=case)
            outcomes.append("won")
        except ConcordError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (world.bob, world.sam)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["invalid_transition", "won"]
    assert Event.objects.filter(case=case, kind="accepted").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_idempotency_key_make_one_case(world):
    from concord.cases.models import Case

    barrier = threading.Barrier(4)
    codes: list[str] = []

    def submit():
        try:
            barrier.wait()
            sub = ca.case_submit(
                kind="dispute",
                title="同一提交",
                description="d",
                place=world.V11,
                idempotency_key="k-1",
                idempotency_scope="anonymous",
            )
            codes.append(sub.case.receipt_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(codes) == 4 and len(set(codes)) == 1
    assert Case.objects.count() == 1
