"""Normalise free text from residents before any model or rule looks at it."""

from __future__ import annotations

import html
import re
import unicodedata

# Long complaints (or pasted documents) would make latency unbounded; the first few thousand
# characters carry the subject of a message.
MAX_CHARS = 5000

_TAG = re.compile(r"<[^>]{0,500}>")
_SPACE = re.compile(r"\s+")


def normalise(text: str | None, *, max_chars: int = MAX_CHARS) -> str:
    """Return text without HTML tags, NFKC-folded, lower-cased, single-spaced and truncated."""
    if not text:
        return ""
    text = text[: max_chars * 2]  # bound the work done by the regular expressions below
    text = html.unescape(_TAG.sub(" ", text))
    # NFKC turns full-width Latin letters and digits (common in Chinese input) into ASCII.
    text = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", text).strip()[:max_chars]


def has_content(text: str) -> bool:
    """Return whether text holds at least one letter or digit (not only emoji or punctuation)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def is_cjk(ch: str) -> bool:
    """Return whether a character is a CJK unified ideograph."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
