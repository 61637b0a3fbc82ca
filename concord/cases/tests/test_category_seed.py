"""Integrity checks for the bilingual category seed in ``concord/cases/data/categories.csv``.

These tests read the CSV with the csv module only: no database and no Django models, so a
broken seed is caught before anything tries to load it.
"""

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "categories.csv"
TAXONOMY = Path(__file__).resolve().parent / "fixtures" / "taxonomy.csv"

COLUMNS = [
    "code",
    "parent_code",
    "depth",
    "name_zh",
    "name_en",
    "default_kind",
    "default_level",
    "default_channel",
    "handling_days",
    "sensitivity",
    "open311_public",
]
KINDS = {"dispute", "grievance", "service_request", "hazard_report", "suggestion", "help_request"}
LEVELS = {"grid", "village", "town", "county"}
CHANNELS = {
    "negotiation",
    "peoples_mediation",
    "administrative_mediation",
    "judicial_confirmation",
    "labour_arbitration",
    "land_arbitration",
    "administrative_ruling",
    "administrative_reconsideration",
    "litigation_referral",
    "petition",
    "service_dispatch",
    "counselling_referral",
}
SENSITIVITIES = {"normal", "sensitive"}
BOOLEANS = {"true", "false"}
DISPUTE_CATEGORIES = [
    "婚姻家庭",
    "邻里",
    "房屋宅基地",
    "损害赔偿",
    "合同",
    "生产经营",
    "山林土地承包",
    "征地拆迁",
    "劳动争议",
    "村务管理",
    "环境保护",
    "道路交通事故",
    "医疗",
    "物业",
    "消费",
    "其他",
]
# CJK ideographs plus CJK punctuation and full-width forms (for example "、" and "（").
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”]")
CODE = re.compile(r"^(CM\d{2}(\.\d{2}(\.\d{3})?)?|DP(\.\d{2})?)$")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def by_code(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in rows}


def path_of(row: dict[str, str], by_code: dict[str, dict[str, str]]) -> tuple[str, ...]:
    """Return the Chinese names from the root down to ``row``."""
    names = [row["name_zh"]]
    while row["parent_code"]:
        row = by_code[row["parent_code"]]
        names.append(row["name_zh"])
    return tuple(reversed(names))


def test_file_is_utf8_without_byte_order_mark() -> None:
    raw = DATA.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")


def test_codes_are_unique_and_well_formed(rows: list[dict[str, str]]) -> None:
    duplicates = [code for code, n in Counter(r["code"] for r in rows).items() if n > 1]
    assert duplicates == []
    malformed = [r["code"] for r in rows if not CODE.match(r["code"])]
    assert malformed == []


def test_every_parent_exists_one_level_up(
    rows: list[dict[str, str]], by_code: dict[str, dict[str, str]]
) -> None:
    for row in rows:
        depth = int(row["depth"])
        assert depth in (1, 2, 3), row["code"]
        if depth == 1:
            assert row["parent_code"] == "", row["code"]
            continue
        parent = by_code.get(row["parent_code"])
        assert parent is not None, f"{row['code']} has unknown parent {row['parent_code']}"
        assert int(parent["depth"]) == depth - 1, row["code"]
        # Hierarchical codes: a child's code extends its parent's code.
        assert row["code"].startswith(parent["code"] + "."), row["code"]


def test_sibling_names_are_unique(rows: list[dict[str, str]]) -> None:
    siblings = Counter((r["parent_code"], r["name_zh"]) for r in rows)
    assert [key for key, n in siblings.items() if n > 1] == []


def test_every_taxonomy_row_is_present(
    rows: list[dict[str, str]], by_code: dict[str, dict[str, str]]
) -> None:
    with TAXONOMY.open(encoding="utf-8", newline="") as f:
        source = list(csv.DictReader(f))
    assert len(source) > 500
    seeded_paths = {path_of(r, by_code) for r in rows if r["code"].startswith("CM")}
    expected_leaves = {(s["level1"], s["level2"], s["level3"]) for s in source}
    assert expected_leaves - seeded_paths == set()
    # Every node of the source tree, and nothing else, is in the citizen-message branch.
    expected_nodes = (
        expected_leaves | {p[:2] for p in expected_leaves} | {p[:1] for p in expected_leaves}
    )
    assert seeded_paths == expected_nodes


