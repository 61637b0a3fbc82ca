"""Mainland China mobile numbers: the only numbers a resident account can be made with.

Residents type numbers many ways: "+86 138 0013 8000", "0086-13800138000", "(86)138-0013-8000",
full-width digits from a Chinese input method. All of these are one number; a landline, a Hong
Kong or a foreign number is refused with a message that says why (the SMS gateway reaches
mainland mobiles only).
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from concord.core.errors import InvalidInput

MOBILE = re.compile(r"1[3-9]\d{9}")
SEPARATORS = re.compile(r"[\s\-\.\(\)（）\u2010-\u2015\u00a0]")


def normalise_mobile(text: str) -> str:
    """Return the 11-digit mainland mobile number in `text`, or raise InvalidInput."""
    value = SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    if value.startswith("+"):
        value = value[1:]
        if not value.startswith("86"):
            raise InvalidInput(fields={"phone": refusal()})
        value = value[2:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not value.isascii() or not MOBILE.fullmatch(value):
        raise InvalidInput(fields={"phone": refusal()})
    return value


def refusal() -> str:
    return _(
        "Enter a mainland China mobile number: 11 digits starting with 1, for example "
        "138 0013 8000. Landlines and numbers outside the mainland cannot receive codes."
    )


def masked(number: str) -> str:
    """Return the number with its middle four digits hidden (138****8000)."""
    return f"{number[:3]}****{number[-4:]}" if len(number) == 11 else "****"
