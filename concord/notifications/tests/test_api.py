"""The notifications router (the lead mounts it at /api/v1/notifications)."""

from ninja.testing import TestClient

from concord.accounts.models import ApiToken
from concord.notifications import actions
from concord.notifications.api import router

client = TestClient(router)


def _as(user) -> dict:
    _row, token = ApiToken.issue(user=user, name="test")
    return {"Authorization": f"Bearer {token}"}


def test_inbox_preferences_and_failed_deliveries(world):
    me, zoe = _as(world.resident), _as(world.zoe)
    actions.notify(recipients=[world.resident], kind="receipt", subject="已收到", statutory=True)
    inbox = client.get("/inbox", headers=me)
    assert inbox.status_code == 200
    body = inbox.json()
    assert body["unread"] == 1 and body["items"][0]["subject"] == "已收到"
    client.post(f"/inbox/{body['items'][0]['id']}/read", headers=me)
    assert client.get("/inbox", headers=me).json()["unread"] == 0
    pref = client.post("/preferences", json={"opted_out": True}, headers=me).json()
    assert pref["opted_out"] is True
    assert client.get("/failed", headers=zoe).json() == []
