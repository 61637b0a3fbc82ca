"""A thin JSON client for API tests."""

from __future__ import annotations

import json

from concord.accounts.models import ApiToken


class ApiClient:
    def __init__(self, client):
        self.client = client
        self.headers: dict[str, str] = {}

    def as_user(self, user) -> ApiClient:
        _obj, token = ApiToken.issue(user=user, name="test")
        self.headers = {"Authorization": f"Bearer {token}"}
        return self

    def anonymous(self) -> ApiClient:
        self.headers = {}
        return self

    def get(self, path: str, **params):
        return self.client.get("/api/v1" + path, params, headers=self.headers)

    def post(self, path: str, body=None, headers=None):
        return self.client.post(
            "/api/v1" + path,
            data=json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )
