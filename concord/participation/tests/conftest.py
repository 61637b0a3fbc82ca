import pytest

from concord.accounts.models import User
from concord.participation import actions


class FakeSms:
    """Records text messages instead of sending them."""

    sent: list[dict] = []

    def send(self, *, to: str, text: str, reference: str) -> str:
        FakeSms.sent.append({"to": to, "text": text})
        return f"fake-{len(FakeSms.sent)}"


@pytest.fixture
def fake_sms(settings):
    FakeSms.sent = []
    settings.CONCORD_SMS = {"BACKEND": "concord.participation.tests.conftest.FakeSms"}
    return FakeSms


@pytest.fixture
def residents(world):
    """Make verified residents (by grid worker Grace, in person) of Peach Village."""

    def make(n: int, start: int = 0) -> list:
        out = []
        for i in range(start, start + n):
            user = User.objects.create_user(username=f"res{i}", password="x")
            actions.verification_in_person(
                actor=world.grace, resident=user, place=world.G111, phone=f"1380000{i:04d}"
            )
            out.append(user)
        return out

    return make
