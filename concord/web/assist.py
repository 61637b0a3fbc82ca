"""Help while a resident types: category suggestions and the crisis check.

Suggestions come from the triage classifier that is in use (trained once and cached per
process by `concord.triage.engine`); when no model can be loaded the form simply shows none.
"""

from __future__ import annotations

import logging

from concord.cases.models import Category, Kind
from concord.core import conf
from concord.places.models import Place
from concord.triage.algorithms.crisis import LEVELS, assess
from concord.wellbeing import public as wellbeing_public

logger = logging.getLogger(__name__)


def category_suggestions(*, title: str, body: str, kind: str = "", k: int = 3) -> list[dict]:
    """Return up to k {code, name, confidence} suggestions the classifier is sure of.

    [] when there is no model or it is unsure: a wrong guess offered with a percentage misleads
    more than no guess. Below `SUGGEST_MIN_CONFIDENCE` nothing is offered. For a dispute only
    dispute categories are offered: the classifier learnt from service requests and would
    otherwise file a quarrel about noise under environmental protection.
    """
    if not (title or "").strip() and not (body or "").strip():
        return []
    try:
        from concord.triage.actions import suggest

        suggestions, _version = suggest(title=title, body=body, k=k)
    except Exception:  # a broken model must never stop a resident from filing
        logger.exception("category suggestion failed")
        return []
    floor = conf.concord().suggest_min_confidence
    sure = [s for s in suggestions if s["confidence"] >= floor]
    if kind == Kind.DISPUTE and sure:
        disputes = set(
            Category.objects.filter(
                code__in=[s["code"] for s in sure], default_kind=Kind.DISPUTE
            ).values_list("code", flat=True)
        )
        sure = [s for s in sure if s["code"] in disputes]
    return sure


def crisis_level(*texts: str) -> str | None:
    """Return the most severe crisis level in the texts (imminent, plan, ideation) or None."""
    levels = {assess(t).level for t in texts if t} - {None}
    return min(levels, key=LEVELS.index) if levels else None


def text_signals_crisis(*texts: str) -> bool:
    return crisis_level(*texts) is not None


def hotline(place: Place | None, level: str | None = None) -> dict:
    """Return the template and context of the hotline panel (the wellbeing app's, with local
    services)."""
    return wellbeing_public.hotline_panel(place, level)
