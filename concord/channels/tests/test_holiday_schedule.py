"""Loading a year's official holiday schedule: validated, audited, provisional clocks recomputed,
owners told; the supervisor dashboard warns from 1 November when next year's is missing.

The 2027 schedule below is a test fixture shaped like a State Council notice, not the real one.
Due days are counted by hand (start day not counted; a due day that is not a working day rolls
to the next working day, 民事诉讼法 art 85).
"""

import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from concord.accounts.models import User
from concord.cases import actions as ca
from concord.cases.models import Clock
from concord.channels import actions as ch
from concord.channels.holidays import holiday_schedule_load, parse_schedule
from concord.core.calendars import platform_calendar
from concord.core.errors import InvalidInput, PermissionDenied
from concord.core.models import CalendarDay, Event, HolidaySchedule
from concord.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Read the validation messages in English (the default language is Chinese)."""
    with translation.override("en"):
        yield


SCHEDULE_2027 = {
    "year": 2027,
    "source": "测试用：2027年部分节假日安排（示例）",
    "holidays": [
        {"name_zh": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
        {"name_zh": "春节", "from": "2027-02-05", "to": "2027-02-12"},
    ],
    "working_days": [{"date": "2027-02-20", "for_zh": "春节"}],
}


def petition_due_in_2027(world, at):
    at("2026-12-10 09:00")
    case = ca.case_submit(kind="grievance", title="t", description="d", place=world.V11).case
    ch.petition_register(actor=world.alice, case=case, matter_key="sched")
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    clock = Clock.objects.get(case=case, kind="petition:decision", state="running")
    # Computed 2027 (provisional): 60 days → 02-08, in 春节 02-05..10 by law → 02-11.
    assert (clock.due_on, clock.provisional) == (date(2027, 2, 11), True)
    return case, clock


def test_the_command_loads_a_year_recomputes_provisional_clocks_and_tells_owners(
    world, at, tmp_path, capsys
):
    from concord.accounts.models import User

    case, clock = petition_due_in_2027(world, at)
    User.objects.filter(pk=world.alice.pk).update(language="en")
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(SCHEDULE_2027, ensure_ascii=False), encoding="utf-8")
    call_command("holidays", "load", str(path))
    assert "due days moved: 1" in capsys.readouterr().out
    clock.refresh_from_db()
    # Loaded: 02-08 is inside 02-05..12; 02-13/14 are a weekend → 02-15 (Monday).
    assert (clock.due_on, clock.provisional) == (date(2027, 2, 15), False)
    assert 2027 in platform_calendar().years
    assert platform_calendar().is_working_day(date(2027, 2, 20))  # adjusted working Saturday
    moved = Notification.objects.get(recipient=world.alice, kind="clock_moved")
    assert "2027-02-15" in moved.body and "2027-02-11" in moved.body
    # Told in the reader's language, the clock named in it too.
    assert moved.subject == f"Deadline moved: {case.receipt_code}"
    assert moved.body.endswith(
        " is now due on 2027-02-15 instead of 2027-02-11: the official holiday schedule for "
        "2027 was loaded."
    )
    assert not re.search(r"[\u4e00-\u9fff]", moved.body)
    recomputed = Event.objects.get(case=case, kind="clock_recomputed")
    assert recomputed.data["before"] == "2027-02-11" and recomputed.public
    audit = Event.objects.get(stream="calendar:2027", kind="holiday_schedule_loaded")
    assert audit.data["holidays"] == 11 and audit.data["working_days"] == 1


@pytest.mark.parametrize(
    "change,message",
    [
        (
            {
                "holidays": [
                    {"from": "2027-02-05", "to": "2027-02-12"},
                    {"from": "2027-02-10", "to": "2027-02-11"},
                ]
            },
            "overlap",
        ),
        ({"holidays": [{"from": "2026-12-31", "to": "2027-01-02"}]}, "outside 2027"),
        ({"working_days": [{"date": "2027-02-17"}]}, "weekend"),
        ({"working_days": [{"date": "2027-02-06"}]}, "both a holiday"),
        ({"holidays": [{"from": "2027-02-12", "to": "2027-02-05"}]}, "ends before"),
        ({"holidays": [{"from": "2027-02-30", "to": "2027-03-01"}]}, "not a date"),
    ],
    ids=["overlap", "outside-year", "weekday-working", "both", "backwards", "bad-date"],
)
def test_a_bad_schedule_is_refused_and_nothing_is_stored(world, change, message):
    raw = json.dumps({**SCHEDULE_2027, **change}).encode()
    with pytest.raises(InvalidInput, match=message):
        parse_schedule(raw, fmt="json")
    assert not HolidaySchedule.objects.exists() and not CalendarDay.objects.exists()


def test_a_csv_schedule_needs_its_year_and_source(world, tmp_path):
    csv = "date,type,name\n2027-01-01,holiday,元旦\n2027-02-20,working_day,春节\n".encode()
    with pytest.raises(InvalidInput):
        parse_schedule(csv, fmt="csv")
    schedule = parse_schedule(csv, fmt="csv", year=2027, source="通知")
    assert [d for d, _name in schedule.holidays] == [date(2027, 1, 1)]
    bad = tmp_path / "x.csv"
    bad.write_text("date,type,name\n2027-01-01,vacation,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError, match="holiday or working_day"):
        call_command("holidays", "load", str(bad), "--year", "2027", "--source", "通知")


def test_only_an_administrator_may_load_a_schedule(world):
    schedule = parse_schedule(json.dumps(SCHEDULE_2027).encode(), fmt="json")
    with pytest.raises(PermissionDenied):
        holiday_schedule_load(actor=world.alice, schedule=schedule)
    holiday_schedule_load(actor=world.adam, schedule=schedule)
    assert HolidaySchedule.objects.get(year=2027).source == SCHEDULE_2027["source"]


def test_the_admin_page_loads_a_csv_schedule(world, client):
    admin = User.objects.create_superuser(username="root", password="x" * 16)
    client.force_login(admin)
    page = client.get("/admin/core/holidayschedule/load/")
    assert page.status_code == 200
    upload = SimpleUploadedFile(
        "2027.csv", "date,type,name\n2027-10-01,holiday,国庆节\n".encode(), "text/csv"
    )
    response = client.post(
        "/admin/core/holidayschedule/load/", {"file": upload, "year": "2027", "source": "通知"}
    )
    assert response.status_code == 302
    assert HolidaySchedule.objects.filter(year=2027).exists()
    bad = SimpleUploadedFile("2027.csv", b"date,type,name\n2027-10-06,working_day,x\n")
    page = client.post(
        "/admin/core/holidayschedule/load/",
        {"file": bad, "year": "2027", "source": "通知"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200 and "weekend" in page.content.decode()


def test_the_dashboard_warns_from_november_when_next_years_schedule_is_missing(world, at, client):
    client.force_login(world.zoe)
    at("2026-10-31 09:00")
    assert 'id="schedule-missing"' not in client.get("/staff/dashboard/").content.decode()
    at("2026-11-01 09:00")
    page = client.get("/staff/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="schedule-missing"' in page and "2027" in page
    holiday_schedule_load(
        actor=None, schedule=parse_schedule(json.dumps(SCHEDULE_2027).encode(), fmt="json")
    )
    assert 'id="schedule-missing"' not in client.get("/staff/dashboard/").content.decode()
