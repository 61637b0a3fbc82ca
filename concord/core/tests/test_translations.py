"""The Simplified Chinese catalogues are complete, well-formed and compiled.

Every ``django.po`` under the ``concord`` package is checked, whichever app it belongs to, so a
string added anywhere without a translation (or with a broken placeholder) fails here.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
PO_FILES = sorted(PACKAGE.rglob("locale/*/LC_MESSAGES/django.po"))

# %(name)s, %(exp).1f, %s, %d … but not the escaped percent sign %%.
PERCENT = re.compile(r"%(?:\((?P<name>[^)]+)\))?[#0 +-]*\d*(?:\.\d+)?(?P<conv>[diouxXeEfFgGcrsa%])")
BRACES = re.compile(r"\{(?P<field>[A-Za-z_][A-Za-z0-9_]*|\d*)\}")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


@dataclass
class Entry:
    """One message of a .po file."""

    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(token: str) -> str:
    """Return the text of one quoted .po string with its C escapes resolved."""
    body = token.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """Return the live entries of a .po file (obsolete ``#~`` entries are left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    target: tuple[str, int] | None = None  # which field a continuation line extends

    def start(line_no: int) -> Entry:
        entry = Entry(line=line_no, flags=pending_flags.copy())
        pending_flags.clear()
        entries.append(entry)
        return entry

    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            target = None if not line else target
            continue
        if line.startswith("#,"):
            pending_flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{path}:{line_no}: string outside an entry")
            name, index = target
            text = _unquote(line)
            if name == "msgstr":
                current.msgstr[index] += text
            else:
                setattr(current, name, (getattr(current, name) or "") + text)
            continue
        match = KEYWORD.match(line)
        if match is None:
            raise ValueError(f"{path}:{line_no}: cannot read {raw!r}")
        keyword, index, token = match.group(1), match.group(2), match.group(3)
        text = _unquote(token)
        if keyword == "msgctxt" or (keyword == "msgid" and (current is None or current.msgstr)):
            current = start(line_no)
        assert current is not None
        if keyword.startswith("msgstr"):
            number = int(index) if index is not None else 0
            current.msgstr[number] = text
            target = ("msgstr", number)
        else:
            setattr(current, keyword, text)
            target = (keyword, 0)
    return entries


def placeholders(text: str) -> tuple[Counter[str], list[str], Counter[str]]:
    """Return the named %-placeholders, the positional ones in order, and the brace fields."""
    named: Counter[str] = Counter()
    positional: list[str] = []
    for match in PERCENT.finditer(text):
        if match.group("conv") == "%":
            continue
        if match.group("name") is not None:
            named[match.group(0)] += 1
        else:
            positional.append(match.group(0))
    return named, positional, Counter(m.group(0) for m in BRACES.finditer(text))


def _label(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def test_there_are_catalogues_to_check():
    assert any(path.parts[-3] == "zh_Hans" for path in PO_FILES)


def test_every_app_with_translatable_strings_has_a_chinese_catalogue():
    marker = re.compile(r"gettext|\{%-?\s*(trans|translate|blocktrans|blocktranslate)\b")
    missing = []
    for app in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        sources = [
            p
            for p in (*app.rglob("*.py"), *app.rglob("*.html"), *app.rglob("*.txt"))
            if "tests" not in p.parts and "migrations" not in p.parts
        ]
        if any(marker.search(p.read_text(encoding="utf-8")) for p in sources):
            if not (app / "locale/zh_Hans/LC_MESSAGES/django.po").exists():
                missing.append(app.name)
    assert missing == [], f"apps without locale/zh_Hans/LC_MESSAGES/django.po: {missing}"


@pytest.mark.parametrize("po_path", PO_FILES, ids=_label)
def test_catalogue_is_complete_and_not_fuzzy(po_path: Path):
    entries = parse_po(po_path)
    header = [e for e in entries if e.is_header]
    assert len(header) == 1, "exactly one header entry"
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags and not entry.is_header:
            problems.append(f"{entry} is fuzzy")
        if entry.is_header:
            continue
        if entry.msgid_plural is None and set(entry.msgstr) != {0}:
            problems.append(f"{entry} has plural forms but no msgid_plural")
        forms = entry.msgstr.values() or [""]
        if any(not text.strip() for text in forms):
            problems.append(f"{entry} is not translated")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("po_path", PO_FILES, ids=_label)
def test_plural_entries_give_every_plural_form(po_path: Path):
    entries = parse_po(po_path)
    header = next(e for e in entries if e.is_header).msgstr[0]
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    assert match, "the header declares Plural-Forms"
    nplurals = int(match.group(1))
    short = [
        str(e)
        for e in entries
        if e.msgid_plural is not None and sorted(e.msgstr) != list(range(nplurals))
    ]
    assert short == [], f"plural entries without all {nplurals} forms: {short}"


@pytest.mark.parametrize("po_path", PO_FILES, ids=_label)
def test_placeholders_match(po_path: Path):
    problems = []
    for entry in parse_po(po_path):
        if entry.is_header:
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        wanted = [placeholders(s) for s in sources]
        for index, text in entry.msgstr.items():
            if text and placeholders(text) not in wanted:
                problems.append(f"{entry}: msgstr[{index}] {text!r} changes the placeholders")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("po_path", PO_FILES, ids=_label)
def test_compiled_catalogue_matches_the_po_file(po_path: Path):
    # Comparing content rather than modification times: a fresh clone gives both files the
    # checkout time in an arbitrary order, while a stale .mo really differs in what it holds.
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{_label(mo_path)} is missing: run compilemessages"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in parse_po(po_path):
        if entry.is_header or "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(str(entry))
            continue
        for n in range(0, 120):
            want = entry.msgstr.get(compiled.plural(n))
            if entry.msgctxt is None:
                got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
            else:
                got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
            if got != want:
                stale.append(f"{entry} (n={n})")
                break
    assert stale == [], f"{_label(mo_path)} is out of date; run compilemessages:\n" + "\n".join(
        stale
    )


def test_a_message_has_one_translation_across_catalogues():
    # Django merges all catalogues into one: for a msgid found in several, only the first app in
    # INSTALLED_APPS is ever shown, so a different wording elsewhere is silently dead. Words
    # that need different renderings in different places take a context (pgettext).
    seen: dict[tuple[str | None, str, str | None], dict[str, str]] = {}
    for po_path in PO_FILES:
        for entry in parse_po(po_path):
            text = "\x00".join(entry.msgstr[i] for i in sorted(entry.msgstr))
            if entry.is_header or not text.strip("\x00"):
                continue
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
            seen.setdefault(key, {})[_label(po_path)] = text
    clashes = [
        f"{key[1]!r}: {by_file}" for key, by_file in seen.items() if len(set(by_file.values())) > 1
    ]
    assert clashes == [], "\n".join(clashes)


def test_the_product_is_named_as_the_brand_in_chinese():
    # Residents meet the name on every page (the brand, 和合) and in their text messages: a
    # message that names Concord calls it the same in Chinese, never by another name or in Latin.
    brand = {
        entry.msgstr[0]
        for po_path in PO_FILES
        for entry in parse_po(po_path)
        if entry.msgctxt == "brand" and entry.msgid == "Concord"
    }
    assert brand == {"和合"}
    wrong = [
        f"{_label(po_path)} {entry}: {text!r}"
        for po_path in PO_FILES
        for entry in parse_po(po_path)
        if "Concord" in entry.msgid
        for text in entry.msgstr.values()
        if "Concord" in text or "和谐" in text
    ]
    assert wrong == [], "\n".join(wrong)


def _has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def test_activating_chinese_translates_strings_from_several_apps():
    from concord.accounts.roles import Role
    from concord.cases.models import Channel, Status
    from concord.channels.models import PetitionStage
    from concord.places.models import Level
    from concord.warning.models import AlertState

    samples = {
        "cases status": lambda: Status.RESOLVED.label,
        "cases channel": lambda: Channel.ADMINISTRATIVE_RECONSIDERATION.label,
        "channels petition stage": lambda: PetitionStage.REVIEWED.label,
        "places level": lambda: Level.GRID.label,
        "accounts role": lambda: Role.GRID_WORKER.label,
        "warning state": lambda: AlertState.DISMISSED.label,
        "project language": lambda: dict(settings.LANGUAGES)["en"],
        "core error": lambda: translation.gettext("You are not allowed to do this."),
    }
    with translation.override("en"):
        english = {name: str(get()) for name, get in samples.items()}
    with translation.override("zh-hans"):
        chinese = {name: str(get()) for name, get in samples.items()}

    untranslated = [n for n in samples if chinese[n] == english[n] or not _has_chinese(chinese[n])]
    assert untranslated == []
    assert all(not _has_chinese(text) for text in english.values())
    # The legal names of channels are fixed terms, not free wording.
    assert chinese["cases channel"] == "行政复议"
    assert chinese["channels petition stage"] == "已出具复查意见"
    assert chinese["places level"] == "网格"


def test_parser_reads_plurals_contexts_continuations_and_flags(tmp_path: Path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#, python-format\nmsgctxt "case"\nmsgid "%(n)d file"\nmsgid_plural "%(n)d files"\n'
        'msgstr[0] "%(n)d 个"\n"文件"\n\n'
        '#, fuzzy\nmsgid "Say \\"hi\\""\nmsgstr ""\n\n'
        '#~ msgid "gone"\n#~ msgstr "已删除"\n',
        encoding="utf-8",
    )
    header, plural, fuzzy = parse_po(po)
    assert header.is_header and "nplurals=1" in header.msgstr[0]
    assert (plural.msgctxt, plural.msgid_plural, plural.msgstr) == (
        "case",
        "%(n)d files",
        {0: "%(n)d 个文件"},
    )
    assert plural.flags == {"python-format"}
    assert fuzzy.msgid == 'Say "hi"' and fuzzy.flags == {"fuzzy"}


def test_placeholder_comparison_catches_lost_renamed_and_reordered_fields():
    assert placeholders("%(a)s and %(b)d") == placeholders("%(b)d 和 %(a)s")
    assert placeholders("%(a)s") != placeholders("%(b)s")
    assert placeholders("%(a)s of %(b)s") != placeholders("%(a)s")
    assert placeholders("%s of %d") != placeholders("%d 的 %s")
    assert placeholders("{name} 100%%") == placeholders("{name} 百分之百%%")
    assert placeholders("{name}") != placeholders("{nom}")
