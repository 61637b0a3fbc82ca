from datetime import datetime
from zoneinfo import ZoneInfo

from concord.safety import actions


def test_pages_render_for_staff_and_the_public(world, client, at, django_assert_max_num_queries):
    at("2026-07-01 09:00")
    w = actions.warning_issue(
        actor=world.sam,
        colour="yellow",
        hazard_type="road",
        title_zh="大雾黄色预警",
        title_en="Yellow fog warning",
        instructions_zh="慢行",
        instructions_en="Drive slowly",
        places=[world.V11],
        ends_at=datetime(2026, 7, 2, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    client.force_login(world.sam)
    with django_assert_max_num_queries(20):
        assert client.get("/staff/safety/").status_code == 200
    client.force_login(world.grace)
    page = client.get(f"/staff/safety/warnings/{w.pk}/checklist/")
    assert page.status_code == 200 and "大雾黄色预警" in page.content.decode()
    assert client.get(f"/staff/safety/warnings/{w.pk}/count.json").json()["total"] == 0
    client.logout()
    assert client.get("/safety/policies/").status_code == 200
    assert client.get("/safety/").status_code == 200  # warnings and notices: public
    assert "大雾黄色预警" in client.get("/safety/").content.decode()
    assert client.get("/staff/safety/").status_code == 302  # staff page needs login
