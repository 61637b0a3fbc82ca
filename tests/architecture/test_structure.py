"""The house rules that a linter of imports cannot state: public names across apps, module size."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ROOT / "concord"

# Modules that are one subject's data, not several subjects' code: long by nature.
LONG_DATA_MODULES = {
    "concord/channels/rules/table.py",  # the channel table, one record per lawful channel
    "concord/demo/texts.py",  # the demo's sample texts
}
MAX_LINES = 900


def _app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "concord" else parts[0]


def _python_files(*roots: Path):
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(rel.parts)


def _private_imports_across_apps() -> list[str]:
    found = []
    for path in _python_files(PRODUCT, ROOT / "tests", ROOT / "benchmarks"):
        here = _app_of(_module_name(path))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            if not node.module.startswith("concord.") or _app_of(node.module) == here:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    rel = path.relative_to(ROOT)
                    found.append(f"{rel}:{node.lineno} imports {node.module}.{alias.name}")
    return found


def test_no_app_imports_another_apps_private_names():
    assert _private_imports_across_apps() == []


def test_the_scan_sees_a_private_import_across_apps(tmp_path, monkeypatch):
    """The rule above can fail: a module importing `_lock` from cases is reported."""
    fake = tmp_path / "concord" / "channels"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from concord.cases.actions import _lock\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__, fromlist=["PRODUCT"]), "PRODUCT", tmp_path / "concord")
    (tmp_path / "tests").mkdir()
    (tmp_path / "benchmarks").mkdir()
    assert _private_imports_across_apps() == [
        "concord/channels/bad.py:1 imports concord.cases.actions._lock"
    ]


def test_no_product_module_holds_more_than_about_900_lines():
    long = []
    for path in _python_files(PRODUCT):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or rel in LONG_DATA_MODULES:
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_LINES:
            long.append(f"{rel}: {lines} lines")
    assert long == []
