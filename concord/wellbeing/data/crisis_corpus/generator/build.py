"""Build ``train_generated.csv``: training texts expanded from the templates in zh.py and en.py.

Run ``python concord/wellbeing/data/crisis_corpus/generator/build.py`` from the repository root.
The templates were written from the list of kinds in issue 22 only (never from the held-out
files). Each template is expanded at random (fixed seed), then a share of the Chinese texts is
written in traditional characters, spaced or dotted inside words, or given a typo, the way real
posts are. The ``group`` column names the template, so cross-validation keeps a template's texts
in one fold.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import en  # noqa: E402
import zh  # noqa: E402

SEED = 20261203
PER_TEMPLATE = 50
PER_NEGATIVE_TEMPLATE = 150
_ALT = re.compile(r"\{([^{}]*)\}")


def expand(template: str, rng: random.Random) -> str:
    while True:
        m = _ALT.search(template)
        if not m:
            return template
        template = template[: m.start()] + rng.choice(m.group(1).split("|")) + template[m.end() :]


def variety(text: str, rng: random.Random) -> str:
    """Write some Chinese texts the way posts are written: traditional, spaced, typos."""
    from zhconv import convert

    roll = rng.random()
    if roll < 0.12:
        return convert(text, "zh-tw")
    if roll < 0.20:
        chars = list(text)
        at = rng.randrange(1, max(2, len(chars)))
        chars.insert(at, rng.choice([" ", "·", ".", "  ", "*"]))
        return "".join(chars)
    if roll < 0.24:
        return text.replace("，", ",").replace("。", "")
    return text


def generate() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for lang, module in (("zh", zh), ("en", en)):
        for i, (kind, level, template) in enumerate([*module.T, *module.N]):
            n_alternatives = 1
            for m in _ALT.finditer(template):
                n_alternatives *= len(m.group(1).split("|"))
            cap = PER_TEMPLATE if level != "none" else PER_NEGATIVE_TEMPLATE
            want = min(cap, max(3, n_alternatives // 2))
            tries = 0
            made = 0
            while made < want and tries < want * 6:
                tries += 1
                text = expand(template, rng).strip()
                if lang == "zh":
                    text = variety(text, rng)
                else:
                    text = text if rng.random() < 0.7 else text.lower()
                if text in seen:
                    continue
                seen.add(text)
                rows.append(
                    {
                        "text": text,
                        "lang": lang,
                        "kind": kind,
                        "level": level,
                        "group": f"{lang}{i}",
                    }
                )
                made += 1
    return rows


def main() -> None:
    rows = generate()
    out = HERE.parent / "train_generated.csv"
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["text", "lang", "kind", "level", "group"])
        writer.writeheader()
        writer.writerows(rows)
    crisis = sum(r["level"] != "none" for r in rows)
    print(f"{len(rows)} texts ({crisis} crisis, {len(rows) - crisis} not) written to {out.name}")


if __name__ == "__main__":
    main()
