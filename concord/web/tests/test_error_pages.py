"""Error pages speak the visitor's language, keep the site's header and lead home; API paths
answer in the API's error shape."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver

from concord.web.views import errors

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_an_unknown_page_is_a_styled_404_in_chinese_with_the_way_home(client):
    response = client.get("/no-such-page/", **CHINESE)
    page = response.content.decode()
    assert response.status_code == 404
    assert "此地址没有页面" in page
    assert 'class="site-header"' in page
    assert "返回首页" in page
    assert "Page not found" not in page


def test_an_unknown_page_is_a_styled_404_in_english(client):
    page = client.get("/no-such-page/", **ENGLISH).content.decode()
    assert "Page not found" in page
    assert "Back to the front page" in page


def test_a_wrong_method_is_a_styled_405_that_keeps_the_allow_header(client):
    response = client.delete("/track/", **ENGLISH)
    assert response.status_code == 405
    assert "This page cannot be used that way" in response.content.decode()
    assert "GET" in response["Allow"]


def test_a_staff_page_refused_to_a_signed_in_stranger_is_a_styled_403(client, django_user_model):
    user = django_user_model.objects.create_user("stranger", password="pw")
    client.force_login(user)
    response = client.get("/admin/", **CHINESE)  # admin redirects; use a page that raises 403
    assert response.status_code in (302, 403)
    request = RequestFactory().get("/staff/cases/1/", **CHINESE)
    request.user = user
    refused = errors.permission_denied(request)
    assert refused.status_code == 403
    assert "site-header" in refused.content.decode()


def test_a_refused_csrf_token_explains_itself():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/track/", {"code": "x"}, **ENGLISH)
    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()


def test_the_server_error_handler_renders_without_a_request_context():
    request = RequestFactory().get("/", **ENGLISH)
    response = errors.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_api_paths_answer_in_the_error_shape_for_every_handler():
    factory = RequestFactory()
    for handler, status in [
        (errors.bad_request, 400),
        (errors.permission_denied, 403),
        (errors.page_not_found, 404),
        (errors.server_error, 500),
    ]:
        response = handler(factory.get("/api/v1/anything"))
        assert response.status_code == status
        body = json.loads(response.content)
        assert set(body["error"]) == {"code", "message", "fields"}


def test_the_root_urlconf_names_these_handlers():
    resolver = get_resolver()
    for status in (400, 403, 404, 500):
        view = resolver.resolve_error_handler(status)
        assert view.__module__ == errors.__name__


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
