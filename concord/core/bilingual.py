"""Text stored once and read in either language: "中文 / English".

A few system texts are stored with the record they explain (a clock's legal basis, for one) and
read later by people in either language. They are stored with both languages joined by
`SEPARATOR`, and each reader is shown their own half.
"""

from __future__ import annotations

from django.utils import translation

SEPARATOR = " / "
LANGUAGES = ("zh-hans", "en")


def both(message: str, **params) -> str:
    """Return `message` (a msgid) translated into Chinese and English, joined by SEPARATOR."""
    halves = []
    for language in LANGUAGES:
        with translation.override(language):
            text = translation.gettext(message)
        halves.append(text % params if params else text)
    return halves[0] if halves[0] == halves[1] else SEPARATOR.join(halves)


def in_language(text: str, language: str | None = None) -> str:
    """Return the half of a stored "中文 / English" text for `language` (the active one by
    default); a text stored in one language only is returned as it is."""
    if SEPARATOR not in (text or ""):
        return text or ""
    zh, en = text.split(SEPARATOR, 1)
    language = language or translation.get_language() or "zh-hans"
    return en if language.startswith("en") else zh
