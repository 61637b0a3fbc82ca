"""`Clock.objects.live()`: the running-or-paused clocks, the one filter the queues, the clock
job and the resident's pages share."""

import pytest

from concord.cases import actions as ca
from concord.cases.models import Clock, ClockState
from concord.testing import submit_dispute

pytestmark = pytest.mark.django_db


def test_live_is_running_or_paused(world):
    case = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    handle = Clock.objects.get(case=case, kind="handle")
    assert list(Clock.objects.live().filter(case=case)) == [handle]
    assert list(case.clocks.live()) == [handle]
    for state, live in [
        (ClockState.PAUSED, True),
        (ClockState.MET, False),
        (ClockState.BREACHED, False),
        (ClockState.CANCELLED, False),
    ]:
        Clock.objects.filter(pk=handle.pk).update(state=state)
        assert Clock.objects.live().filter(pk=handle.pk).exists() is live, state
