"""Checks on text as it enters Concord, before any of it reaches a model or the database.

JSON may carry characters that no database can store: a lone surrogate (``"\\ud800"``) cannot be
encoded as UTF-8, and PostgreSQL refuses NUL in text (SQLite stores it, and it then breaks
exports and searches). Both are refused at the door with a clear 400 instead of failing deep
inside a write.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .errors import ConcordError

MAX_DEPTH = 32


class UnstorableText(ConcordError):
    code = "unstorable_text"
    status = 400
    default_message = _(
        "The request contains characters that cannot be stored "
        "(a NUL character or an unpaired surrogate)."
    )


def is_storable(text: str) -> bool:
    """Return whether `text` has no NUL and encodes as UTF-8 (no lone surrogates)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def first_unstorable(value: Any, path: str = "", depth: int = 0) -> str | None:
    """Return the path of the first string (key or value) that cannot be stored, or None."""
    if depth > MAX_DEPTH:
        return path or "body"
    if isinstance(value, str):
        return None if is_storable(value) else (path or "body")
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not is_storable(key):
                return path or "body"
            found = first_unstorable(item, name, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = first_unstorable(item, f"{path}[{i}]", depth + 1)
            if found is not None:
                return found
    return None


def require_storable(value: Any) -> None:
    """Raise UnstorableText naming the field when `value` holds text no database can store."""
    found = first_unstorable(value)
    if found is not None:
        error = UnstorableText()
        field = found if is_storable(found) else "body"
        error.fields = {field: error.message}
        raise error
