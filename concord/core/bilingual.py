"""Messages in both languages, and text stored once and read in either language.

`each` renders one message (a gettext msgid with named placeholders) in every language, so that
a notification can be stored and sent in each recipient's own language: the notification
functions take the {language: text} it returns and pick the recipient's text.

A few system texts are stored with the record they explain (a clock's legal basis, for one) and
read later by people in either language. They are stored with both languages joined by
`SEPARATOR`, and each reader is shown their own half.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils import translation
from django.utils.functional import Promise

SEPARATOR = " / "
LANGUAGES = ("zh-hans", "en")


def each(message: str | Promise, **params) -> dict[str, str]:
    """Return `message` (a msgid) rendered in every language: {"zh-hans": …, "en": …}.

    A message that needs a context is given as `pgettext_lazy(context, msgid)`. A parameter
    that itself differs by language is given as {language: value} (a record's own `title_zh`
    and `title_en`; an empty value falls back to the other language's), as a lazy
    translation, or as a function of no arguments that reads the active language (a place's
    `localized_name`), called once per language; any other value is the same in every
    language. (The project's makemessages
    collects the msgids given to `each`.)
    """
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            if isinstance(message, Promise):
                text = str(message)
            else:
                text = translation.gettext(message)
            values = {name: _value_in(value, language) for name, value in params.items()}
        texts[language] = text % values if params else text
    return texts


def each_rendered(render: Callable[[], str]) -> dict[str, str]:
    """Return what `render` gives in every language: {"zh-hans": …, "en": …}.

    For a text put together from several translated pieces (a clock's name, its date, a
    note), which `render` builds with gettext in the active language; each language is made
    active in turn.
    """
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = str(render())
    return texts


def _value_in(value, language: str):
    if isinstance(value, Mapping):
        return value.get(language) or next((v for v in value.values() if v), "")
    if isinstance(value, Promise):
        return str(value)  # under the caller's translation.override
    if callable(value):
        return value()  # likewise
    return value


def both(message: str, **params) -> str:
    """Return `message` (a msgid) translated into Chinese and English, joined by SEPARATOR."""
    zh, en = (each(message, **params)[language] for language in LANGUAGES)
    return zh if zh == en else SEPARATOR.join((zh, en))


def in_language(text: str, language: str | None = None) -> str:
    """Return the half of a stored "中文 / English" text for `language` (the active one by
    default); a text stored in one language only is returned as it is."""
    if SEPARATOR not in (text or ""):
        return text or ""
    zh, en = text.split(SEPARATOR, 1)
    language = language or translation.get_language() or "zh-hans"
    return en if language.startswith("en") else zh
