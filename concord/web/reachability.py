"""Which action each API operation and each page calls, found by reading their code.

An action is a function of a ``concord.<app>.actions`` module (or package): the one write path
of a state change. A view reaches an action when its code, or the code of a ``concord``
function it calls (a few levels deep), calls or names that action, also through a table of
actions (a dict or list of them). Used by the test that every staff API operation can be done
from a page.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Iterator
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

ACTION_MODULE = re.compile(r"^concord\.\w+\.actions(\.|$)")
DEPTH = 3


def is_action(obj) -> bool:
    """A function of an actions module taking keyword-only arguments (the actions' form)."""
    if not inspect.isfunction(obj) or not ACTION_MODULE.match(obj.__module__ or ""):
        return False
    params = list(inspect.signature(obj).parameters.values())
    return bool(params) and all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in params)


def _name(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _names(code) -> list[str]:
    """Global and attribute names a code object (and the code nested in it) loads."""
    out = list(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            out += _names(const)
    return out


def _values(obj) -> Iterator[object]:
    """The object itself, the entries of a table of them, or the functions an entry holds
    (a dataclass of a label, a form and a lambda that calls the action)."""
    items = list(obj.values()) if isinstance(obj, dict) else None
    if items is None and isinstance(obj, list | tuple | set | frozenset):
        items = list(obj)
    if items is None:
        yield obj
        return
    for item in items:
        yield item
        if not callable(item) and hasattr(item, "__dict__"):
            yield from (v for v in vars(item).values() if inspect.isfunction(v))


def _referenced(fn) -> Iterator[object]:
    """Every object the function's code names: globals, attributes of the modules it names
    (``actions.case_accept``), and modules it imports inside its body."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return
    names = _names(code)
    # A decorator without functools.wraps keeps the view it wraps in its closure.
    for cell in fn.__closure__ or ():
        try:
            yield from _values(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    scope = getattr(fn, "__globals__", {})
    modules = []
    for name in names:
        if name in scope:
            value = scope[name]
            if inspect.ismodule(value):
                if value.__name__.startswith("concord."):
                    modules.append(value)
            else:
                yield from _values(value)
        elif name.startswith("concord."):
            try:
                modules.append(importlib.import_module(name))
            except ImportError:
                continue
    for module in modules:
        for name in names:
            value = getattr(module, name, None)
            if inspect.ismodule(value):
                for inner in names:
                    if hasattr(value, inner):
                        yield from _values(getattr(value, inner))
            elif value is not None:
                yield from _values(value)


@cache
def actions_of(fn: Callable, depth: int = DEPTH) -> frozenset[str]:
    """The actions ``fn`` reaches (dotted names of their definitions)."""
    fn = inspect.unwrap(fn)
    found: set[str] = set()
    for obj in _referenced(fn):
        if not callable(obj):
            continue
        target = inspect.unwrap(obj) if inspect.isfunction(obj) else obj
        if is_action(target):
            found.add(_name(target))
        elif (
            depth > 0
            and inspect.isfunction(target)
            and (target.__module__ or "").startswith("concord.")
            and target is not fn
        ):
            found |= actions_of(target, depth - 1)
        elif depth > 0 and inspect.isclass(target) and target.__module__.startswith("concord."):
            for member in vars(target).values():
                if inspect.isfunction(member):
                    found |= actions_of(member, depth - 1)
    return frozenset(found)


def page_views() -> Iterator[tuple[str, Callable]]:
    """Every page of the site (the API and Django's admin left out): (route, view)."""

    def walk(patterns, prefix: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in ("api", "admin") or "ninja" in repr(p.urlconf_name):
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                view = p.callback
                cls = getattr(view, "view_class", None)
                if cls is not None:
                    view = cls
                if (getattr(view, "__module__", "") or "").startswith("concord."):
                    yield prefix + str(p.pattern), view

    yield from walk(get_resolver().url_patterns, "/")


def view_actions(view) -> frozenset[str]:
    if inspect.isclass(view):
        found: set[str] = set()
        for member in vars(view).values():
            if inspect.isfunction(member):
                found |= actions_of(member)
        return frozenset(found)
    return actions_of(view)


def api_operations(api) -> Iterator[tuple[str, str, str, Callable, object]]:
    """(method, path, operation id, view function, auth) of every API operation."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                full = (prefix.rstrip("/") + "/" + path.lstrip("/")).replace("//", "/")
                for method in op.methods:
                    yield (
                        method,
                        full,
                        op.operation_id or op.view_func.__name__,
                        op.view_func,
                        (op.auth_param),
                    )
