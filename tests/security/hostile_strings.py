"""Hostile strings: what a careless or malicious client may put in any text field or parameter.

Every entry point must answer these with a 2xx or a clean 4xx, never a 500 (issue 20, point 3).
The corpus is used by the API fuzzer (tests/security/test_fuzz_hostile.py) and the web crawl
(tests/security/test_hostile_web.py).
"""

from __future__ import annotations

HOSTILE_STRINGS: list[str] = [
    # Unicode edge cases
    "\ud800",  # a lone high surrogate (not encodable as UTF-8)
    "\udfff",  # a lone low surrogate
    "a\ud83dz",  # half of an emoji pair
    "é",  # non-ASCII (a tracking token or receipt code that is not ASCII)
    "ＡＢＣ１２３",  # full-width letters and digits
    "C-２０２６-０００００１",  # a full-width receipt code
    "\u0130\u0131\u017f\u212a",  # letters whose case mapping changes their length or script
    "\u202eevil\u202c",  # right-to-left override
    "\u200b\u200d\ufeff",  # zero-width characters and a byte-order mark
    "\ufffd\uffff\U0010ffff",  # replacement character and non-characters
    "👨‍👩‍👧‍👦🏳️‍🌈",  # emoji sequences
    "e\u0301\u0301\u0301\u0301",  # stacked combining marks
    "邻里纠纷" * 3,
    # Control characters
    "\x00",
    "title\x00with NUL",
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    "line\r\nInjected-Header: 1",
    "\t\n\r",
    "\x85\u2028\u2029",
    # Very long strings
    "x" * 10_001,
    "长" * 70_000,
    "9" * 400,
    # Markup and injection shapes
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}{% debug %}",
    "'; DROP TABLE cases_case; --",
    "../../../../etc/passwd",
    "%00%2e%2e%2f",
    "javascript:alert(1)",
    "${jndi:ldap://x}",
    # Numbers and empties in text positions
    "",
    " ",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9223372036854775808",
    "null",
]
