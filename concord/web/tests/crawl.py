"""Read a page as a visitor sees it, and find words in the other script.

Text inside an element marked `translate="no"` (proper names and what people typed, by the
HTML standard's own attribute) or carrying a `lang` other than the page's is left out: those are
allowed to be in either script. Everything else on a Chinese page must be Chinese (apart from a
few acronyms), and nothing on an English page may be in Chinese characters.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]+")
# Written the same way in Chinese text.
ACRONYMS = {
    "PDF",
    "CSV",
    "XLSX",
    "JSON",
    "API",
    "SMS",
    "GeoJSON",
    "Open311",
    "TOTP",
    "URL",
    "ID",
    "OpenAPI",
    "HTTPS",
    "CC",
    "BY",
    "QR",
    "JPEG",
    "PNG",
    "EARS",
    "CUSUM",
    "Farrington",
    "Noufaily",
    "GLR",
    "kg",
    "km",
    "m",
    "MB",
    "KB",
    "Email",
    "email",
    "WeChat",
}
# Receipt codes, unit and place codes: identifiers, not words.
CODE = re.compile(r"\b[A-Z]{1,5}[0-9]*(?:[-.][0-9A-Z]+)+\b")
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class VisibleText(HTMLParser):
    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.page_lang = page_lang
        self.stack: list[tuple[str, bool]] = []
        self.pieces: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        lang = (a.get("lang") or "").lower()
        skip = (
            tag in ("script", "style", "template", "svg")
            or a.get("translate") == "no"
            or (lang and not lang.startswith(self.page_lang[:2]))
            or "hidden" in a
        )
        if tag in VOID:
            return
        self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.pieces.append(data.strip())


def foreign_text(html: str, page_lang: str) -> list[str]:
    """Return the visible pieces of text written in the other language's script."""
    parser = VisibleText(page_lang)
    parser.feed(html)
    found = []
    for piece in parser.pieces:
        if page_lang.startswith("en"):
            if HAN.search(piece):
                found.append(piece)
        else:
            words = [w for w in LATIN_WORD.findall(CODE.sub(" ", piece)) if w not in ACRONYMS]
            if words:
                found.append(piece)
    return found
