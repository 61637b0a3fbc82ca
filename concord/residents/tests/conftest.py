import json
import re

import pytest


class Outbox:
    """The file SMS gateway's outbox, read back as a resident's phone would."""

    def __init__(self, path):
        self.path = path

    def messages(self, to: str | None = None) -> list[dict]:
        if not self.path.exists():
            return []
        rows = [json.loads(line) for line in self.path.read_text().splitlines() if line]
        return [r for r in rows if to is None or r["to"] == to]

    def last_code(self, to: str) -> str:
        return re.search(r"\d{6}", self.messages(to)[-1]["text"]).group(0)


@pytest.fixture
def outbox(settings, tmp_path):
    path = tmp_path / "sms-outbox.jsonl"
    settings.CONCORD_SMS = {"BACKEND": "file", "OPTIONS": {"path": str(path)}}
    return Outbox(path)


@pytest.fixture
def signed_up(world, outbox, django_capture_on_commit_callbacks):
    """Sign a new resident of Peach Village up through the actions; return the user."""
    from concord.residents import actions
    from concord.residents.phones import normalise_mobile

    def make(phone: str = "13800138000", name: str = "王芳", place=None, client="10.0.0.1"):
        with django_capture_on_commit_callbacks(execute=True):
            actions.sign_in_code_request(phone=phone, client=client)
        number = normalise_mobile(phone)
        proof = actions.sign_in_code_confirm(phone=phone, code=outbox.last_code(number))
        return actions.resident_sign_up(
            proof=proof, display_name=name, home_place=place or world.V11, language="zh-hans"
        )

    return make


@pytest.fixture
def no_model(monkeypatch):
    """Keep the triage classifier out of filing here (it trains for seconds)."""
    from concord.web import assist

    monkeypatch.setattr(assist, "category_suggestions", lambda **kw: [])
