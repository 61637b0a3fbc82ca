"""The assessment report as PDF (WeasyPrint), in Chinese or English."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from . import rules
from .models import Assessment, Dimension
from .selectors import assessment_detail, theme_names, you_said_we_did

LANGUAGES = ("zh-hans", "en")


def report_context(assessment: Assessment) -> dict:
    """Return what the report shows; the caller has activated the report's language."""
    a = assessment_detail(assessment)
    decision = a.decision
    consultation = getattr(a, "consultation", None)
    points = sorted(a.risk_points.all(), key=lambda p: (-p.score, p.pk))
    by_dimension = [
        (label, [p for p in points if p.dimension == value]) for value, label in Dimension.choices
    ]
    names = theme_names()
    summary = (consultation.summary if consultation else None) or {}
    lang_en = (translation.get_language() or "").startswith("en")
    themes = [
        {
            **t,
            "label": (names.get(t["theme"], (t["theme"], t["theme"]))[1 if lang_en else 0]) or "—",
        }
        for t in summary.get("themes", [])
    ]
    return {
        "a": a,
        "decision": decision,
        "consultation": consultation,
        "points": points,
        "by_dimension": by_dimension,
        "themes": themes,
        "stances": summary.get("stances", {}),
        "evidence": a.evidence_snapshot or {},
        "findings": (a.computed_detail or {}).get("findings", []),
        "tasks": list(a.tasks.all()),
        "engagements": list(a.engagements.all()),
        "responses": you_said_we_did(a),
        "rule_table": rule_table(),
        "lang_en": lang_en,
    }


def rule_table() -> list[tuple[str, str]]:
    """Return the documented rules as (code, text) in the active language."""
    from django.utils.translation import gettext as _

    return [
        (
            "R1",
            _("A risk point scores %(n)d or more (likelihood × impact) → high")
            % {"n": rules.POINT_HIGH},
        ),
        (
            "R2",
            _("At least %(k)d risk points score %(n)d or more → high")
            % {"k": rules.ACCUMULATION_COUNT, "n": rules.POINT_MEDIUM},
        ),
        ("R3", _("A risk point scores %(n)d or more → medium") % {"n": rules.POINT_MEDIUM}),
        (
            "R4",
            _("At least %(m)d stances stated and more than half oppose → high")
            % {"m": rules.MIN_STANCES},
        ),
        (
            "R5",
            _("At least %(m)d stances stated and at least a fifth oppose → medium")
            % {"m": rules.MIN_STANCES},
        ),
    ]


def report_html(assessment: Assessment, *, language: str = "zh-hans") -> str:
    with translation.override(language):
        return render_to_string("assessments/report.html", report_context(assessment))


def report_pdf(assessment: Assessment, *, language: str = "zh-hans") -> bytes:
    """Return the report as PDF bytes (Chinese glyphs need the Noto CJK fonts installed)."""
    from weasyprint import HTML

    return HTML(string=report_html(assessment, language=language)).write_pdf()