def test_all_sixteen_dispute_categories_are_present(
    rows: list[dict[str, str]], by_code: dict[str, dict[str, str]]
) -> None:
    root = by_code["DP"]
    assert root["name_zh"] == "矛盾纠纷"
    assert root["depth"] == "1"
    children = [r for r in rows if r["parent_code"] == "DP"]
    assert sorted(r["name_zh"] for r in children) == sorted(DISPUTE_CATEGORIES)
    for child in children:
        assert child["default_kind"] == "dispute", child["code"]
        assert child["default_channel"] == "peoples_mediation", child["code"]


@pytest.mark.parametrize(
    ("column", "allowed"),
    [
        ("default_kind", KINDS),
        ("default_level", LEVELS),
        ("default_channel", CHANNELS),
        ("sensitivity", SENSITIVITIES),
        ("open311_public", BOOLEANS),
    ],
)
def test_enumerated_columns_hold_allowed_values(
    rows: list[dict[str, str]], column: str, allowed: set[str]
) -> None:
    bad = {(r["code"], r[column]) for r in rows if r[column] not in allowed}
    assert bad == set()


def test_handling_days_are_positive_whole_days(rows: list[dict[str, str]]) -> None:
    bad = [r["code"] for r in rows if not r["handling_days"].isdigit()]
    assert bad == []
    assert all(1 <= int(r["handling_days"]) <= 90 for r in rows)


def test_names_are_present_and_english_names_hold_no_chinese(
    rows: list[dict[str, str]],
) -> None:
    for row in rows:
        assert row["name_zh"].strip() == row["name_zh"] != "", row["code"]
        assert row["name_en"].strip() == row["name_en"] != "", row["code"]
        assert not CHINESE.search(row["name_en"]), (row["code"], row["name_en"])
        # Widths of Category.name_zh and Category.name_en.
        assert len(row["name_zh"]) <= 120 and len(row["name_en"]) <= 160, row["code"]


def test_chinese_names_are_chinese(rows: list[dict[str, str]]) -> None:
    assert all(CHINESE.search(r["name_zh"]) for r in rows)


def test_disputes_and_sensitive_matters_are_never_public_in_open311(
    rows: list[dict[str, str]],
) -> None:
    leaked = [
        r["code"]
        for r in rows
        if r["open311_public"] == "true"
        and (r["sensitivity"] == "sensitive" or r["default_kind"] == "dispute")
    ]
    assert leaked == []


def test_policy_anchors(rows: list[dict[str, str]], by_code: dict[str, dict[str, str]]) -> None:
    """Check the policy choices the README promises on nodes that anchor them."""
    by_path = {path_of(r, by_code): r for r in rows}
    discipline = [r for p, r in by_path.items() if p[0] == "纪检监察"]
    assert discipline and all(r["sensitivity"] == "sensitive" for r in discipline)
    assert all(r["open311_public"] == "false" for r in discipline)
    assert all(r["open311_public"] == "false" for p, r in by_path.items() if p[0] == "党务政务")

    hazard = by_path[("城乡建设", "安全生产", "安全隐患")]
    assert (hazard["default_kind"], hazard["open311_public"]) == ("hazard_report", "true")
    lights = by_path[("城乡建设", "城市建设和市政管理", "城市公共设施")]
    assert (lights["default_level"], lights["default_channel"]) == ("grid", "service_dispatch")
    assert by_path[("城乡建设", "城市建设和市政管理", "环境卫生")]["default_level"] == "grid"

    marriage = by_path[("矛盾纠纷", "婚姻家庭")]
    assert (marriage["default_level"], marriage["sensitivity"]) == ("village", "sensitive")
    assert by_path[("矛盾纠纷", "医疗")]["sensitivity"] == "sensitive"
    for name in ("征地拆迁", "劳动争议", "环境保护"):
        assert by_path[("矛盾纠纷", name)]["default_level"] == "town", name
    # Labour mediation has a 15-day statutory window before arbitration may be sought.
    assert by_path[("矛盾纠纷", "劳动争议")]["handling_days"] == "15"
