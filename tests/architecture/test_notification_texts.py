"""Notification texts are gettext messages, rendered in each recipient's language.

A message written as Chinese and English side by side (`{"zh-hans": f"【决定】{title}", "en": …}`)
escapes the catalogues: its Chinese is never reviewed with the others, and the two halves drift
apart. The scan below reads every product module (tests and migrations aside) and reports a
Chinese string literal or f-string that reaches a notification function: written in the call,
or through a local variable or a helper function of the same module that builds it. Messages are
written `each("English %(name)s", name=…)` (core.bilingual) instead, and the second test holds
each such msgid to a Chinese translation.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ROOT / "concord"

# The functions that send or queue a message to people (notifications, follows, safety).
SENDERS = {
    "notify",
    "notify_contacts",
    "broadcast",
    "followers_tell",
    "followers_tell_after_commit",
    "followers_tell_task",
    "_notify_handlers",
    "send_email",
    "send",
}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)


def _product_modules():
    for path in sorted(PRODUCT.rglob("*.py")):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "enqueue":
        func = func.value  # followers_tell_task.enqueue(...)
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


class _Module:
    """One module's scopes, so that a name in a call can be traced to what was assigned to it."""

    def __init__(self, tree: ast.Module):
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
        self.functions = {
            n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }

    def scopes(self, node: ast.AST):
        """Yield the functions around `node`, innermost first, then the module."""
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, SCOPES):
                yield node

    def _own_nodes(self, scope: ast.AST):
        """Yield the nodes of `scope` that are not inside a function nested in it."""
        todo = list(ast.iter_child_nodes(scope))
        while todo:
            node = todo.pop()
            yield node
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                todo.extend(ast.iter_child_nodes(node))

    def bindings(self, name: str, at: ast.AST) -> list[ast.AST]:
        """Return what `name` may hold at `at`: assigned values, or a nested function."""
        for scope in self.scopes(at):
            found: list[ast.AST] = []
            for node in self._own_nodes(scope):
                if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign) and node.value:
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
                    if name in names:
                        found.append(node.value)
                elif isinstance(node, ast.FunctionDef) and node.name == name:
                    found.append(node)
            for node in ast.iter_child_nodes(scope):  # functions nested in this scope
                if isinstance(node, ast.FunctionDef) and node.name == name:
                    found.append(node)
            if found:
                return found
        return []

    def chinese_in(self, node: ast.AST, seen: set[int]) -> list[int]:
        """Return the lines of Chinese string literals that `node` is built from."""
        if id(node) in seen:
            return []
        seen.add(id(node))
        if isinstance(node, ast.FunctionDef):
            return [
                line
                for ret in ast.walk(node)
                if isinstance(ret, ast.Return) and ret.value is not None
                for line in self.chinese_in(ret.value, seen)
            ]
        lines = []
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                if CJK.search(sub.value):
                    lines.append(sub.lineno)
            elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                for bound in self.bindings(sub.id, sub):
                    lines += self.chinese_in(bound, seen)
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                helper = self.functions.get(sub.func.id)
                if helper is not None:
                    lines += self.chinese_in(helper, seen)
        return lines


def chinese_message_literals(source: str) -> list[tuple[int, str, int]]:
    """Return (call line, function, literal line) for each Chinese literal sent in `source`."""
    tree = ast.parse(source)
    module = _Module(tree)
    found = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or _callee(call) not in SENDERS:
            continue
        lines = {
            line
            for arg in [*call.args, *(k.value for k in call.keywords)]
            for line in module.chinese_in(arg, set())
        }
        found += [(call.lineno, _callee(call), line) for line in sorted(lines)]
    return found


def test_no_module_sends_chinese_written_beside_english():
    found = [
        f"{path.relative_to(ROOT)}:{line} (sent by {name} at line {call})"
        for path in _product_modules()
        for call, name, line in chinese_message_literals(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "write these as each(msgid, **params):\n" + "\n".join(found)


def test_the_scan_finds_chinese_sent_directly_through_a_variable_and_through_a_helper():
    planted = """
def _texts(title):
    subject = {"zh-hans": f"【预警】{title}", "en": f"[Warning] {title}"}
    return subject, {"zh-hans": "请转移。", "en": "Move."}


def warn(people, title, case):
    notify(recipients=people, kind="a", subject=f"整改通知：{title}", body="")
    body = {"zh-hans": "已解除", "en": "Lifted"}
    broadcast(people=people, kind="b", subject=each("[Lifted] %(t)s", t=title), body=body)
    subject, text = _texts(title)
    transaction.on_commit(lambda: followers_tell_task.enqueue(subject=subject, body=text))
    notify(recipients=people, kind="c", subject=each("Fine %(t)s", t=title), body=case.text)
"""
    assert chinese_message_literals(planted) == [
        (8, "notify", 8),
        (10, "broadcast", 9),
        (12, "followers_tell_task", 3),
        (12, "followers_tell_task", 4),
    ]


def _translated_msgids() -> set[str]:
    from concord.core.tests.test_translations import PO_FILES, parse_po

    return {
        entry.msgid
        for po in PO_FILES
        if po.parts[-3] == "zh_Hans"
        for entry in parse_po(po)
        if entry.msgctxt is None and CJK.search(entry.msgstr.get(0, ""))
    }


def test_every_message_given_to_each_has_a_chinese_translation():
    translated = _translated_msgids()
    missing = []
    for path in _product_modules():
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call) or _callee(call) != "each" or not call.args:
                continue
            message = call.args[0]
            if isinstance(message, ast.Constant) and message.value not in translated:
                missing.append(f"{path.relative_to(ROOT)}:{call.lineno} {message.value!r}")
    assert missing == []
