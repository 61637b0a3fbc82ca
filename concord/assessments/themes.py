"""Summarise consultation comments by theme: counts, keywords and representative quotes.

Pure module: no Django. The theme of a comment is the category the triage classifier gives it
(the same first-level categories that route cases), so what residents say in a consultation
lines up with what they report as cases. Keywords come from jieba's TF-IDF extraction per
comment and are counted as "number of comments that mention the word", which is the count a
reader can check against the quotes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

KEYWORDS_PER_COMMENT = 6
KEYWORDS_PER_THEME = 8
QUOTES_PER_THEME = 3
QUOTE_MAX_CHARS = 160
UNCLASSIFIED = ""
# Function words jieba's IDF table does not weigh down enough in short comments.
STOPWORDS = frozenset(
    """我们 你们 他们 这个 那个 什么 怎么 如果 因为 所以 但是 而且 希望 建议 问题 没有 就是 还是
    可以 不能 已经 现在 一下 这样 那样 非常 觉得 认为 进行 相关 以及 the and for that with this
    are was were have has not but our you they will would should from into about to is too
    it its be as or of in on at by an we us me my he she his her them their there here very
    can could do does did been being also just than then so if""".split()
)

# A classifier takes texts and returns, per text, (label, confidence); "" when it has none.
Classifier = Callable[[Sequence[str]], Sequence[tuple[str, float]]]


@dataclass(frozen=True)
class CommentIn:
    key: int
    text: str


@dataclass
class Theme:
    label: str
    count: int
    keywords: list[tuple[str, int]]
    quotes: list[tuple[int, str]]
    comment_keys: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "theme": self.label,
            "count": self.count,
            "keywords": [{"word": w, "count": n} for w, n in self.keywords],
            "quotes": [{"comment": k, "text": t} for k, t in self.quotes],
            "comments": self.comment_keys,
        }


@dataclass
class Summary:
    total: int
    themes: list[Theme]
    keywords: list[tuple[str, int]]
    assignments: dict[int, tuple[str, float, list[str]]]

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "themes": [t.as_dict() for t in self.themes],
            "keywords": [{"word": w, "count": n} for w, n in self.keywords],
        }


# Parts of speech (jieba's tag set) that can carry a theme: nouns, verbs used as nouns, verbs,
# adjectives, abbreviations, idioms and fixed expressions, and words in Latin script.
CONTENT_TAGS = ("n", "vn", "v", "a", "j", "i", "l", "eng")


@cache
def _jieba():
    import jieba
    import jieba.analyse
    import jieba.posseg

    jieba.setLogLevel(60)  # silence "Building prefix dict" on stderr
    idf = jieba.analyse.default_tfidf.idf_loader
    return jieba.posseg, idf.idf_freq, idf.median_idf


def phrases_of(text: str) -> list[str]:
    """Return the whole words and short phrases of a text, in order.

    Only dictionary words (no HMM guessing: it joins characters across word boundaries and
    gives fragments such as 房离 from 安置房离原村 or 征后 from 土地被征后). A word followed by
    a one-character noun forms a phrase with it (安置 + 房 = 安置房), since a one-character noun
    alone rarely names a theme and the pair is what people wrote.
    """
    posseg, _idf, _median = _jieba()
    tokens = [(w.word.strip().lower(), w.flag) for w in posseg.cut(text, HMM=False)]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        word, flag = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if len(word) >= 2 and flag in ("v", "vn", "n") and len(nxt[0]) == 1 and nxt[1] == "n":
            out.append(word + nxt[0])
            i += 2
            continue
        if len(word) >= 2 and flag.startswith(CONTENT_TAGS) and not flag.startswith("nr"):
            out.append(word)
        i += 1
    return [w for w in out if w not in STOPWORDS and not w.isdigit()]


def keywords_of(text: str, k: int = KEYWORDS_PER_COMMENT) -> list[str]:
    """Return up to k keywords of one text (whole words or phrases), most characteristic
    first: weighted by term frequency times jieba's inverse document frequency."""
    _posseg, idf, median = _jieba()
    words = phrases_of(text)
    if not words:
        return []
    tf = Counter(words)
    first = {}
    for n, w in enumerate(words):
        first.setdefault(w, n)
    ranked = sorted(tf, key=lambda w: (-tf[w] * idf.get(w, median), first[w]))
    return ranked[:k]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_MAX_CHARS else text[: QUOTE_MAX_CHARS - 1] + "…"


def summarise(comments: Sequence[CommentIn], classify: Classifier) -> Summary:
    """Group comments by theme, most frequent first, with keyword counts and quotes.

    The representative quotes of a theme are the comments that mention most of the theme's
    top keywords (ties broken by the classifier's confidence, then by order of arrival), so a
    quote stands for what many commenters said rather than for one unusual comment.
    """
    if not comments:
        return Summary(total=0, themes=[], keywords=[], assignments={})
    labels = list(classify([c.text for c in comments]))
    kws = [keywords_of(c.text) for c in comments]
    assignments = {
        c.key: (label, float(conf), kw)
        for c, (label, conf), kw in zip(comments, labels, kws, strict=True)
    }
    overall = Counter(w for kw in kws for w in set(kw))
    by_theme: dict[str, list[int]] = {}
    for i, (label, _conf) in enumerate(labels):
        by_theme.setdefault(label or UNCLASSIFIED, []).append(i)

    themes = []
    for label, idx in by_theme.items():
        counts = Counter(w for i in idx for w in set(kws[i]))
        top = counts.most_common(KEYWORDS_PER_THEME)
        top_words = {w for w, n in top if n > 1} or {w for w, _n in top}
        coverage = np.array([len(top_words.intersection(kws[i])) for i in idx], dtype=float)
        confidence = np.array([labels[i][1] for i in idx], dtype=float)
        # lexsort sorts by the last key first: coverage, then confidence, then arrival order.
        order = np.lexsort((np.arange(len(idx)), -confidence, -coverage))
        quotes = [(comments[idx[j]].key, _quote(comments[idx[j]].text)) for j in order]
        themes.append(
            Theme(
                label=label,
                count=len(idx),
                keywords=top,
                quotes=quotes[:QUOTES_PER_THEME],
                comment_keys=[comments[i].key for i in idx],
            )
        )
    themes.sort(key=lambda t: (-t.count, t.label))
    return Summary(
        total=len(comments),
        themes=themes,
        keywords=overall.most_common(KEYWORDS_PER_THEME * 2),
        assignments=assignments,
    )
