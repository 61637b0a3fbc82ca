"""One language per page: a crawl of every page each persona reaches, in both languages.

Starting from the navigation (and the case page of a matter each persona may see), the crawl
follows every same-site link with Django's test client and reads each page's visible text. Text
in the other language's script fails the test unless it is marked as a proper name or as what
someone typed (`translate="no"`, see `crawl.py`). The case is filed in Chinese, so its title
and description on English pages show that the marking works.
"""

from __future__ import annotations

import re

import pytest

from concord.cases.actions import case_add_note
from concord.testing import submit_dispute
from concord.web.templatetags.web_tags import nav_links
from concord.web.tests.crawl import foreign_text

pytestmark = pytest.mark.django_db

PERSONAS = [None, "alice", "bob", "grace", "dora", "zoe", "ana", "cora", "adam"]
HREF = re.compile(r'href="(/[^"#]*)"')
NOT_PAGES = ("/admin", "/api/", "/static/", "/accounts/logout", "/i18n/", "/open311/")
DOWNLOADS = (".pdf", ".csv", ".json", ".xlsx", ".geojson", ".svg", ".ics")
MAX_PAGES = 40


def _crawl(client, start: list[str], lang: str) -> dict[str, list[str]]:
    """Return, for each page reached from `start`, its visible text in the other script."""
    seen: set[str] = set()
    todo = list(start)
    problems: dict[str, list[str]] = {}
    while todo and len(seen) < MAX_PAGES:
        url = todo.pop(0)
        if url in seen or url.startswith(NOT_PAGES) or url.split("?")[0].endswith(DOWNLOADS):
            continue
        seen.add(url)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if found := foreign_text(html, lang):
            problems[url] = found[:5]
        todo += [href for href in HREF.findall(html) if href not in seen]
    assert len(seen) > 2, "the crawl reached too few pages to mean anything"
    return problems


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("name", PERSONAS, ids=lambda n: n or "visitor")
def test_every_page_a_persona_reaches_is_in_one_language(client, world, categories, name, lang):
    case = submit_dispute(world, title="楼上邻居夜间噪音", description="每晚十二点后还在装修。")
    case_add_note(actor=world.bob, case=case, text="已电话联系双方。", public=True)
    user = getattr(world, name) if name else None
    if user:
        client.force_login(user)
    start = [url for url, _ in nav_links(user)]
    if user:
        start.append(f"/staff/cases/{case.pk}/")
    assert _crawl(client, start, lang) == {}


def test_the_check_finds_chinese_on_an_english_page_and_english_on_a_chinese_one():
    assert foreign_text("<p>Status: 已受理</p>", "en") == ["Status: 已受理"]
    assert foreign_text("<p>状态：Accepted</p>", "zh-hans") == ["状态：Accepted"]
    assert (
        foreign_text('<p>提交人 <span translate="no">Alice</span></p>', "zh-hans") == ["提交人"][:0]
    )
    assert foreign_text('<p lang="zh-hans">简体中文</p>', "en") == []
    assert foreign_text("<p>回执 C-2026-000001 · PDF</p>", "zh-hans") == []
