"""Walk a case through the API or through the pages where people act, one step at a time.

Every step names the action it must reach and checks that it was called exactly once, so a
page and the API that drive the same step provably go through the same action.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from django.contrib.messages import get_messages

from concord.cases import actions as case_actions
from concord.cases.models import Case, Clock
from concord.cases.tokens import tracking_token
from concord.channels import actions as channel_actions

LIVE = ("running", "paused")


def live(case, kind) -> Clock:
    return Clock.objects.get(case=case, kind=kind, state__in=LIVE)


def check(case, table: dict, kind: str) -> Clock:
    """Assert the live clock `kind` is due on the day the hand-computed table says."""
    due, basis = table[kind]
    clock = live(case, kind)
    assert clock.due_on == date.fromisoformat(due), f"{kind}: {clock.due_on} != {due} ({basis})"
    return clock


@contextmanager
def calls(module, name):
    """Count the calls of `module.name` while the block runs."""
    original = getattr(module, name)
    count = [0]

    def spy(*args, **kwargs):
        count[0] += 1
        return original(*args, **kwargs)

    setattr(module, name, spy)
    try:
        yield count
    finally:
        setattr(module, name, original)


class Desk:
    """A staff member acting on the case page (Django test client) or through the API."""

    def __init__(self, via: str, client, api):
        assert via in ("page", "api")
        self.via, self.client, self.api = via, client, api
        self.user = None

    def as_(self, user) -> Desk:
        self.user = user
        if self.via == "api":
            self.headers = dict(self.api.as_user(user).headers)
        return self

    def step(self, case, function: str, *, page: tuple[str, dict], api: tuple[str, dict]):
        module = channel_actions if hasattr(channel_actions, function) else case_actions
        with calls(module, function) as count:
            if self.via == "page":
                self.client.force_login(self.user)  # the resident may have used the client
                action, fields = page
                response = self.client.post(
                    f"/staff/cases/{case.pk}/{action}/",
                    {f"{action}-{k}": v for k, v in fields.items() if v is not None},
                    HTTP_ACCEPT_LANGUAGE="en",
                )
                errors = [str(m) for m in get_messages(response.wsgi_request) if m.level >= 40]
                assert response.status_code == 302, (action, response.status_code, errors)
                assert not errors, errors
            else:
                path, body = api
                self.api.headers = self.headers
                response = self.api.post(path.format(id=case.pk), body)
                assert response.status_code in (200, 201), (path, response.content)
        assert count[0] == 1, f"{function} was called {count[0]} times"
        return Case.objects.get(pk=case.pk)


class Resident:
    """The resident acting on the tracking page or through the tracking API."""

    def __init__(self, via: str, client, api):
        self.via, self.client, self.api = via, client, api

    def _url(self, case) -> str:
        return f"/track/{case.receipt_code}/{tracking_token(case.token_salt)}/"

    def look(self, case) -> str:
        """Open the tracking page (or read the case through the tracking API)."""
        if self.via == "page":
            self.client.logout()
            return self.client.get(self._url(case), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        response = self.api.anonymous().get(
            f"/cases/track/{case.receipt_code}", token=tracking_token(case.token_salt)
        )
        assert response.status_code == 200, response.content
        return response.content.decode()

    def act(self, case, function: str, action: str, fields: dict, api_path: str):
        with calls(case_actions, function) as count:
            if self.via == "page":
                self.client.logout()
                response = self.client.post(self._url(case), {"action": action, **fields})
                errors = [str(m) for m in get_messages(response.wsgi_request) if m.level >= 40]
                assert response.status_code == 302 and not errors, errors
            else:
                response = self.api.anonymous().post(
                    f"/cases/track/{case.receipt_code}/{api_path}",
                    {"token": tracking_token(case.token_salt), **fields},
                )
                assert response.status_code == 200, response.content
        assert count[0] == 1, f"{function} was called {count[0]} times"
        return Case.objects.get(pk=case.pk)

    def review(self, case, reason: str):
        return self.act(case, "case_request_review", "review", {"reason": reason}, "review")

    def feedback(self, case, resolved: str, satisfaction: int, comment: str = ""):
        fields = {"resolved": resolved, "satisfaction": satisfaction, "comment": comment}
        return self.act(case, "case_feedback", "feedback", fields, "feedback")
