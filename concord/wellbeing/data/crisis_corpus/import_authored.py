"""Copy an independently authored training set into the corpus as ``train_authored_<name>_*.csv``.

Run ``python concord/wellbeing/data/crisis_corpus/import_authored.py NAME DIR`` from the
repository root, where DIR holds ``NAME_crisis.csv`` and ``NAME_benign.csv`` (columns
``text,lang,kind,level``). With ``--check`` first, the set joins the check set instead
(``check_{crisis,benign}_{zh,en}.csv``, split by language, appended): texts that are measured and
never trained or tuned on. Rows are compared by a key of their normalised text (full width
folded, lower case, traditional mapped to simplified, everything but letters, digits and Chinese
characters removed). A row is dropped when its key
- repeats within the set, or appears in both its crisis and its benign file;
- equals the key of a text already in a training file (``train_*.csv``) or the rule test sentences;
- equals the key of a held-out or check text. Only SHA-256 digests of their keys are computed
  and compared, and only the number of collisions is printed: no held-out text is shown.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
sys.path.insert(0, str(ROOT))

from concord.triage.algorithms.crisis import normalise  # noqa: E402
from concord.triage.algorithms.crisis_training import RULE_SENTENCES  # noqa: E402

_NOT_WORD = re.compile(r"[\W_]+")
FIELDS = ["text", "lang", "kind", "level"]


def key(text: str) -> str:
    return _NOT_WORD.sub("", normalise(text).text)


def digest(text: str) -> str:
    return hashlib.sha256(key(text).encode()).hexdigest()


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main() -> None:
    check = sys.argv[1] == "--check"
    name, source = sys.argv[1 + check], Path(sys.argv[2 + check])
    measured = [*HERE.glob("heldout_*.csv"), *HERE.glob("check_*.csv")]
    heldout = {digest(r["text"]) for p in sorted(measured) for r in read(p)}
    existing = set()
    for path in sorted(HERE.glob("train_*.csv")):
        if path.name.startswith(f"train_authored_{name}_"):
            continue  # re-importing the same set replaces it
        existing.update(key(r["text"]) for r in read(path))
    existing.update(key(r["text"]) for r in read(RULE_SENTENCES))

    sets = {part: read(source / f"{name}_{part}.csv") for part in ("crisis", "benign")}
    keys = {part: [key(r["text"]) for r in rows] for part, rows in sets.items()}
    both = set(keys["crisis"]) & set(keys["benign"])
    for part, rows in sets.items():
        seen: set[str] = set()
        kept, dropped = [], {"empty": 0, "repeat": 0, "both": 0, "training": 0, "held-out": 0}
        for row, k in zip(rows, keys[part], strict=True):
            if not k:
                dropped["empty"] += 1
            elif k in seen:
                dropped["repeat"] += 1
            elif k in both:
                dropped["both"] += 1
            elif k in existing:
                dropped["training"] += 1
            elif hashlib.sha256(k.encode()).hexdigest() in heldout:
                dropped["held-out"] += 1
            else:
                kept.append({f: row[f].strip() for f in FIELDS})
            seen.add(k)
        if check:
            for lang in ("zh", "en"):
                append(HERE / f"check_{part}_{lang}.csv", [r for r in kept if r["lang"] == lang])
        else:
            write(HERE / f"train_authored_{name}_{part}.csv", kept)
        print(f"{name} {part}: {len(kept)} of {len(rows)} rows kept; dropped {dropped}")


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def append(path: Path, rows: list[dict[str, str]]) -> None:
    write(path, (read(path) if path.exists() else []) + rows)


if __name__ == "__main__":
    main()
