"""Screening of public text for spam, abuse and personal data. No Django here.

A hit does not reject anything: the text is held for a moderator and the author sees why.
"""

from __future__ import annotations

import re

# Kept short on purpose: the screen holds text for a human, it does not judge it.
ABUSIVE_WORDS = (
    "傻逼",
    "sb",
    "去死",
    "混蛋",
    "王八蛋",
    "垃圾人",
    "idiot",
    "stupid",
    "moron",
    "bastard",
)
SPAM_WORDS = ("代开发票", "加微信", "兼职刷单", "贷款秒批", "casino", "viagra", "bitcoin giveaway")

_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_REPEAT = re.compile(r"(.)\1{9,}")

REASONS = ("links", "personal_data", "abuse", "spam", "repetition")


def screen(text: str) -> list[str]:
    """Return the reasons (codes from REASONS) to hold `text` for moderation; empty if none."""
    lowered = text.lower()
    reasons: list[str] = []
    if len(_URL.findall(text)) >= 2:
        reasons.append("links")
    if _PHONE.search(text) or _ID_NUMBER.search(text) or _EMAIL.search(text):
        reasons.append("personal_data")
    words = set(re.findall(r"[a-z]+", lowered))
    if any((w in words) if w.isascii() else (w in text) for w in ABUSIVE_WORDS):
        reasons.append("abuse")
    if any(w in lowered for w in SPAM_WORDS):
        reasons.append("spam")
    if _REPEAT.search(text):
        reasons.append("repetition")
    return reasons
