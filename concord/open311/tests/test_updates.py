"""Status changes made with the case actions flow back through requests and updates."""

from __future__ import annotations

import pytest
import requests

from .conftest import check_schema, parse_xml

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_actions_flow_back_as_updates_with_their_statuses(geo, post_request, world, at):
    from concord.cases.actions import case_accept, case_add_note, case_resolve, case_start
    from concord.cases.models import Case

    at("2026-03-02 09:00")
    body = post_request(
        service_code="CM04.02.010", description="河水发黑发臭", lat="30.05", long="120.05"
    ).json()
    receipt = body[0]["service_request_id"]
    case = Case.objects.get(receipt_code=receipt)
    due = case.clocks.get(kind="handle").due_on

    opened = requests.get(f"{geo}/requests/{receipt}.json", timeout=30).json()[0]
    assert opened["status"] == "open"
    assert opened["expected_datetime"] == f"{due.isoformat()}T23:59:59+08:00"

    at("2026-03-03 09:00")
    case_accept(actor=world.alice, case=case)
    case_start(actor=world.alice, case=case)
    case_add_note(actor=world.alice, case=case, text="已通知环保站取样", public=True)
    case_add_note(actor=world.alice, case=case, text="内部：疑似上游工厂", public=False)
    at("2026-03-04 09:00")
    case_resolve(actor=world.alice, case=case, outcome="fixed", text="排污口已封堵")

    closed = requests.get(f"{geo}/requests/{receipt}.json", timeout=30).json()[0]
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "排污口已封堵"
    assert closed["expected_datetime"] is None
    assert closed["updated_datetime"] == "2026-03-04T09:00:00+08:00"

    response = requests.get(f"{geo}/servicerequestupdates.json", timeout=30)
    updates = response.json()
    check_schema("service_request_updates", updates)
    assert [(u["status"], u["description"]) for u in updates][3:] == [
        ("in_progress", "已通知环保站取样"),
        ("fixed", "排污口已封堵"),
    ]
    assert [u["status"] for u in updates][:3] == ["open", "investigating", "in_progress"]
    assert "疑似上游工厂" not in response.text
    assert {u["service_request_id"] for u in updates} == {receipt}
    public_ids = list(
        case.events.filter(public=True)
        .exclude(kind="attachment_added")
        .order_by("seq")
        .values_list("pk", flat=True)
    )
    assert [int(u["update_id"]) for u in updates] == public_ids

    # A window that starts after acceptance still reports the status at each moment.
    later = requests.get(
        f"{geo}/servicerequestupdates.xml",
        params={"start_date": "2026-03-04T00:00:00+08:00"},
        timeout=30,
    )
    root = parse_xml(later.content)
    assert root.tag == "service_request_updates"
    assert [u.find("status").text for u in root.findall("request_update")] == ["fixed"]


def test_clients_post_updates_that_become_resident_information(geo, post_request, api_key, world):
    from concord.cases.actions import case_accept, case_close, case_resolve
    from concord.cases.models import Case
    from concord.core.errors import InvalidTransition
    from concord.safety.actions import case_verify_on_site

    receipt = post_request(
        service_code="CM04.02.010", description="河水发黑", lat="30.05", long="120.05"
    ).json()[0]["service_request_id"]
    case = Case.objects.get(receipt_code=receipt)
    response = requests.post(
        f"{geo}/servicerequestupdates.json",
        data={
            "api_key": api_key,
            "service_request_id": receipt,
            "description": "今天更严重了",
            "media_url": "https://img.example.org/river.jpg",
            "status": "OPEN",
            "updated_datetime": "2026-03-02T10:00:00+08:00",
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    check_schema("post_service_request_update", body)
    event = case.events.get(pk=int(body[0]["update_id"]))
    assert event.kind == "resident_information" and event.public
    assert event.data["text"].startswith("今天更严重了")

    listed = requests.get(
        f"{geo}/servicerequestupdates.json", params={"service_request_id": receipt}, timeout=30
    ).json()
    mine = next(u for u in listed if u["update_id"] == body[0]["update_id"])
    assert mine["media_url"] == "https://img.example.org/river.jpg"
    assert mine["status"] == "open"

    def post(**fields):
        return requests.post(
            f"{geo}/servicerequestupdates.xml",
            data={"api_key": api_key, "service_request_id": receipt, "description": "x"} | fields,
            timeout=30,
        )

    assert post(api_key="nope").status_code == 403
    assert post(service_request_id="C-2000-999999").status_code == 404
    assert post(service_request_id="").status_code == 400
    assert post(description=" ").status_code == 400
    case_accept(actor=world.alice, case=case)
    case_resolve(actor=world.alice, case=case, outcome="fixed", text="已处理")
    # Service-dispatch cases close through the on-site verification (W5), not a plain close.
    with pytest.raises(InvalidTransition):
        case_close(actor=world.alice, case=case)
    case_verify_on_site(
        actor=world.alice,
        case=case,
        passed=True,
        note="现场复核，水质恢复",
        photo=_png(),
        lat=30.05,
        lng=120.05,
    )
    case.refresh_from_db()
    assert case.status == "closed"
    finished = post()
    assert finished.status_code == 400
    assert parse_xml(finished.content).find("error/code").text == "400"


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()
