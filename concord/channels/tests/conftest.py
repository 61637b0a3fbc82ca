from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def at():
    """Travel to a local (Asia/Shanghai) date and time: at("2026-09-01 09:00")."""
    travellers = []

    def travel(when: str):
        if travellers:
            travellers.pop().stop()
        dt = datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)
        t = time_machine.travel(dt, tick=False)
        t.start()
        travellers.append(t)

    yield travel
    for t in travellers:
        t.stop()
