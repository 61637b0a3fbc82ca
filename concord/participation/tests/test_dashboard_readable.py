"""The public dashboard reads as a resident would: names in the reader's language, never codes;
rates as percentages; chart legends translated; tables that fit a phone; XLSX beside CSV."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from concord.cases import actions as ca
from concord.cases.models import Category

pytestmark = pytest.mark.django_db


def published(world):
    town = world.V11.parent
    return {
        "month": "2026-03",
        "from": "2026-03-01",
        "to": "2026-03-31",
        "place": "C1",
        "suppressed_below": 5,
        "licence": "CC BY 4.0",
        "places": {town.code: {"zh": town.name_zh, "en": town.name_en}},
        "tables": {
            "summary": [
                {
                    "month": "2026-03",
                    "received": 61,
                    "resolved": 52,
                    "median_days": 4.0,
                    "on_time_share": 0.8851,
                    "response_rate": None,
                    "satisfaction_rate": 0.75,
                }
            ],
            "by_category": [
                {
                    "category": "CM01",
                    "sensitive_included": True,
                    "received": 40,
                    "resolved": 30,
                    "median_days": 3.0,
                    "on_time_share": 0.8851,
                    "response_rate": None,
                    "satisfaction_rate": None,
                },
                {
                    "category": "none",
                    "sensitive_included": True,
                    "received": 21,
                    "resolved": 22,
                    "median_days": None,
                    "on_time_share": None,
                    "response_rate": None,
                    "satisfaction_rate": None,
                },
            ],
            "by_town": [
                {
                    "town": town.code,
                    "received": 61,
                    "resolved": 52,
                    "median_days": 4.0,
                    "on_time_share": None,
                    "response_rate": None,
                    "satisfaction_rate": None,
                }
            ],
            "tiers": [
                {
                    "finished": 52,
                    "village": 30,
                    "village_share": 0.5769,
                    "town": 22,
                    "town_share": 0.4231,
                    "county": None,
                    "county_share": None,
                    "pushed_upward": None,
                    "pushed_upward_share": None,
                }
            ],
            "map": [],
        },
    }


@pytest.fixture
def fixed(world, monkeypatch):
    data = published(world)
    monkeypatch.setattr("concord.participation.views.opendata.publication", lambda m=None: data)
    monkeypatch.setattr(
        "concord.participation.views.opendata.series", lambda: data["tables"]["summary"]
    )
    return data


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_names_not_codes_and_rates_as_percentages_in_chinese(client, world, fixed):
    html = client.get("/participation/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    table = text_of(html.split('id="category-table"')[1].split("</table>")[0])
    assert "城乡建设" in table and "尚未分类" in table and "CM01" not in table
    assert world.V11.parent.name_zh in html.split('id="town-table"')[1].split("</table>")[0]
    visible = text_of(html.split("<main")[1].split('<script id="series-data"')[0])
    assert world.V11.parent.code not in visible and "CM01" not in visible
    assert "88.5%" in visible and "57.7%" in visible and "0.8851" not in visible
    labels = json.loads(html.split('id="chart-labels" type="application/json">')[1].split("<")[0])
    assert (
        labels == {"received": "已受理", "resolved": "已解决"} or labels["received"] != "Received"
    )


def test_english_readers_get_english_names_and_legends(client, world, fixed):
    html = client.get("/participation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Urban and rural construction" in html and "Not yet categorised" in html
    labels = json.loads(html.split('id="chart-labels" type="application/json">')[1].split("<")[0])
    assert labels == {"received": "Received", "resolved": "Resolved"}


def test_tables_use_the_phone_pattern_with_a_label_on_every_cell(client, world, fixed):
    html = client.get("/participation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    tables = re.findall(r"<table[^>]*>.*?</table>", html, re.S)
    assert len(tables) == 4
    for table in tables:
        assert 'class="responsive"' in table
        assert not re.search(r"<td(?![^>]*data-label)", table)


def test_every_table_downloads_as_xlsx_beside_csv(client, world, at):
    at("2026-03-10 09:00")
    for _ in range(6):
        ca.case_submit(
            kind="dispute",
            title="邻里纠纷",
            description="d",
            place=world.V11,
            category=Category.objects.get(code="DP.02"),
        )
    at("2026-04-02 09:00")
    html = client.get("/participation/?month=2026-03").content.decode()
    assert 'href="/api/v1/participation/open-data/by_category.xlsx?month=2026-03"' in html
    assert 'href="/api/v1/participation/open-data/by_category.csv?month=2026-03"' in html
    response = client.get("/api/v1/participation/open-data/by_category.xlsx", {"month": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["by_category"].values)
    csv_text = client.get(
        "/api/v1/participation/open-data/by_category.csv", {"month": "2026-03"}
    ).content.decode()
    csv_rows = [line.split(",") for line in csv_text.strip().splitlines()]
    assert list(rows[0]) == csv_rows[0]
    assert [str(v if v is not None else "") for v in rows[1]] == [
        {"True": "True"}.get(c, c) for c in csv_rows[1]
    ]
    assert ("DP", 6) == (rows[1][1], rows[1][3]) or "DP" in [r[1] for r in rows[1:]]
    assert client.get("/api/v1/participation/open-data/nosuch.xlsx").status_code == 404
