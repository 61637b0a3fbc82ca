"""What the public faces may use of the crisis protocol: nothing that can name a person.

Public pages, open data and Open311 reach wellbeing through this module alone (the import
rules in pyproject.toml hold them to it):

- `hotline_panel(place, level)`: what the residents' hotline panel shows (national and local
  numbers, the nearest team's public line), in the active language, with its template;
- `referral_counts(place, period)`: referrals opened in a period by risk level, with counts
  below the policy's threshold suppressed.
"""

from __future__ import annotations

from datetime import date

from concord.places.models import Place

from . import selectors

PANEL_TEMPLATE = "wellbeing/hotline_panel.html"


def hotline_panel(place: Place | None, level: str | None = None) -> dict:
    """Return the hotline panel's template and context (see selectors.hotline_context)."""
    return {"template": PANEL_TEMPLATE, "hotline": selectors.hotline_context(place, level=level)}


def referral_counts(place: Place, period: tuple[date, date]) -> dict:
    """Return {"total", "by_risk": {level: n}} for the place's subtree, small counts hidden."""
    return selectors.referral_counts(place, period)


__all__ = ["PANEL_TEMPLATE", "hotline_panel", "referral_counts"]
